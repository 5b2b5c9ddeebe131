using System.Net;
using System.Net.Http.Json;
using Community.Host.Realtime;
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

    // Another cluster (and service, so grain state stays apart) on the same storage: it shares only the streams' partitions.
    private static Task<TestHost> SecondActivationAsync() =>
        TestHost.StartAsync("other-" + Guid.NewGuid().ToString("N")[..8], settings: new Dictionary<string, string?> { ["Cluster:ServiceId"] = "community-tests-other" });

    // A host that has just started may answer 503 while its silo settles; a client retries.
    private static async Task<Comment> CommentSoonAsync(HttpClient fan, string postId, string text)
    {
        var clientId = Guid.NewGuid().ToString("N");
        for (var attempt = 0; ; attempt++)
        {
            var response = await fan.PostAsJsonAsync($"/api/posts/{postId}/comments", new { text, clientId });
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 20)
            {
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                return (await response.Content.ReadFromJsonAsync<Comment>(Api.Json))!;
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
