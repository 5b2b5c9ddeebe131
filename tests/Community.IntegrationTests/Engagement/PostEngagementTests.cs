using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Community.Engagement;
using Community.IntegrationTests.Infrastructure;
using Community.Posts;
using Community.Realtime;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Community.IntegrationTests.Engagement;

/// <summary>A post's and a creator's live scores over HTTP and the hub.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PostEngagementTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_subscribed_post_pushes_its_scores_and_shows_them_in_its_engagement()
    {
        var creator = ClusterFixture.Unique("cr");
        var postId = await (await cluster.A.CreatorAsync(creator)).PublishAsync(creator);
        await using var watcher = await cluster.B.ConnectAsync(ClusterFixture.Unique("w"));
        var scores = new EventLog<EngagementScores>(watcher, ClientEvents.EngagementUpdated);
        await watcher.InvokeAsync<CommentCatchUp>("SubscribePost", postId, null);
        await using var fan = await cluster.A.ConnectAsync(ClusterFixture.Unique("fan"));

        await fan.InvokeAsync<PostCounters>("React", postId, "like");
        await fan.InvokeAsync<Comment>("Comment", postId, "Love it", null, null);

        var pushed = (await scores.WaitForAsync(s => s.Subject == "post" && s.Totals.Likes == 1 && s.Totals.Comments == 1)).First();
        Assert.Equal(postId, pushed.Id);
        Assert.Equal(1, pushed.Windows.LastMinute.Likes);
        // Heat: a like (1) and a comment (2), a moment old with a one-hour half-life.
        Assert.InRange(pushed.Heat, 2.99, 3.0);

        var post = await (await cluster.B.ClientAsync(creator)).GetFromJsonAsync<JsonElement>($"/api/posts/{postId}", Api.Json);
        var engagement = post.GetProperty("engagement");
        Assert.Equal(2, engagement.GetProperty("interactions").GetInt64());
        Assert.InRange(engagement.GetProperty("heat").GetDouble(), 2.99, 3.0);
        Assert.Equal(1, engagement.GetProperty("windows").GetProperty("last24Hours").GetProperty("comments").GetInt64());
    }

    [Fact]
    public async Task A_view_counts_once_per_user_within_the_repeat_time()
    {
        var creator = ClusterFixture.Unique("cr");
        var postId = await (await cluster.A.CreatorAsync(creator)).PublishAsync(creator);
        var fan = await cluster.A.ClientAsync(ClusterFixture.Unique("fan"));
        var other = await cluster.B.ClientAsync(ClusterFixture.Unique("fan"));

        await fan.PostAsync($"/api/posts/{postId}/views", null);
        await fan.PostAsync($"/api/posts/{postId}/views", null);
        var counters = await (await other.PostAsync($"/api/posts/{postId}/views", null)).Content.ReadFromJsonAsync<PostCounters>(Api.Json);

        Assert.Equal(2, counters!.Views);
        var post = await fan.GetFromJsonAsync<Post>($"/api/posts/{postId}", Api.Json);
        Assert.Equal(2, post!.Views);
        Assert.Equal(0, post.Counters.Interactions);
        var missing = await fan.PostAsync($"/api/posts/{Community.Posts.PostKey.New()}/views", null);
        await missing.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Watching_a_creator_returns_their_engagement_and_pushes_changes_from_their_posts()
    {
        var creator = ClusterFixture.Unique("cr");
        var creatorClient = await cluster.A.CreatorAsync(creator);
        var first = await creatorClient.PublishAsync(creator);
        var second = await creatorClient.PublishAsync(creator);
        (await (await cluster.B.ClientAsync(ClusterFixture.Unique("fan"))).PutAsync($"/api/creators/{creator}/followers/me", null)).EnsureSuccessStatusCode();
        await using var watcher = await cluster.B.ConnectAsync(ClusterFixture.Unique("w"));
        var scores = new EventLog<EngagementScores>(watcher, ClientEvents.EngagementUpdated);

        var initial = await watcher.InvokeAsync<EngagementScores>("WatchCreator", creator);
        var fan = await cluster.A.ClientAsync(ClusterFixture.Unique("fan"));
        await fan.PostAsJsonAsync($"/api/posts/{first}/reactions", new { kind = "like" });
        await fan.PostAsJsonAsync($"/api/posts/{first}/reactions", new { kind = "save" });
        await fan.PostAsJsonAsync($"/api/posts/{second}/reactions", new { kind = "share" });

        Assert.Equal("creator", initial.Subject);
        Assert.Equal(2, initial.Posts);
        Assert.Equal(1, initial.Followers);
        var pushed = (await scores.WaitForAsync(s => s.Subject == "creator" && s.Totals.Interactions == 3)).First();
        Assert.Equal(1, pushed.Followers);
        // Rates over one follower: 2 and 1 → mean 1.5 (HypeAuditor), median 1.5 (Modash).
        Assert.Equal(1.5, pushed.EngagementRate, 9);
        Assert.Equal(1.5, pushed.MedianEngagementRate, 9);
        Assert.Equal(3, pushed.Windows.LastMinute.Interactions);
        Assert.InRange(pushed.Heat, 6.99, 7.0);
    }

    [Fact]
    public async Task Watching_someone_who_is_not_a_creator_is_not_found()
    {
        await using var watcher = await cluster.A.ConnectAsync(ClusterFixture.Unique("w"));

        var error = await Assert.ThrowsAsync<HubException>(() => watcher.InvokeAsync<EngagementScores>("WatchCreator", ClusterFixture.Unique("nobody")));

        Assert.Contains("404 Not found: There is no creator", error.Message);
    }
}
