using System.Net;
using System.Net.Http.Json;
using Community.IntegrationTests.Infrastructure;
using Community.Livestreams;
using Community.Realtime;
using Microsoft.AspNetCore.SignalR.Client;

namespace Community.IntegrationTests.Livestreams;

/// <summary>One joint chat for the audiences of two co-hosts whose viewers are spread over both hosts of the cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CoHostedChatTests(ClusterFixture cluster)
{
    [Fact]
    public async Task An_invited_creator_is_told_on_every_connection_and_becomes_a_co_host_by_accepting()
    {
        var hostA = ClusterFixture.Unique("ha");
        var hostB = ClusterFixture.Unique("hb");
        var onA = await cluster.A.CreatorAsync(hostA);
        var onB = await cluster.B.CreatorAsync(hostB);
        await using var phone = await cluster.A.ConnectAsync(hostB);
        await using var laptop = await cluster.B.ConnectAsync(hostB);
        var onPhone = new EventLog<LiveInvite>(phone, ClientEvents.InviteReceived);
        var onLaptop = new EventLog<LiveInvite>(laptop, ClientEvents.InviteReceived);
        var room = await onA.CreateLiveAsync("Sunday brunch");

        var response = await onA.PostAsJsonAsync($"/api/livestreams/{room.LiveId}/invites", new { handle = hostB });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var invite = (await onPhone.WaitForAsync(i => i.LiveId == room.LiveId)).Single();
        Assert.Equal((hostB, hostA, "Sunday brunch"), (invite.Handle, invite.InvitedBy, invite.Title));
        await onLaptop.WaitForAsync(i => i.LiveId == room.LiveId);
        Assert.Equal([hostB], (await onA.RoomAsync(room.LiveId)).Invited);

        var accepted = await onB.LiveActionAsync(room.LiveId, "hosts/me");

        Assert.Equal([hostA, hostB], accepted.Hosts);
        Assert.Empty(accepted.Invited);
        Assert.Equal(LiveStatus.Scheduled, accepted.Status);
    }

    [Fact]
    public async Task Viewers_of_both_co_hosts_on_both_cluster_hosts_see_one_chat_in_one_order_attributed_to_the_host_they_came_through()
    {
        var room = await cluster.CoHostedRoomAsync();
        var fanA = ClusterFixture.Unique("fa");
        var fanB = ClusterFixture.Unique("fb");
        var fanCross = ClusterFixture.Unique("fx");
        await using var viewerA = await cluster.A.ConnectAsync(fanA);
        await using var viewerB = await cluster.B.ConnectAsync(fanB);
        await using var viewerCross = await cluster.A.ConnectAsync(fanCross);
        await using var hostHub = await cluster.B.ConnectAsync(room.HostA);
        var logs = new[] { viewerA, viewerB, viewerCross, hostHub }.Select(c => new EventLog<ChatMessage>(c, ClientEvents.ChatReceived)).ToList();
        await viewerA.JoinLiveAsync(room.LiveId, room.HostA, 0);
        await viewerB.JoinLiveAsync(room.LiveId, room.HostB, 0);
        var crossJoin = await viewerCross.JoinLiveAsync(room.LiveId, room.HostB, 0);
        var hostJoin = await hostHub.JoinLiveAsync(room.LiveId);

        var sent = await Task.WhenAll(
            Enumerable.Range(0, 4).Select(i => viewerA.SendChatAsync(room.LiveId, $"A says {i}"))
                .Concat(Enumerable.Range(0, 4).Select(i => viewerB.SendChatAsync(room.LiveId, $"B says {i}")))
                .Concat(Enumerable.Range(0, 2).Select(i => viewerCross.SendChatAsync(room.LiveId, $"X says {i}")))
                .Append(hostHub.SendChatAsync(room.LiveId, "Welcome, everyone!")));

        Assert.Equal(room.HostB, crossJoin.Via);
        Assert.Equal(room.HostA, hostJoin.Via);
        Assert.Equal(Enumerable.Range(1, 11).Select(i => (long)i), sent.Select(m => m.Seq).Order());
        var order = sent.OrderBy(m => m.Seq).Select(m => m.Id).ToList();
        foreach (var log in logs)
        {
            Assert.Equal(order, (await log.WaitForAsync(_ => true, count: 11)).Select(m => m.Id));
        }

        Assert.All(sent.Where(m => m.Author == fanA), m => Assert.Equal(room.HostA, m.Via));
        Assert.All(sent.Where(m => m.Author == fanB || m.Author == fanCross), m => Assert.Equal(room.HostB, m.Via));
        Assert.Equal(room.HostA, sent.Single(m => m.Author == room.HostA).Via);
        var history = await room.OnB.ChatPageAsync(room.LiveId);
        Assert.Equal(order, history.Items.Select(m => m.Id));
        var state = await room.OnA.RoomAsync(room.LiveId);
        Assert.Equal(4, state.UniqueChatters);
        Assert.Equal([(room.HostA, 2L), (room.HostB, 2L)], state.Audience.Select(a => (a.Host, a.Chatters)));
    }

    [Fact]
    public async Task A_message_sent_over_http_through_a_co_host_counts_for_that_co_host()
    {
        var room = await cluster.CoHostedRoomAsync();
        var fan = await cluster.A.ClientAsync(ClusterFixture.Unique("fan"));

        var viaB = await fan.ChatAsync(room.LiveId, "found you through B", via: room.HostB);
        var byDefault = await fan.ChatAsync(room.LiveId, "no via");

        Assert.Equal(room.HostB, viaB.Via);
        Assert.Equal(room.HostA, byDefault.Via);
        var state = await fan.RoomAsync(room.LiveId);
        Assert.Equal(1, state.UniqueChatters);
        Assert.Equal([1L, 1L], state.Audience.Select(a => a.Chatters));
    }

    [Fact]
    public async Task A_viewer_that_reconnects_with_afterSeq_gets_exactly_what_it_missed()
    {
        var room = await cluster.CoHostedRoomAsync();
        var viewerName = ClusterFixture.Unique("v");
        var chatter = await cluster.B.ClientAsync(ClusterFixture.Unique("fan"));

        long lastSeen;
        await using (var viewer = await cluster.A.ConnectAsync(viewerName))
        {
            var seen = new EventLog<ChatMessage>(viewer, ClientEvents.ChatReceived);
            await viewer.JoinLiveAsync(room.LiveId, room.HostA, 0);
            await chatter.ChatAsync(room.LiveId, "one");
            await chatter.ChatAsync(room.LiveId, "two");
            lastSeen = (await seen.WaitForAsync(_ => true, count: 2)).Max(m => m.Seq);
        }

        for (var i = 3; i <= 6; i++)
        {
            await chatter.ChatAsync(room.LiveId, $"missed {i}");
        }

        await using var back = await cluster.B.ConnectAsync(viewerName);
        var live = new EventLog<ChatMessage>(back, ClientEvents.ChatReceived);
        var resumed = await back.JoinLiveAsync(room.LiveId, room.HostA, lastSeen);
        await chatter.ChatAsync(room.LiveId, "after the reconnect");

        Assert.Equal(6, resumed.LastSeq);
        Assert.Equal([3L, 4, 5, 6], resumed.Missed.Select(m => m.Seq));
        Assert.False(resumed.HasMore);
        Assert.Equal(LiveStatus.Live, resumed.Live.Status);
        Assert.Equal(7, (await live.WaitForAsync(m => m.Seq > resumed.LastSeq)).Single().Seq);
    }

    [Fact]
    public async Task Sending_the_same_clientId_again_returns_the_first_message_and_creates_nothing()
    {
        var room = await cluster.CoHostedRoomAsync();
        var fanName = ClusterFixture.Unique("fan");
        var http = await cluster.A.ClientAsync(fanName);
        await using var hub = await cluster.B.ConnectAsync(fanName);

        var first = await http.ChatAsync(room.LiveId, "only once", clientId: "retry-1");
        var again = await http.ChatAsync(room.LiveId, "only once", clientId: "retry-1");
        var viaHub = await hub.SendChatAsync(room.LiveId, "only once", "retry-1");
        var burst = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => hub.SendChatAsync(room.LiveId, "burst", "retry-2")));

        Assert.Equal(first, again);
        Assert.Equal(first, viaHub);
        Assert.Single(burst.Select(m => m.Seq).Distinct());
        Assert.Equal(2, (await http.ChatPageAsync(room.LiveId)).LastSeq);
    }

    [Fact]
    public async Task After_the_end_the_whole_chat_replays_in_pages_with_each_message_offset_from_the_start()
    {
        var room = await cluster.CoHostedRoomAsync();
        var fan = await cluster.B.ClientAsync(ClusterFixture.Unique("fan"));
        await using var watcher = await cluster.A.ConnectAsync(ClusterFixture.Unique("w"));
        var updates = new EventLog<LiveRoom>(watcher, ClientEvents.LiveUpdated);
        await watcher.JoinLiveAsync(room.LiveId);
        var sent = new List<ChatMessage>();
        for (var i = 1; i <= 5; i++)
        {
            sent.Add(await (i % 2 == 0 ? room.OnB : fan).ChatAsync(room.LiveId, $"message {i}"));
        }

        var ended = await room.OnB.LiveActionAsync(room.LiveId, "end");

        Assert.Equal(LiveStatus.Ended, ended.Status);
        await updates.WaitForAsync(r => r.Status == LiveStatus.Ended);
        var replay = new List<ChatMessage>();
        for (ChatPage page; (page = await fan.ChatPageAsync(room.LiveId, replay.Count == 0 ? 0 : replay[^1].Seq, limit: 2)).Items.Count > 0;)
        {
            replay.AddRange(page.Items);
        }

        Assert.Equal(sent.Select(m => m.Id), replay.Select(m => m.Id));
        Assert.Equal(sent.Select(m => m.Text), replay.Select(m => m.Text));
        Assert.All(replay, m => Assert.InRange(m.OffsetSeconds, 0, (ended.EndedAt!.Value - ended.StartedAt!.Value).TotalSeconds));
        Assert.Equal(replay.Select(m => m.OffsetSeconds).Order(), replay.Select(m => m.OffsetSeconds));
        Assert.All(replay, m => Assert.Equal((m.At - ended.StartedAt!.Value).TotalSeconds, m.OffsetSeconds, tolerance: 0.001));
    }

    [Fact]
    public async Task Viewers_are_counted_per_host_across_the_cluster_and_leave_the_count_when_they_go()
    {
        var room = await cluster.CoHostedRoomAsync();
        await using var watcher = await cluster.B.ConnectAsync(room.HostB);
        var viewersLog = new EventLog<LiveViewers>(watcher, ClientEvents.ViewersUpdated);
        await watcher.JoinLiveAsync(room.LiveId);
        var viewer1 = await cluster.A.ConnectAsync(ClusterFixture.Unique("v"));
        await using var viewer2 = await cluster.A.ConnectAsync(ClusterFixture.Unique("v"));
        await using var viewer3 = await cluster.B.ConnectAsync(ClusterFixture.Unique("v"));

        await viewer1.JoinLiveAsync(room.LiveId, room.HostA);
        await viewer2.JoinLiveAsync(room.LiveId, room.HostB);
        await viewer3.JoinLiveAsync(room.LiveId, room.HostB);

        // The watcher (a host, joined through itself) counts too.
        var full = (await viewersLog.WaitForAsync(v => v.Viewers == 4)).First();
        Assert.Equal([(room.HostA, 1), (room.HostB, 3)], full.Audience.Select(a => (a.Host, a.Viewers)));
        Assert.Equal(4, full.PeakViewers);

        await viewer2.InvokeAsync("LeaveLive", room.LiveId);
        await viewer1.DisposeAsync();

        // Counts ramp up host by host, so wait for the drop after the peak rather than any count of 2.
        var after = (await viewersLog.WaitForAsync(v => v.Viewers == 2 && v.PeakViewers == 4)).First();
        Assert.Equal([(room.HostA, 0), (room.HostB, 2)], after.Audience.Select(a => (a.Host, a.Viewers)));
        Assert.Equal(4, after.PeakViewers);
        var state = await room.OnA.RoomAsync(room.LiveId);
        Assert.Equal((2, 4L), (state.Viewers, state.PeakViewers));
    }
}
