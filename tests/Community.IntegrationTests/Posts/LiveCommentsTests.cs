using System.Net.Http.Json;
using Community.IntegrationTests.Infrastructure;
using Community.Posts;
using Community.Realtime;
using Microsoft.AspNetCore.SignalR.Client;

namespace Community.IntegrationTests.Posts;

/// <summary>Live comments over real WebSockets, on a two-host cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LiveCommentsTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Two_watchers_each_see_a_third_users_comment_live()
    {
        var creator = ClusterFixture.Unique("cr");
        var postId = await (await cluster.A.CreatorAsync(creator)).PublishAsync(creator);
        await using var watcher1 = await cluster.A.ConnectAsync(ClusterFixture.Unique("w1"));
        await using var watcher2 = await cluster.A.ConnectAsync(ClusterFixture.Unique("w2"));
        await using var fan = await cluster.A.ConnectAsync(ClusterFixture.Unique("fan"));
        var seen1 = new EventLog<Comment>(watcher1, ClientEvents.CommentAdded);
        var seen2 = new EventLog<Comment>(watcher2, ClientEvents.CommentAdded);
        await watcher1.InvokeAsync<CommentCatchUp>("SubscribePost", postId, null);
        await watcher2.InvokeAsync<CommentCatchUp>("SubscribePost", postId, 0L);

        var sent = await fan.InvokeAsync<Comment>("Comment", postId, "First!", null, null);

        Assert.Equal(1, sent.Seq);
        Assert.Equal("First!", (await seen1.WaitForAsync(c => c.Seq == 1)).Single().Text);
        Assert.Equal("First!", (await seen2.WaitForAsync(c => c.Seq == 1)).Single().Text);
    }

    [Fact]
    public async Task A_watcher_on_one_host_sees_comments_written_through_the_other_host_and_back()
    {
        var creator = ClusterFixture.Unique("cr");
        var postId = await (await cluster.A.CreatorAsync(creator)).PublishAsync(creator);
        await using var onA = await cluster.A.ConnectAsync(ClusterFixture.Unique("wa"));
        await using var onB = await cluster.B.ConnectAsync(ClusterFixture.Unique("wb"));
        var seenOnA = new EventLog<Comment>(onA, ClientEvents.CommentAdded);
        var seenOnB = new EventLog<Comment>(onB, ClientEvents.CommentAdded);
        await onA.InvokeAsync<CommentCatchUp>("SubscribePost", postId, null);
        await onB.InvokeAsync<CommentCatchUp>("SubscribePost", postId, null);

        var viaA = await (await cluster.A.ClientAsync(ClusterFixture.Unique("fa"))).CommentAsync(postId, "written through A");
        var viaB = await (await cluster.B.ClientAsync(ClusterFixture.Unique("fb"))).CommentAsync(postId, "written through B");

        var onBothA = await seenOnA.WaitForAsync(_ => true, count: 2);
        var onBothB = await seenOnB.WaitForAsync(_ => true, count: 2);
        Assert.Equal([viaA.Id, viaB.Id], onBothA.Select(c => c.Id));
        Assert.Equal([viaA.Id, viaB.Id], onBothB.Select(c => c.Id));
    }

    [Fact]
    public async Task A_watcher_that_was_offline_resumes_with_afterSeq_and_gets_exactly_the_gap()
    {
        var creator = ClusterFixture.Unique("cr");
        var postId = await (await cluster.A.CreatorAsync(creator)).PublishAsync(creator);
        var fan = await cluster.B.ClientAsync(ClusterFixture.Unique("fan"));
        var watcherName = ClusterFixture.Unique("w");

        long lastSeen;
        await using (var watcher = await cluster.A.ConnectAsync(watcherName))
        {
            var seen = new EventLog<Comment>(watcher, ClientEvents.CommentAdded);
            await watcher.InvokeAsync<CommentCatchUp>("SubscribePost", postId, null);
            await fan.CommentAsync(postId, "one");
            await fan.CommentAsync(postId, "two");
            lastSeen = (await seen.WaitForAsync(_ => true, count: 2)).Max(c => c.Seq);
        }

        for (var i = 3; i <= 7; i++)
        {
            await fan.CommentAsync(postId, $"missed {i}");
        }

        await using var back = await cluster.B.ConnectAsync(watcherName);
        var resumed = await back.InvokeAsync<CommentCatchUp>("SubscribePost", postId, lastSeen);

        Assert.Equal(7, resumed.LastSeq);
        Assert.Equal([3L, 4, 5, 6, 7], resumed.Missed.Select(c => c.Seq));
        Assert.False(resumed.HasMore);
    }

    [Fact]
    public async Task Concurrent_comments_get_gap_free_seqs_and_every_watcher_sees_them_in_that_order()
    {
        var creator = ClusterFixture.Unique("cr");
        var postId = await (await cluster.A.CreatorAsync(creator)).PublishAsync(creator);
        await using var watcher = await cluster.B.ConnectAsync(ClusterFixture.Unique("w"));
        var seen = new EventLog<Comment>(watcher, ClientEvents.CommentAdded);
        await watcher.InvokeAsync<CommentCatchUp>("SubscribePost", postId, null);
        var fans = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => (i % 2 == 0 ? cluster.A : cluster.B).ConnectAsync(ClusterFixture.Unique("f"))));

        var acks = await Task.WhenAll(fans.SelectMany((f, i) => Enumerable.Range(0, 25).Select(n => f.InvokeAsync<Comment>("Comment", postId, $"fan {i} says {n}", null, $"c{n}"))));

        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), acks.Select(a => a.Seq).Order());
        var delivered = await seen.WaitForAsync(_ => true, count: 100);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), delivered.Select(c => c.Seq));
        var history = await (await cluster.A.ClientAsync(creator)).GetFromJsonAsync<CommentPage>($"/api/posts/{postId}/comments?afterSeq=0&limit=200", Api.Json);
        Assert.Equal(acks.OrderBy(a => a.Seq).Select(a => a.Id), history!.Items.Select(c => c.Id));
        foreach (var f in fans)
        {
            await f.DisposeAsync();
        }
    }

    [Fact]
    public async Task Sending_the_same_clientId_again_returns_the_first_comment_and_creates_nothing()
    {
        var creator = ClusterFixture.Unique("cr");
        var postId = await (await cluster.A.CreatorAsync(creator)).PublishAsync(creator);
        var fanName = ClusterFixture.Unique("fan");
        await using var hub = await cluster.B.ConnectAsync(fanName);
        var http = await cluster.A.ClientAsync(fanName);

        var first = await http.CommentAsync(postId, "only once", clientId: "retry-1");
        var again = await http.CommentAsync(postId, "only once", clientId: "retry-1");
        var viaHub = await hub.InvokeAsync<Comment>("Comment", postId, "only once", null, "retry-1");
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => hub.InvokeAsync<Comment>("Comment", postId, "burst", null, "retry-2")));

        Assert.Equal(first, again);
        Assert.Equal(first, viaHub);
        Assert.Single(concurrent.Select(c => c.Seq).Distinct());
        var post = await http.GetFromJsonAsync<Post>($"/api/posts/{postId}", Api.Json);
        Assert.Equal(2, post!.Comments);
        Assert.Equal(2, post.LastSeq);
    }

    [Fact]
    public async Task The_creators_reply_is_marked_byCreator_and_a_reply_to_a_reply_joins_the_thread()
    {
        var creator = ClusterFixture.Unique("cr");
        var creatorClient = await cluster.A.CreatorAsync(creator);
        var postId = await creatorClient.PublishAsync(creator);
        var fan = await cluster.B.ClientAsync(ClusterFixture.Unique("fan"));

        var question = await fan.CommentAsync(postId, "When is the next video?");
        var answer = await creatorClient.CommentAsync(postId, "Friday!", replyTo: question.Id);
        var thanks = await fan.CommentAsync(postId, "Thanks!", replyTo: answer.Id);

        Assert.False(question.ByCreator);
        Assert.True(answer.ByCreator);
        Assert.Equal(question.Id, answer.ReplyTo);
        Assert.Equal(question.Id, thanks.ReplyTo);
        var post = await fan.GetFromJsonAsync<Post>($"/api/posts/{postId}", Api.Json);
        Assert.Equal(1, post!.CreatorReplies);
    }

    [Fact]
    public async Task A_like_counts_once_per_user_and_watchers_see_the_reaction()
    {
        var creator = ClusterFixture.Unique("cr");
        var postId = await (await cluster.A.CreatorAsync(creator)).PublishAsync(creator);
        await using var watcher = await cluster.A.ConnectAsync(ClusterFixture.Unique("w"));
        var reactions = new EventLog<ReactionAdded>(watcher, ClientEvents.ReactionAdded);
        await watcher.InvokeAsync<CommentCatchUp>("SubscribePost", postId, null);
        await using var fan = await cluster.B.ConnectAsync(ClusterFixture.Unique("fan"));

        await fan.InvokeAsync<PostCounters>("React", postId, "like");
        await fan.InvokeAsync<PostCounters>("React", postId, "like");
        await fan.InvokeAsync<PostCounters>("React", postId, "share");
        var counters = await fan.InvokeAsync<PostCounters>("React", postId, "share");

        Assert.Equal(1, counters.Likes);
        Assert.Equal(2, counters.Shares);
        var seen = await reactions.WaitForAsync(_ => true, count: 3);
        Assert.Equal(["like", "share", "share"], seen.Select(r => r.Kind));
    }

    [Fact]
    public async Task Many_likes_sent_at_once_by_one_user_count_once()
    {
        var creator = ClusterFixture.Unique("cr");
        var postId = await (await cluster.A.CreatorAsync(creator)).PublishAsync(creator);
        await using var fan = await cluster.B.ConnectAsync(ClusterFixture.Unique("fan"));
        await using var other = await cluster.A.ConnectAsync(ClusterFixture.Unique("fan"));

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => fan.InvokeAsync<PostCounters>("React", postId, "like"))
            .Append(other.InvokeAsync<PostCounters>("React", postId, "like")));

        var post = await (await cluster.A.ClientAsync(creator)).GetFromJsonAsync<Post>($"/api/posts/{postId}", Api.Json);
        Assert.Equal(2, post!.Likes);
    }
}
