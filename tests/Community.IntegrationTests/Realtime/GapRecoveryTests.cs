using System.Net;
using System.Net.Http.Json;
using Community.Conversations;
using Community.Host.Realtime;
using Community.IntegrationTests.Conversations;
using Community.IntegrationTests.Infrastructure;
using Community.Posts;
using Community.Realtime;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Community.IntegrationTests.Realtime;

[Collection(ClusterCollection.Name)]
public sealed class GapRecoveryTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Comments_stored_but_never_published_reach_a_watcher_that_never_disconnected_in_order_before_newer_ones()
    {
        var creator = ClusterFixture.Unique("cr");
        var postId = await (await cluster.A.CreatorAsync(creator)).PublishAsync(creator);
        var fan = await cluster.A.ClientAsync(ClusterFixture.Unique("fan"));
        await using var watcher = await cluster.B.ConnectAsync(ClusterFixture.Unique("w"));
        var seen = new EventLog<Comment>(watcher, ClientEvents.CommentAdded);
        await watcher.InvokeAsync<CommentCatchUp>("SubscribePost", postId, 0L);
        await fan.CommentAsync(postId, "one");
        await seen.WaitForAsync(c => c.Text == "one");

        // A second activation of the post (as during a membership change, or a silo that died between storing a batch
        // and publishing it): another cluster on the same storage stores two comments that this cluster never publishes.
        await using (var elsewhere = await SecondActivationAsync())
        {
            var otherFan = await elsewhere.ClientAsync(ClusterFixture.Unique("fan"));
            Assert.Equal(2, (await CommentSoonAsync(otherFan, postId, "two")).Seq);
            Assert.Equal(3, (await CommentSoonAsync(otherFan, postId, "three")).Seq);
        }

        var four = await fan.CommentAsync(postId, "four");

        Assert.Equal(4, four.Seq);
        var all = await seen.WaitForAsync(_ => true, count: 4, timeout: TimeSpan.FromSeconds(10));
        Assert.Equal(["one", "two", "three", "four"], all.Select(c => c.Text));
        Assert.Equal([1L, 2L, 3L, 4L], all.Select(c => c.Seq));
    }

    [Fact]
    public async Task A_head_announced_beyond_what_a_host_forwarded_brings_the_missing_end_of_the_stream()
    {
        var creator = ClusterFixture.Unique("cr");
        var postId = await (await cluster.A.CreatorAsync(creator)).PublishAsync(creator);
        await using var watcher = await cluster.A.ConnectAsync(ClusterFixture.Unique("w"));
        var seen = new EventLog<Comment>(watcher, ClientEvents.CommentAdded);
        await watcher.InvokeAsync<CommentCatchUp>("SubscribePost", postId, 0L);
        await using (var elsewhere = await SecondActivationAsync())
        {
            var otherFan = await elsewhere.ClientAsync(ClusterFixture.Unique("fan"));
            await CommentSoonAsync(otherFan, postId, "one");
            await CommentSoonAsync(otherFan, postId, "two");
        }

        // What a re-activated post sends every host first: its last seq.
        var relay = cluster.A.Services.GetRequiredService<HostRelay>();
        await relay.Deliver([RealtimeEvent.Head(Topics.Post(postId), 2)]);

        var all = await seen.WaitForAsync(_ => true, count: 2, timeout: TimeSpan.FromSeconds(10));
        Assert.Equal(["one", "two"], all.Select(c => c.Text));
    }

    [Fact]
    public async Task Messages_stored_but_never_published_reach_a_participant_that_never_disconnected_in_order_before_newer_ones()
    {
        var bob = ClusterFixture.Unique("bo");
        await using var bobOnB = await cluster.B.ConnectAsync(bob);
        var (alice, aliceHttp, id, seen) = await FirstMessageSeenAsync(bob, bobOnB);

        var stored = await StoredElsewhereAsync(alice, id, "two", "three");
        var four = await aliceHttp.SendAsync(id, "four");

        Assert.Equal([2L, 3L], stored);
        Assert.Equal(4, four.Seq);
        var all = await seen.WaitForAsync(_ => true, count: 4, timeout: TimeSpan.FromSeconds(10));
        Assert.Equal(["one", "two", "three", "four"], all.Select(m => m.Text));
        Assert.Equal([1L, 2L, 3L, 4L], all.Select(m => m.Seq));
    }

    [Fact]
    public async Task A_reloaded_conversation_announcing_its_head_brings_a_participant_the_messages_its_host_never_forwarded()
    {
        var bob = ClusterFixture.Unique("bo");
        await using var bobOnA = await cluster.A.ConnectAsync(bob);
        var (alice, _, id, seen) = await FirstMessageSeenAsync(bob, bobOnA);
        await StoredElsewhereAsync(alice, id, "two", "three");

        // Bob's read receipt meets the other activation's writes: the conversation here reloads and announces its head.
        await (await cluster.A.ClientAsync(bob)).MarkReadAsync(id, 1);

        var all = await seen.WaitForAsync(_ => true, count: 3, timeout: TimeSpan.FromSeconds(10));
        Assert.Equal(["one", "two", "three"], all.Select(m => m.Text));
    }

    [Fact]
    public async Task A_host_forgets_the_order_of_a_users_messages_when_the_users_last_connection_there_goes()
    {
        var bob = ClusterFixture.Unique("bo");
        var relay = cluster.B.Services.GetRequiredService<HostRelay>();
        await using var first = await cluster.B.ConnectAsync(bob);
        await using var second = await cluster.B.ConnectAsync(bob);
        var (_, aliceHttp, id, seen) = await FirstMessageSeenAsync(bob, second);
        Assert.True(relay.OrdersMessagesOf(bob));

        await first.DisposeAsync();
        await aliceHttp.SendAsync(id, "two");
        await seen.WaitForAsync(m => m.Text == "two");
        Assert.True(relay.OrdersMessagesOf(bob));

        await second.DisposeAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (relay.OrdersMessagesOf(bob) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.False(relay.OrdersMessagesOf(bob));
    }

    // Another cluster (and service, so grain state stays apart) on the same storage: it shares only the streams' partitions.
    private static Task<TestHost> SecondActivationAsync() =>
        TestHost.StartAsync("other-" + Guid.NewGuid().ToString("N")[..8], settings: new Dictionary<string, string?> { ["Cluster:ServiceId"] = "community-tests-other" });

    // A new user, Alice, opens a conversation with Bob and writes "one", which Bob's connection has received.
    private async Task<(string Alice, HttpClient AliceHttp, string Id, EventLog<Message> Seen)> FirstMessageSeenAsync(string bob, HubConnection bobHub)
    {
        var alice = ClusterFixture.Unique("al");
        var aliceHttp = await cluster.A.ClientAsync(alice);
        var seen = new EventLog<Message>(bobHub, ClientEvents.MessageReceived);
        var id = (await aliceHttp.OpenAsync(bob)).ConversationId;
        await aliceHttp.SendAsync(id, "one");
        await seen.WaitForAsync(m => m.Text == "one");
        return (alice, aliceHttp, id, seen);
    }

    // A second activation of the conversation stores messages that this cluster never publishes; returns their seqs.
    private static async Task<long[]> StoredElsewhereAsync(string author, string conversationId, params string[] texts)
    {
        await using var elsewhere = await SecondActivationAsync();
        var client = await elsewhere.ClientAsync(author);
        var seqs = new List<long>();
        foreach (var text in texts)
        {
            seqs.Add((await CreatedSoonAsync<Message>(client, $"/api/conversations/{conversationId}/messages", text)).Seq);
        }

        return [.. seqs];
    }

    // A host that has just started may answer 503 while its silo settles; a client retries.
    private static Task<Comment> CommentSoonAsync(HttpClient fan, string postId, string text) =>
        CreatedSoonAsync<Comment>(fan, $"/api/posts/{postId}/comments", text);

    private static async Task<T> CreatedSoonAsync<T>(HttpClient client, string path, string text)
    {
        var clientId = Guid.NewGuid().ToString("N");
        for (var attempt = 0; ; attempt++)
        {
            var response = await client.PostAsJsonAsync(path, new { text, clientId });
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 20)
            {
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                return (await response.Content.ReadFromJsonAsync<T>(Api.Json))!;
            }

            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task A_host_without_a_viewer_of_a_room_stops_receiving_its_chat()
    {
        var creator = ClusterFixture.Unique("cr");
        var postId = await (await cluster.A.CreatorAsync(creator)).PublishAsync(creator);
        var fan = await cluster.A.ClientAsync(ClusterFixture.Unique("fan"));
        await using var watcher = await cluster.A.ConnectAsync(ClusterFixture.Unique("w"));
        var seen = new EventLog<Comment>(watcher, ClientEvents.CommentAdded);
        await watcher.InvokeAsync<CommentCatchUp>("SubscribePost", postId, 0L);
        await fan.CommentAsync(postId, "warm-up");
        await seen.WaitForAsync(c => c.Text == "warm-up");

        var hostB = cluster.B.Services.GetRequiredService<HostRelay>();
        var before = hostB.DeclinesOf(Topics.Post(postId));
        for (var i = 0; i < 20; i++)
        {
            await fan.CommentAsync(postId, $"c{i}");
        }

        await seen.WaitForAsync(c => c.Text == "c19", timeout: TimeSpan.FromSeconds(10));
        Assert.Equal(before, hostB.DeclinesOf(Topics.Post(postId)));
        Assert.True(before <= 2, $"host B declined {before} batches of a post nobody there watches (the first ones, before the post heard)");
    }
}
