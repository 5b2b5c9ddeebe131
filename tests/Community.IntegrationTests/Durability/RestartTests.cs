using System.Net;
using System.Net.Http.Json;
using Community.Creators;
using Community.IntegrationTests.Infrastructure;
using Community.Posts;
using Microsoft.AspNetCore.SignalR.Client;

namespace Community.IntegrationTests.Durability;

/// <summary>What was acknowledged survives the host going away; when storage is down, callers hear so and nothing half-done remains.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task After_a_restart_on_the_same_storage_the_history_and_counters_are_intact()
    {
        var clusterId = "restart-" + Guid.NewGuid().ToString("N")[..8];
        var creator = ClusterFixture.Unique("cr");
        var fan = ClusterFixture.Unique("fan");
        string postId;
        Comment[] written;
        await using (var host = await TestHost.StartAsync(clusterId))
        {
            var creatorClient = await host.CreatorAsync(creator);
            postId = await creatorClient.PublishAsync(creator, "before the restart");
            var fanClient = await host.ClientAsync(fan);
            Assert.Equal(HttpStatusCode.OK, (await fanClient.PutAsync($"/api/creators/{creator}/followers/me", null)).StatusCode);
            written = await Task.WhenAll(Enumerable.Range(1, 30).Select(i => fanClient.CommentAsync(postId, $"comment {i}", clientId: $"c{i}")));
            await fanClient.PostAsJsonAsync($"/api/posts/{postId}/reactions", new { kind = "like" });
            await fanClient.PostAsJsonAsync($"/api/posts/{postId}/reactions", new { kind = "save" });
        }

        await using var restarted = await TestHost.StartAsync(clusterId);
        var client = await restarted.ClientAsync(fan);

        var post = await client.GetFromJsonAsync<Post>($"/api/posts/{postId}", Api.Json);
        Assert.Equal((30L, 30L, 1L, 1L), (post!.Comments, post.LastSeq, post.Likes, post.Saves));
        var history = await client.GetFromJsonAsync<CommentPage>($"/api/posts/{postId}/comments?limit=200", Api.Json);
        Assert.Equal(written.OrderBy(c => c.Seq).Select(c => (c.Seq, c.Text)), history!.Items.Select(c => (c.Seq, c.Text)));
        var profile = await client.GetFromJsonAsync<CreatorProfile>($"/api/creators/{creator}", Api.Json);
        Assert.Equal((1L, 1L), (profile!.Followers, profile.Posts));

        var retried = await client.CommentAsync(postId, "comment 7", clientId: "c7");
        Assert.Equal(written.Single(c => c.Text == "comment 7").Seq, retried.Seq);
        var next = await client.CommentAsync(postId, "after the restart");
        Assert.Equal(31, next.Seq);
    }

    [Fact]
    public async Task When_storage_is_down_writes_fail_with_503_and_a_retry_after_it_returns_stores_exactly_once()
    {
        await using var storage = new OwnAzurite();
        await storage.StartAsync();
        await using var host = await TestHost.StartAsync("outage-" + Guid.NewGuid().ToString("N")[..8], storage.ConnectionString);
        var creator = ClusterFixture.Unique("cr");
        var creatorClient = await host.CreatorAsync(creator);
        var postId = await creatorClient.PublishAsync(creator);
        var fan = await host.ClientAsync(ClusterFixture.Unique("fan"));
        await using var hub = await host.ConnectAsync(ClusterFixture.Unique("fan"));
        await fan.CommentAsync(postId, "before the outage");

        await storage.StopAsync();
        var refused = await fan.PostAsJsonAsync($"/api/posts/{postId}/comments", new { text = "during the outage", clientId = "outage-1" });
        var hubRefused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => hub.InvokeAsync<Comment>("Comment", postId, "hub during the outage", null, null));
        var liked = await fan.PostAsJsonAsync($"/api/posts/{postId}/reactions", new { kind = "like" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await fan.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fan.GetAsync("/health/live")).StatusCode);
        Assert.Contains("nothing was written", await refused.ProblemAsync(HttpStatusCode.ServiceUnavailable));
        Assert.Equal(503, Api.StatusOf(hubRefused));
        await liked.ProblemAsync(HttpStatusCode.ServiceUnavailable);

        await storage.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await fan.GetAsync("/health/ready")).StatusCode);
        var retried = await fan.CommentAsync(postId, "during the outage", clientId: "outage-1");
        var again = await fan.CommentAsync(postId, "during the outage", clientId: "outage-1");

        Assert.Equal(2, retried.Seq);
        Assert.Equal(retried, again);
        var history = await fan.GetFromJsonAsync<CommentPage>($"/api/posts/{postId}/comments", Api.Json);
        Assert.Equal(["before the outage", "during the outage"], history!.Items.Select(c => c.Text));
        var post = await fan.GetFromJsonAsync<Post>($"/api/posts/{postId}", Api.Json);
        Assert.Equal((2L, 0L), (post!.Comments, post.Likes));
    }
}
