using System.Net;
using System.Net.Http.Json;
using Community.IntegrationTests.Infrastructure;
using Community.Livestreams;
using Community.Realtime;
using Microsoft.AspNetCore.SignalR.Client;

namespace Community.IntegrationTests.Livestreams;

/// <summary>Moderation of the joint chat by hosts and appointed moderators, over HTTP and the hub.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LiveModerationTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Slow_mode_makes_viewers_wait_and_says_for_how_long_while_hosts_write_freely()
    {
        var room = await cluster.CoHostedRoomAsync();
        var fanName = ClusterFixture.Unique("fan");
        var fan = await cluster.A.ClientAsync(fanName);
        await using var fanHub = await cluster.B.ConnectAsync(fanName);
        await using var hostHub = await cluster.B.ConnectAsync(room.HostB);

        var record = await hostHub.InvokeAsync<ModerationRecord>("Moderate", room.LiveId, new ModerationRequest("slowMode", Seconds: 30));
        await fan.ChatAsync(room.LiveId, "first");
        var refused = await fan.PostChatAsync(room.LiveId, "second");

        Assert.Equal(("slowMode", room.HostB, 30), (record.Action, record.By, record.Seconds));
        var detail = await refused.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("Slow mode", detail);
        Assert.Contains("write again in", detail);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 30);
        var hubError = await fanHub.SendChatAsync(room.LiveId, "second, by hub").HubErrorAsync(429);
        Assert.Contains("write again in", hubError);
        await room.OnB.ChatAsync(room.LiveId, "hosts are exempt");
        await room.OnB.ChatAsync(room.LiveId, "really");

        await room.OnA.ModerateAsync(room.LiveId, new ModerationRequest("slowMode", Seconds: 0));

        await fan.ChatAsync(room.LiveId, "slow mode is off");
        Assert.Equal(0, (await fan.RoomAsync(room.LiveId)).Settings.SlowModeSeconds);
    }

    [Fact]
    public async Task A_moderator_times_a_viewer_out_who_then_learns_when_they_may_write_again()
    {
        var room = await cluster.CoHostedRoomAsync();
        var modName = ClusterFixture.Unique("mod");
        var trollName = ClusterFixture.Unique("troll");
        var mod = await cluster.B.ClientAsync(modName);
        var troll = await cluster.A.ClientAsync(trollName);
        await using var trollHub = await cluster.B.ConnectAsync(trollName);
        await room.OnA.ModerateAsync(room.LiveId, new ModerationRequest("addModerator", modName));
        await troll.ChatAsync(room.LiveId, "annoying");

        var timeout = await mod.ModerateAsync(room.LiveId, new ModerationRequest("timeout", trollName, Seconds: 600));

        Assert.Equal(timeout.At.AddSeconds(600), timeout.Until);
        var refused = await troll.PostChatAsync(room.LiveId, "still here");
        var detail = await refused.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("timed out", detail);
        Assert.Matches(@"write again in (10 min|9 min \d+ s)", detail);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 590, 600);
        Assert.Contains("timed out", await trollHub.SendChatAsync(room.LiveId, "by hub").HubErrorAsync(429));

        await mod.ModerateAsync(room.LiveId, new ModerationRequest("unban", trollName));

        await troll.ChatAsync(room.LiveId, "sorry");
    }

    [Fact]
    public async Task A_banned_viewer_cannot_write_until_unbanned_and_hosts_cannot_be_banned()
    {
        var room = await cluster.CoHostedRoomAsync();
        var trollName = ClusterFixture.Unique("troll");
        var troll = await cluster.A.ClientAsync(trollName);
        await using var trollHub = await cluster.A.ConnectAsync(trollName);
        await using var hostHub = await cluster.A.ConnectAsync(room.HostA);

        await hostHub.InvokeAsync<ModerationRecord>("Moderate", room.LiveId, new ModerationRequest("ban", trollName));

        Assert.Contains("banned", await (await troll.PostChatAsync(room.LiveId, "let me in")).ProblemAsync(HttpStatusCode.Forbidden));
        Assert.Contains("banned", await trollHub.SendChatAsync(room.LiveId, "let me in").HubErrorAsync(403));
        Assert.Contains("hosts cannot be", await hostHub.InvokeAsync<ModerationRecord>("Moderate", room.LiveId, new ModerationRequest("ban", room.HostB)).HubErrorAsync(400));

        await room.OnB.ModerateAsync(room.LiveId, new ModerationRequest("unban", trollName));

        Assert.Equal(trollName, (await trollHub.SendChatAsync(room.LiveId, "behaving now")).Author);
    }

    [Fact]
    public async Task A_removed_message_becomes_a_tombstone_that_keeps_its_seq_and_every_viewer_is_told()
    {
        var room = await cluster.CoHostedRoomAsync();
        await using var viewerA = await cluster.A.ConnectAsync(ClusterFixture.Unique("va"));
        await using var viewerB = await cluster.B.ConnectAsync(ClusterFixture.Unique("vb"));
        var removedOnA = new EventLog<ChatRemoved>(viewerA, ClientEvents.ChatRemoved);
        var removedOnB = new EventLog<ChatRemoved>(viewerB, ClientEvents.ChatRemoved);
        await viewerA.JoinLiveAsync(room.LiveId, room.HostA);
        await viewerB.JoinLiveAsync(room.LiveId, room.HostB);
        var fan = await cluster.A.ClientAsync(ClusterFixture.Unique("fan"));
        await fan.ChatAsync(room.LiveId, "hello");
        var bad = await fan.ChatAsync(room.LiveId, "something rude");

        var record = await room.OnB.ModerateAsync(room.LiveId, new ModerationRequest("remove", MessageId: bad.Id));
        var next = await fan.ChatAsync(room.LiveId, "after");

        Assert.Equal(bad.Id, record.MessageId);
        Assert.Equal(bad.Seq, (await removedOnA.WaitForAsync(r => r.Id == bad.Id)).Single().Seq);
        await removedOnB.WaitForAsync(r => r.Id == bad.Id);
        var history = await fan.ChatPageAsync(room.LiveId);
        Assert.Equal([1L, 2, 3], history.Items.Select(m => m.Seq));
        var tombstone = history.Items[1];
        Assert.Equal((bad.Id, true, "", bad.Author), (tombstone.Id, tombstone.Removed, tombstone.Text, tombstone.Author));
        Assert.Equal(3, next.Seq);
        var rejoined = await viewerA.JoinLiveAsync(room.LiveId, room.HostA, 0);
        Assert.True(rejoined.Missed.Single(m => m.Id == bad.Id).Removed);
        Assert.Contains("already removed", await (await room.OnA.PostModerationAsync(room.LiveId, new ModerationRequest("remove", MessageId: bad.Id))).ProblemAsync(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task A_pinned_message_shows_in_the_room_until_unpinned_or_removed()
    {
        var room = await cluster.CoHostedRoomAsync();
        await using var viewer = await cluster.B.ConnectAsync(ClusterFixture.Unique("v"));
        var updates = new EventLog<LiveRoom>(viewer, ClientEvents.LiveUpdated);
        await viewer.JoinLiveAsync(room.LiveId);
        var rules = await room.OnA.ChatAsync(room.LiveId, "Be kind. Recipes at the end.");
        var other = await room.OnA.ChatAsync(room.LiveId, "Second announcement");

        await room.OnB.ModerateAsync(room.LiveId, new ModerationRequest("pin", MessageId: rules.Id));

        Assert.Equal(rules.Id, (await room.OnA.RoomAsync(room.LiveId)).Pinned?.Id);
        await updates.WaitForAsync(r => r.Pinned?.Id == rules.Id);
        var unpinnedBefore = updates.Seen.Count(r => r.Pinned is null);

        await room.OnB.ModerateAsync(room.LiveId, new ModerationRequest("unpin"));

        Assert.Null((await room.OnA.RoomAsync(room.LiveId)).Pinned);
        await updates.WaitForAsync(r => r.Pinned is null, count: unpinnedBefore + 1);

        await room.OnA.ModerateAsync(room.LiveId, new ModerationRequest("pin", MessageId: other.Id));
        await room.OnA.ModerateAsync(room.LiveId, new ModerationRequest("remove", MessageId: other.Id));

        Assert.Null((await room.OnB.RoomAsync(room.LiveId)).Pinned);
        Assert.Contains("cannot be pinned", await (await room.OnA.PostModerationAsync(room.LiveId, new ModerationRequest("pin", MessageId: other.Id))).ProblemAsync(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task In_followers_only_chat_a_follower_of_any_host_may_write_and_others_are_told_whom_to_follow()
    {
        var room = await cluster.CoHostedRoomAsync();
        var fanName = ClusterFixture.Unique("fan");
        var fan = await cluster.A.ClientAsync(fanName);
        await using var fanHub = await cluster.B.ConnectAsync(fanName);

        var record = await room.OnA.ModerateAsync(room.LiveId, new ModerationRequest("followersOnly"));

        Assert.True(record.Enabled);
        Assert.True((await fan.RoomAsync(room.LiveId)).Settings.FollowersOnly);
        var detail = await (await fan.PostChatAsync(room.LiveId, "hi")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("followers-only", detail);
        Assert.Contains(room.HostB, detail);
        await fanHub.SendChatAsync(room.LiveId, "hi").HubErrorAsync(403);

        (await fan.PutAsync($"/api/creators/{room.HostB}/followers/me", null)).EnsureSuccessStatusCode();

        Assert.Equal(fanName, (await fanHub.SendChatAsync(room.LiveId, "followed the co-host")).Author);
        await room.OnA.ModerateAsync(room.LiveId, new ModerationRequest("followersOnly", Enabled: false));
        Assert.False((await fan.RoomAsync(room.LiveId)).Settings.FollowersOnly);
    }

    [Fact]
    public async Task A_message_with_a_blocked_term_is_held_back_and_neither_stored_nor_published()
    {
        var room = await cluster.CoHostedRoomAsync();
        await using var viewer = await cluster.B.ConnectAsync(ClusterFixture.Unique("v"));
        var seen = new EventLog<ChatMessage>(viewer, ClientEvents.ChatReceived);
        await viewer.JoinLiveAsync(room.LiveId);
        var fanName = ClusterFixture.Unique("fan");
        var fan = await cluster.A.ClientAsync(fanName);
        await using var fanHub = await cluster.A.ConnectAsync(fanName);

        await room.OnA.ModerateAsync(room.LiveId, new ModerationRequest("blockTerms", Terms: ["Spoiler", "the ending"]));

        Assert.Contains("blocked", await (await fan.PostChatAsync(room.LiveId, "Big SPOILER: it was a dream")).ProblemAsync(HttpStatusCode.BadRequest));
        Assert.Contains("blocked", await fanHub.SendChatAsync(room.LiveId, "I know  THE ENDING!").HubErrorAsync(400));
        var fine = await fan.ChatAsync(room.LiveId, "no spoilers please");

        Assert.Equal(1, fine.Seq);
        Assert.Equal([fine.Id], (await seen.WaitForAsync(_ => true)).Select(m => m.Id));
        Assert.Equal(1, (await fan.ChatPageAsync(room.LiveId)).LastSeq);

        await room.OnA.ModerateAsync(room.LiveId, new ModerationRequest("unblockTerms", Terms: ["spoiler"]));
        await fan.ChatAsync(room.LiveId, "spoiler: it was good");
    }

    [Fact]
    public async Task Every_moderation_action_is_recorded_with_who_did_it_and_only_hosts_and_moderators_read_the_log()
    {
        var room = await cluster.CoHostedRoomAsync();
        var modName = ClusterFixture.Unique("mod");
        var mod = await cluster.B.ClientAsync(modName);
        var fanName = ClusterFixture.Unique("fan");
        var fan = await cluster.A.ClientAsync(fanName);
        var message = await fan.ChatAsync(room.LiveId, "hi");

        await room.OnA.ModerateAsync(room.LiveId, new ModerationRequest("addModerator", modName));
        await mod.ModerateAsync(room.LiveId, new ModerationRequest("slowMode", Seconds: 10));
        await mod.ModerateAsync(room.LiveId, new ModerationRequest("timeout", fanName, Seconds: 60));
        await room.OnB.ModerateAsync(room.LiveId, new ModerationRequest("remove", MessageId: message.Id));
        await mod.ModerateAsync(room.LiveId, new ModerationRequest("blockTerms", Terms: ["scam"]));

        var log = await mod.GetFromJsonAsync<ModerationLog>($"/api/livestreams/{room.LiveId}/moderation", Api.Json);
        Assert.Equal(
            [(1L, "addModerator", room.HostA, modName), (2, "slowMode", modName, null), (3, "timeout", modName, fanName), (4, "remove", room.HostB, null), (5, "blockTerms", modName, null)],
            log!.Items.Select(r => (r.Seq, r.Action, r.By, r.Target)));
        Assert.Equal([modName], log.Moderators);
        Assert.Equal(["scam"], log.BlockedTerms);
        var page = await room.OnB.GetFromJsonAsync<ModerationLog>($"/api/livestreams/{room.LiveId}/moderation?afterSeq=3&limit=1", Api.Json);
        Assert.Equal([4L], page!.Items.Select(r => r.Seq));
        await (await fan.GetAsync($"/api/livestreams/{room.LiveId}/moderation")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Moderation_by_a_viewer_an_unknown_action_and_a_moderator_appointing_moderators_are_refused_and_change_nothing()
    {
        var room = await cluster.CoHostedRoomAsync();
        var fanName = ClusterFixture.Unique("fan");
        var fan = await cluster.A.ClientAsync(fanName);
        await using var fanHub = await cluster.B.ConnectAsync(fanName);
        var modName = ClusterFixture.Unique("mod");
        var mod = await cluster.B.ClientAsync(modName);
        await using var hostHub = await cluster.A.ConnectAsync(room.HostA);
        await room.OnA.ModerateAsync(room.LiveId, new ModerationRequest("addModerator", modName));

        Assert.Contains("hosts and moderators", await (await fan.PostModerationAsync(room.LiveId, new ModerationRequest("slowMode", Seconds: 60))).ProblemAsync(HttpStatusCode.Forbidden));
        await fanHub.InvokeAsync<ModerationRecord>("Moderate", room.LiveId, new ModerationRequest("slowMode", Seconds: 60)).HubErrorAsync(403);
        Assert.Contains("Unknown moderation action 'mute'", await (await room.OnA.PostModerationAsync(room.LiveId, new ModerationRequest("mute", fanName))).ProblemAsync(HttpStatusCode.BadRequest));
        Assert.Contains("Unknown moderation action", await hostHub.InvokeAsync<ModerationRecord>("Moderate", room.LiveId, new ModerationRequest("mute", fanName)).HubErrorAsync(400));
        Assert.Contains("Only the hosts", await (await mod.PostModerationAsync(room.LiveId, new ModerationRequest("addModerator", fanName))).ProblemAsync(HttpStatusCode.Forbidden));
        await (await room.OnA.PostModerationAsync(room.LiveId, new ModerationRequest("timeout", fanName, Seconds: 15 * 24 * 3600))).ProblemAsync(HttpStatusCode.BadRequest);
        await (await room.OnA.PostModerationAsync(room.LiveId, new ModerationRequest("slowMode", Seconds: 121))).ProblemAsync(HttpStatusCode.BadRequest);
        await (await room.OnA.PostModerationAsync(room.LiveId, new ModerationRequest("remove", MessageId: "nonsense"))).ProblemAsync(HttpStatusCode.BadRequest);

        var state = await fan.RoomAsync(room.LiveId);
        Assert.Equal(0, state.Settings.SlowModeSeconds);
        Assert.Equal([modName], state.Moderators);
        var log = await room.OnA.GetFromJsonAsync<ModerationLog>($"/api/livestreams/{room.LiveId}/moderation", Api.Json);
        Assert.Equal(1, log!.LastSeq);
    }
}
