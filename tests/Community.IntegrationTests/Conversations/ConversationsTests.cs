using System.Net;
using System.Net.Http.Json;
using Community.Conversations;
using Community.IntegrationTests.Infrastructure;
using Community.Realtime;
using Microsoft.AspNetCore.SignalR.Client;

namespace Community.IntegrationTests.Conversations;

/// <summary>Direct messages over real HTTP and WebSockets, on a two-host cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ConversationsTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Two_participants_on_different_hosts_exchange_messages_and_read_receipts_live_on_every_connection()
    {
        var alice = ClusterFixture.Unique("al");
        var bob = ClusterFixture.Unique("bo");
        await using var aliceOnA = await cluster.A.ConnectAsync(alice);
        await using var aliceOnB = await cluster.B.ConnectAsync(alice);
        await using var bobOnB = await cluster.B.ConnectAsync(bob);
        HubConnection[] everyConnection = [aliceOnA, aliceOnB, bobOnB];
        var messages = everyConnection.Select(c => new EventLog<Message>(c, ClientEvents.MessageReceived)).ToList();
        var receipts = everyConnection.Select(c => new EventLog<ReadReceipt>(c, ClientEvents.MessagesRead)).ToList();

        var opened = await (await cluster.A.ClientAsync(alice)).OpenAsync(bob);
        var hi = await aliceOnA.InvokeAsync<Message>("SendMessage", opened.ConversationId, "Hi Bob", null);
        var back = await (await cluster.B.ClientAsync(bob)).SendAsync(opened.ConversationId, "Hi Alice!");
        await aliceOnB.InvokeAsync<ReadReceipt>("MarkRead", opened.ConversationId, back.Seq);

        Assert.Equal(ConversationKey.Of(alice, bob), opened.ConversationId);
        Assert.Equal(bob, opened.With);
        Assert.Equal((1L, 2L), (hi.Seq, back.Seq));
        foreach (var log in messages)
        {
            var seen = await log.WaitForAsync(_ => true, count: 2);
            Assert.Equal([(alice, "Hi Bob"), (bob, "Hi Alice!")], seen.Select(m => (m.Author, m.Text)));
        }

        foreach (var log in receipts)
        {
            var receipt = (await log.WaitForAsync(r => r.Reader == alice)).Single();
            Assert.Equal(2, receipt.Seq);
        }
    }

    [Fact]
    public async Task A_third_user_can_neither_read_nor_write_a_conversation_and_learns_nothing_about_it()
    {
        var alice = ClusterFixture.Unique("al");
        var bob = ClusterFixture.Unique("bo");
        var eve = ClusterFixture.Unique("ev");
        var aliceHttp = await cluster.A.ClientAsync(alice);
        var id = (await aliceHttp.OpenAsync(bob)).ConversationId;
        await aliceHttp.SendAsync(id, "private");
        var eveHttp = await cluster.B.ClientAsync(eve);
        await using var eveHub = await cluster.A.ConnectAsync(eve);

        var existing = await (await eveHttp.GetAsync($"/api/conversations/{id}/messages")).ProblemAsync(HttpStatusCode.NotFound);
        var strangerId = ConversationKey.Of(bob, ClusterFixture.Unique("zz"));
        var neverOpened = await (await eveHttp.GetAsync($"/api/conversations/{strangerId}/messages")).ProblemAsync(HttpStatusCode.NotFound);
        await (await eveHttp.PostAsJsonAsync($"/api/conversations/{id}/messages", new { text = "let me in" })).ProblemAsync(HttpStatusCode.NotFound);
        await (await eveHttp.PostAsJsonAsync($"/api/conversations/{id}/read", new { seq = 1 })).ProblemAsync(HttpStatusCode.NotFound);
        await eveHub.InvokeAsync<Message>("SendMessage", id, "let me in", null).HubFailsAsync(HttpStatusCode.NotFound);
        await eveHub.InvokeAsync<ReadReceipt>("MarkRead", id, 1L).HubFailsAsync(HttpStatusCode.NotFound);
        await eveHub.InvokeAsync("Typing", id).HubFailsAsync(HttpStatusCode.NotFound);

        // An existing conversation and one that was never opened look the same to an outsider.
        Assert.Equal(existing.Replace(id, "{id}", StringComparison.Ordinal), neverOpened.Replace(strangerId, "{id}", StringComparison.Ordinal));
        var page = await aliceHttp.MessagesAsync(id);
        Assert.Equal(["private"], page.Items.Select(m => m.Text));
    }

    [Fact]
    public async Task A_participant_offline_for_a_while_resumes_with_afterSeq_and_misses_nothing()
    {
        var alice = ClusterFixture.Unique("al");
        var bob = ClusterFixture.Unique("bo");
        var aliceHttp = await cluster.A.ClientAsync(alice);
        var id = (await aliceHttp.OpenAsync(bob)).ConversationId;

        long lastSeen;
        await using (var bobOnA = await cluster.A.ConnectAsync(bob))
        {
            var seen = new EventLog<Message>(bobOnA, ClientEvents.MessageReceived);
            await aliceHttp.SendAsync(id, "one");
            await aliceHttp.SendAsync(id, "two");
            lastSeen = (await seen.WaitForAsync(_ => true, count: 2)).Max(m => m.Seq);
        }

        for (var i = 3; i <= 7; i++)
        {
            await aliceHttp.SendAsync(id, $"missed {i}");
        }

        var bobBack = await cluster.B.ClientAsync(bob);
        var resumed = await bobBack.MessagesAsync(id, afterSeq: lastSeen);
        var paged = await bobBack.MessagesAsync(id, afterSeq: lastSeen, limit: 2);

        Assert.Equal(2, lastSeen);
        Assert.Equal(7, resumed.LastSeq);
        Assert.Equal([3L, 4, 5, 6, 7], resumed.Items.Select(m => m.Seq));
        Assert.Equal(["missed 3", "missed 4"], paged.Items.Select(m => m.Text));
        Assert.Equal((0L, 7L), (resumed.ReadSeq, resumed.WithReadSeq));
    }

    [Fact]
    public async Task Sending_the_same_clientId_again_returns_the_first_message_and_creates_nothing()
    {
        var alice = ClusterFixture.Unique("al");
        var bob = ClusterFixture.Unique("bo");
        var http = await cluster.A.ClientAsync(alice);
        await using var hub = await cluster.B.ConnectAsync(alice);
        var id = (await http.OpenAsync(bob)).ConversationId;

        var first = await http.SendAsync(id, "only once", clientId: "m-1");
        var again = await http.SendAsync(id, "only once", clientId: "m-1");
        var viaHub = await hub.InvokeAsync<Message>("SendMessage", id, "only once", "m-1");
        var burst = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => hub.InvokeAsync<Message>("SendMessage", id, "burst", "m-2")));

        Assert.Equal(first, again);
        Assert.Equal(first, viaHub);
        Assert.Single(burst.Select(m => m.Seq).Distinct());
        Assert.Equal(2, (await http.MessagesAsync(id)).LastSeq);
    }

    [Fact]
    public async Task Concurrent_messages_from_both_sides_get_gap_free_seqs_in_the_order_both_see_them()
    {
        var alice = ClusterFixture.Unique("al");
        var bob = ClusterFixture.Unique("bo");
        await using var aliceHub = await cluster.A.ConnectAsync(alice);
        await using var bobHub = await cluster.B.ConnectAsync(bob);
        var aliceSees = new EventLog<Message>(aliceHub, ClientEvents.MessageReceived);
        var bobSees = new EventLog<Message>(bobHub, ClientEvents.MessageReceived);
        var id = ConversationKey.Of(alice, bob);

        var acks = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            (i % 2 == 0 ? aliceHub : bobHub).InvokeAsync<Message>("SendMessage", id, $"message {i}", $"c{i}")));

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), acks.Select(a => a.Seq).Order());
        var expected = acks.OrderBy(a => a.Seq).Select(a => a.Id).ToList();
        Assert.Equal(expected, (await aliceSees.WaitForAsync(_ => true, count: 20)).Select(m => m.Id));
        Assert.Equal(expected, (await bobSees.WaitForAsync(_ => true, count: 20)).Select(m => m.Id));
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_error_over_http_and_over_the_hub_and_changes_nothing()
    {
        var alice = ClusterFixture.Unique("al");
        var bob = ClusterFixture.Unique("bo");
        var http = await cluster.A.ClientAsync(alice);
        await using var hub = await cluster.B.ConnectAsync(alice);
        var id = (await http.OpenAsync(bob)).ConversationId;
        await http.SendAsync(id, "hello");
        var tooLong = new string('x', 2_001);

        Assert.Contains("yourself", await (await http.PostAsJsonAsync("/api/conversations", new { with = alice })).ProblemAsync(HttpStatusCode.BadRequest));
        await (await http.PostAsJsonAsync("/api/conversations", new { with = "Not A Handle" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("yourself", await hub.InvokeAsync<Message>("SendMessage", $"{alice}~{alice}", "hi", null).HubFailsAsync(HttpStatusCode.BadRequest));
        foreach (var bad in new[] { "nonsense", $"{bob}~{alice}", $"{alice}~", "~" + alice, $"{alice}~{bob}~x" })
        {
            await (await http.PostAsJsonAsync($"/api/conversations/{Uri.EscapeDataString(bad)}/messages", new { text = "hi" })).ProblemAsync(HttpStatusCode.NotFound);
            await hub.InvokeAsync<Message>("SendMessage", bad, "hi", null).HubFailsAsync(HttpStatusCode.NotFound);
        }

        Assert.Contains("empty", await (await http.PostAsJsonAsync($"/api/conversations/{id}/messages", new { text = "  " })).ProblemAsync(HttpStatusCode.BadRequest));
        Assert.Contains("empty", await hub.InvokeAsync<Message>("SendMessage", id, "", null).HubFailsAsync(HttpStatusCode.BadRequest));
        Assert.Contains("2000", await (await http.PostAsJsonAsync($"/api/conversations/{id}/messages", new { text = tooLong })).ProblemAsync(HttpStatusCode.RequestEntityTooLarge));
        Assert.Contains("2000", await hub.InvokeAsync<Message>("SendMessage", id, tooLong, null).HubFailsAsync(HttpStatusCode.RequestEntityTooLarge));
        Assert.Contains("beyond", await (await http.PostAsJsonAsync($"/api/conversations/{id}/read", new { seq = 2 })).ProblemAsync(HttpStatusCode.BadRequest));
        Assert.Contains("beyond", await hub.InvokeAsync<ReadReceipt>("MarkRead", id, 2L).HubFailsAsync(HttpStatusCode.BadRequest));
        await (await http.PostAsJsonAsync($"/api/conversations/{id}/read", new { seq = -1 })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("seq is required", await (await http.PostAsJsonAsync($"/api/conversations/{id}/read", new { })).ProblemAsync(HttpStatusCode.BadRequest));

        var page = await http.MessagesAsync(id);
        Assert.Equal((1L, 1L), (page.LastSeq, page.ReadSeq));
    }

    [Fact]
    public async Task Typing_reaches_both_participants_with_an_expiry_and_a_flood_is_refused()
    {
        var alice = ClusterFixture.Unique("al");
        var bob = ClusterFixture.Unique("bo");
        await using var aliceHub = await cluster.A.ConnectAsync(alice);
        await using var bobHub = await cluster.B.ConnectAsync(bob);
        var bobSees = new EventLog<TypingNotice>(bobHub, ClientEvents.Typing);
        var id = ConversationKey.Of(alice, bob);

        await aliceHub.InvokeAsync("Typing", id);
        var notice = (await bobSees.WaitForAsync(n => n.User == alice)).Single();
        var refused = 0;
        for (var i = 0; i < 20 && refused == 0; i++)
        {
            try
            {
                await aliceHub.InvokeAsync("Typing", id);
            }
            catch (Microsoft.AspNetCore.SignalR.HubException e) when (e.Message.Contains("HubException: 429 ", StringComparison.Ordinal))
            {
                refused++;
            }
        }

        Assert.Equal(id, notice.ConversationId);
        Assert.True(notice.ExpiresAt > DateTimeOffset.UtcNow, "A typing notice says until when it holds.");
        Assert.Equal(1, refused);
        Assert.Equal(0, (await (await cluster.A.ClientAsync(alice)).MessagesAsync(id)).LastSeq);
    }
}
