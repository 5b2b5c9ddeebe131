using System.Net;
using System.Net.Http.Json;
using Community.IntegrationTests.Infrastructure;
using Community.Livestreams;

namespace Community.IntegrationTests.Livestreams;

/// <summary>Bad input gets a clear error and changes nothing.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LivestreamErrorsTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Chat_in_a_room_that_has_not_started_or_has_ended_is_refused_over_http_and_the_hub()
    {
        var room = await cluster.CoHostedRoomAsync(start: false);
        var fanName = ClusterFixture.Unique("fan");
        var fan = await cluster.A.ClientAsync(fanName);
        await using var fanHub = await cluster.B.ConnectAsync(fanName);

        Assert.Contains("not started", await (await fan.PostChatAsync(room.LiveId, "early")).ProblemAsync(HttpStatusCode.Conflict));
        Assert.Contains("not started", await fanHub.SendChatAsync(room.LiveId, "early").HubErrorAsync(409));

        await room.OnA.LiveActionAsync(room.LiveId, "start");
        await fan.ChatAsync(room.LiveId, "on time");
        await room.OnA.LiveActionAsync(room.LiveId, "end");

        Assert.Contains("ended", await (await fan.PostChatAsync(room.LiveId, "late")).ProblemAsync(HttpStatusCode.Conflict));
        Assert.Contains("ended", await fanHub.SendChatAsync(room.LiveId, "late").HubErrorAsync(409));
        Assert.Equal(1, (await fan.ChatPageAsync(room.LiveId)).LastSeq);
    }

    [Fact]
    public async Task A_stream_starts_once_and_ends_once_and_only_a_host_may_do_either()
    {
        var room = await cluster.CoHostedRoomAsync(start: false);
        var fan = await cluster.A.ClientAsync(ClusterFixture.Unique("fan"));

        Assert.Contains("not started", await (await room.OnA.PostAsync($"/api/livestreams/{room.LiveId}/end", null)).ProblemAsync(HttpStatusCode.Conflict));
        Assert.Contains("Only the hosts", await (await fan.PostAsync($"/api/livestreams/{room.LiveId}/start", null)).ProblemAsync(HttpStatusCode.Forbidden));
        var started = await room.OnB.LiveActionAsync(room.LiveId, "start");
        Assert.Contains("already live", await (await room.OnA.PostAsync($"/api/livestreams/{room.LiveId}/start", null)).ProblemAsync(HttpStatusCode.Conflict));
        Assert.Contains("Only the hosts", await (await fan.PostAsync($"/api/livestreams/{room.LiveId}/end", null)).ProblemAsync(HttpStatusCode.Forbidden));
        var ended = await room.OnA.LiveActionAsync(room.LiveId, "end");

        Assert.Contains("already ended", await (await room.OnB.PostAsync($"/api/livestreams/{room.LiveId}/end", null)).ProblemAsync(HttpStatusCode.Conflict));
        var state = await fan.RoomAsync(room.LiveId);
        Assert.Equal((LiveStatus.Ended, started.StartedAt, ended.EndedAt), (state.Status, state.StartedAt, state.EndedAt));
    }

    [Fact]
    public async Task A_room_takes_at_most_six_hosts_counting_pending_invites()
    {
        var owner = ClusterFixture.Unique("own");
        var ownerClient = await cluster.A.CreatorAsync(owner);
        var room = await ownerClient.CreateLiveAsync();
        var guests = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var guest = ClusterFixture.Unique("g");
            await (i % 2 == 0 ? cluster.A : cluster.B).CreatorAsync(guest);
            guests.Add(guest);
        }

        for (var i = 0; i < 5; i++)
        {
            (await ownerClient.PostAsJsonAsync($"/api/livestreams/{room.LiveId}/invites", new { handle = guests[i] })).EnsureSuccessStatusCode();
        }

        var detail = await (await ownerClient.PostAsJsonAsync($"/api/livestreams/{room.LiveId}/invites", new { handle = guests[5] })).ProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("at most 6 hosts", detail);
        await (await cluster.B.ClientAsync(guests[0])).LiveActionAsync(room.LiveId, "hosts/me");
        var state = await ownerClient.RoomAsync(room.LiveId);
        Assert.Equal([owner, guests[0]], state.Hosts);
        Assert.Equal(guests[1..5], state.Invited);
    }

    [Fact]
    public async Task Only_creators_can_host_or_be_invited_and_only_invited_creators_can_accept()
    {
        var host = ClusterFixture.Unique("h");
        var hostClient = await cluster.A.CreatorAsync(host);
        var room = await hostClient.CreateLiveAsync();
        var fanName = ClusterFixture.Unique("fan");
        var fan = await cluster.B.ClientAsync(fanName);
        var uninvitedCreator = ClusterFixture.Unique("cr");
        var uninvited = await cluster.B.CreatorAsync(uninvitedCreator);

        Assert.Contains("no creator profile", await (await hostClient.PostAsJsonAsync($"/api/livestreams/{room.LiveId}/invites", new { handle = fanName })).ProblemAsync(HttpStatusCode.BadRequest));
        Assert.Contains("creator profile", await (await fan.PostAsJsonAsync("/api/livestreams", new { title = "My stream" })).ProblemAsync(HttpStatusCode.Forbidden));
        Assert.Contains("no invitation", await (await uninvited.PostAsync($"/api/livestreams/{room.LiveId}/hosts/me", null)).ProblemAsync(HttpStatusCode.Forbidden));
        Assert.Contains("Only the hosts", await (await uninvited.PostAsJsonAsync($"/api/livestreams/{room.LiveId}/invites", new { handle = uninvitedCreator })).ProblemAsync(HttpStatusCode.Forbidden));
        Assert.Contains("already a host", await (await hostClient.PostAsJsonAsync($"/api/livestreams/{room.LiveId}/invites", new { handle = host })).ProblemAsync(HttpStatusCode.Conflict));

        var state = await hostClient.RoomAsync(room.LiveId);
        Assert.Equal([host], state.Hosts);
        Assert.Empty(state.Invited);
    }

    [Fact]
    public async Task Malformed_input_is_refused_in_words()
    {
        var room = await cluster.CoHostedRoomAsync();
        var fanName = ClusterFixture.Unique("fan");
        var fan = await cluster.A.ClientAsync(fanName);
        await using var fanHub = await cluster.A.ConnectAsync(fanName);

        await (await fan.GetAsync("/api/livestreams/not-a-live-id")).ProblemAsync(HttpStatusCode.NotFound);
        await (await fan.GetAsync("/api/livestreams/abcdefghijkl")).ProblemAsync(HttpStatusCode.NotFound);
        await (await room.OnA.PostAsJsonAsync("/api/livestreams", new { title = " " })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await fan.PostChatAsync(room.LiveId, "  ")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await fan.PostChatAsync(room.LiveId, new string('x', 2_001))).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("via must be one of the hosts", await (await fan.PostChatAsync(room.LiveId, "hi", via: fanName)).ProblemAsync(HttpStatusCode.BadRequest));
        Assert.Contains("via must be one of the hosts", await fanHub.JoinLiveAsync(room.LiveId, fanName).HubErrorAsync(400));
        await fanHub.JoinLiveAsync("abcdefghijkl").HubErrorAsync(404);
        await (await fan.GetAsync($"/api/livestreams/{room.LiveId}/chat?limit=0")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(0, (await fan.ChatPageAsync(room.LiveId)).LastSeq);
    }
}
