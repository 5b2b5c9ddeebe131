using System.Net;
using System.Net.Http.Json;
using Community.Conversations;
using Community.Creators;
using Community.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Community.IntegrationTests.Conversations;

/// <summary>A creator's DM policy and block list, enforced on opening, on every send and on typing, over HTTP and the hub.</summary>
[Collection(ClusterCollection.Name)]
public sealed class WhoMayWriteTests(ClusterFixture cluster)
{
    [Fact]
    public async Task By_default_a_creator_takes_messages_from_followers_only()
    {
        var creator = ClusterFixture.Unique("cr");
        await cluster.A.CreatorAsync(creator);
        var fan = ClusterFixture.Unique("fan");
        var http = await cluster.B.ClientAsync(fan);
        await using var hub = await cluster.A.ConnectAsync(fan);
        var id = ConversationKey.Of(fan, creator);

        var policy = await http.GetFromJsonAsync<DmSettings>($"/api/creators/{creator}/dm-policy", Api.Json);
        var refusedOpen = await (await http.PostAsJsonAsync("/api/conversations", new { with = creator })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await http.PostAsJsonAsync($"/api/conversations/{id}/messages", new { text = "hi" })).ProblemAsync(HttpStatusCode.Forbidden);
        var refusedHub = await hub.InvokeAsync<Message>("SendMessage", id, "hi", null).HubFailsAsync(HttpStatusCode.Forbidden);
        await hub.InvokeAsync("Typing", id).HubFailsAsync(HttpStatusCode.Forbidden);
        (await http.PutAsync($"/api/creators/{creator}/followers/me", null)).EnsureSuccessStatusCode();
        var sent = await http.SendAsync((await http.OpenAsync(creator)).ConversationId, "now I follow you");

        Assert.Equal(DmPolicy.FollowersOnly, policy!.Policy);
        Assert.Contains("follow", refusedOpen, StringComparison.Ordinal);
        Assert.Contains("follow", refusedHub, StringComparison.Ordinal);
        Assert.Equal(1, sent.Seq);
    }

    [Fact]
    public async Task A_creator_who_takes_no_messages_can_still_write_first_and_then_be_answered()
    {
        var creator = ClusterFixture.Unique("cr");
        var creatorHttp = await cluster.A.CreatorAsync(creator);
        var fan = ClusterFixture.Unique("fan");
        var fanHttp = await cluster.B.ClientAsync(fan);
        (await fanHttp.PutAsync($"/api/creators/{creator}/followers/me", null)).EnsureSuccessStatusCode();
        (await creatorHttp.PutAsJsonAsync($"/api/creators/{creator}/dm-policy", new { policy = "nobody" })).EnsureSuccessStatusCode();
        var id = ConversationKey.Of(fan, creator);

        var refused = await (await fanHttp.PostAsJsonAsync($"/api/conversations/{id}/messages", new { text = "hi" })).ProblemAsync(HttpStatusCode.Forbidden);
        await creatorHttp.SendAsync((await creatorHttp.OpenAsync(fan)).ConversationId, "Thanks for following! Ask me anything.");
        var answer = await fanHttp.SendAsync(id, "What camera do you use?");

        Assert.Contains("does not take messages", refused, StringComparison.Ordinal);
        Assert.Equal(2, answer.Seq);
    }

    [Fact]
    public async Task A_creator_open_to_everyone_takes_messages_from_anyone()
    {
        var creator = ClusterFixture.Unique("cr");
        var creatorHttp = await cluster.A.CreatorAsync(creator);
        var stranger = await cluster.B.ClientAsync(ClusterFixture.Unique("st"));

        var set = await creatorHttp.PutAsJsonAsync($"/api/creators/{creator}/dm-policy", new { policy = "everyone" });
        var sent = await stranger.SendAsync((await stranger.OpenAsync(creator)).ConversationId, "hello");

        Assert.Equal(DmPolicy.Everyone, (await set.Content.ReadFromJsonAsync<DmSettings>(Api.Json))!.Policy);
        Assert.Equal(1, sent.Seq);
    }

    [Fact]
    public async Task A_blocked_user_can_neither_open_nor_send_nor_type_until_unblocked_and_the_creator_receives_nothing()
    {
        var creator = ClusterFixture.Unique("cr");
        var creatorHttp = await cluster.A.CreatorAsync(creator);
        (await creatorHttp.PutAsJsonAsync($"/api/creators/{creator}/dm-policy", new { policy = "everyone" })).EnsureSuccessStatusCode();
        var troll = ClusterFixture.Unique("tr");
        var trollHttp = await cluster.B.ClientAsync(troll);
        await using var trollHub = await cluster.B.ConnectAsync(troll);
        var id = (await trollHttp.OpenAsync(creator)).ConversationId;
        await trollHttp.SendAsync(id, "first");

        var blocked = await (await creatorHttp.PutAsync($"/api/creators/{creator}/blocked/{troll}", null)).Content.ReadFromJsonAsync<BlockResult>(Api.Json);
        var again = await (await creatorHttp.PutAsync($"/api/creators/{creator}/blocked/{troll}", null)).Content.ReadFromJsonAsync<BlockResult>(Api.Json);
        var list = await creatorHttp.GetFromJsonAsync<BlockedList>($"/api/creators/{creator}/blocked", Api.Json);
        var refused = await (await trollHttp.PostAsJsonAsync($"/api/conversations/{id}/messages", new { text = "again" })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await trollHttp.PostAsJsonAsync("/api/conversations", new { with = creator })).ProblemAsync(HttpStatusCode.Forbidden);
        await trollHub.InvokeAsync<Message>("SendMessage", id, "again", null).HubFailsAsync(HttpStatusCode.Forbidden);
        await trollHub.InvokeAsync("Typing", id).HubFailsAsync(HttpStatusCode.Forbidden);
        var lastSeqWhileBlocked = (await creatorHttp.MessagesAsync(id)).LastSeq;
        (await creatorHttp.DeleteAsync($"/api/creators/{creator}/blocked/{troll}")).EnsureSuccessStatusCode();
        var afterUnblock = await trollHttp.SendAsync(id, "sorry");

        Assert.Equal((true, true), (blocked!.Blocked, blocked.Changed));
        Assert.Equal((true, false), (again!.Blocked, again.Changed));
        Assert.Equal([troll], list!.Items);
        Assert.Contains("blocked", refused, StringComparison.Ordinal);
        Assert.Equal(1, lastSeqWhileBlocked);
        Assert.Equal(2, afterUnblock.Seq);
    }

    [Fact]
    public async Task Only_the_creator_sets_their_policy_and_blocks_and_bad_values_are_refused()
    {
        var creator = ClusterFixture.Unique("cr");
        var creatorHttp = await cluster.A.CreatorAsync(creator);
        var other = await cluster.B.ClientAsync(ClusterFixture.Unique("ot"));
        var plainFan = ClusterFixture.Unique("fan");

        await (await other.PutAsJsonAsync($"/api/creators/{creator}/dm-policy", new { policy = "everyone" })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await other.PutAsync($"/api/creators/{creator}/blocked/{plainFan}", null)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await other.GetAsync($"/api/creators/{creator}/blocked")).ProblemAsync(HttpStatusCode.Forbidden);
        var unknown = await (await creatorHttp.PutAsJsonAsync($"/api/creators/{creator}/dm-policy", new { policy = "friends" })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await creatorHttp.PutAsync($"/api/creators/{creator}/blocked/{creator}", null)).ProblemAsync(HttpStatusCode.BadRequest);
        await (await creatorHttp.PutAsync($"/api/creators/{creator}/blocked/NOT_A_HANDLE", null)).ProblemAsync(HttpStatusCode.BadRequest);
        await (await (await cluster.A.ClientAsync(plainFan)).GetAsync($"/api/creators/{plainFan}/dm-policy")).ProblemAsync(HttpStatusCode.NotFound);

        Assert.Contains("everyone, followersOnly or nobody", unknown, StringComparison.Ordinal);
        Assert.Equal(DmPolicy.FollowersOnly, (await other.GetFromJsonAsync<DmSettings>($"/api/creators/{creator}/dm-policy", Api.Json))!.Policy);
    }

    private sealed record BlockedList(IReadOnlyList<string> Items);
}
