using System.Net;
using System.Net.Http.Json;
using Community.IntegrationTests.Infrastructure;
using Community.Realtime;
using Community.Replies;

namespace Community.IntegrationTests.Replies;

/// <summary>The creator's reply queue over real HTTP and WebSockets, on a two-host cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ReplyQueueTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Fans_comments_join_the_queue_oldest_first_and_the_creators_reply_takes_its_thread_off_it_live()
    {
        var creator = ClusterFixture.Unique("cr");
        var creatorHttp = await cluster.A.CreatorAsync(creator);
        await using var creatorHub = await cluster.B.ConnectAsync(creator);
        var changes = new EventLog<UnansweredChanged>(creatorHub, ClientEvents.UnansweredChanged);
        var postId = await creatorHttp.PublishAsync(creator);
        var otherPost = await creatorHttp.PublishAsync(creator, "Another post");
        var fan1 = await cluster.A.ClientAsync(ClusterFixture.Unique("f1"));
        var fan2 = await cluster.B.ClientAsync(ClusterFixture.Unique("f2"));

        var question = await fan1.CommentAsync(postId, "Where was this shot?");
        var followUp = await fan2.CommentAsync(postId, "Same question!", replyTo: question.Id);
        var other = await fan2.CommentAsync(otherPost, "Love it");
        await changes.WaitForAsync(c => c.Total == 3);
        var queued = await creatorHttp.GetFromJsonAsync<UnansweredPage>($"/api/creators/{creator}/unanswered?limit=50", Api.Json);
        var firstTwo = await creatorHttp.GetFromJsonAsync<UnansweredPage>($"/api/creators/{creator}/unanswered?limit=2", Api.Json);

        var answer = await creatorHttp.CommentAsync(postId, "Lisbon!", replyTo: followUp.Id);
        var answered = (await changes.WaitForAsync(c => c.Removed.Count > 0)).Single();
        var left = await creatorHttp.GetFromJsonAsync<UnansweredPage>($"/api/creators/{creator}/unanswered", Api.Json);

        Assert.Equal([question.Id, followUp.Id, other.Id], queued!.Items.Select(c => c.Id));
        Assert.Equal((3L, 2), (firstTwo!.Total, firstTwo.Items.Count));
        Assert.Equal(question.Id, answer.ReplyTo);
        Assert.Equal([question.Id, followUp.Id], answered.Removed);
        Assert.Equal((1L, creator), (answered.Total, answered.Creator));
        Assert.Equal([other.Id], left!.Items.Select(c => c.Id));
        Assert.Equal(1, left.Total);
        // Each post reports on its own, so additions from two posts may arrive in either order.
        Assert.Equal(new[] { question.Id, followUp.Id, other.Id }.Order(), changes.Seen.SelectMany(c => c.Added).Select(c => c.Id).Order());
    }

    [Fact]
    public async Task The_creators_own_comments_and_a_top_level_comment_answer_nothing()
    {
        var creator = ClusterFixture.Unique("cr");
        var creatorHttp = await cluster.A.CreatorAsync(creator);
        await using var creatorHub = await cluster.A.ConnectAsync(creator);
        var changes = new EventLog<UnansweredChanged>(creatorHub, ClientEvents.UnansweredChanged);
        var postId = await creatorHttp.PublishAsync(creator);
        var fan = await cluster.B.ClientAsync(ClusterFixture.Unique("fan"));

        var question = await fan.CommentAsync(postId, "Recipe please?");
        await creatorHttp.CommentAsync(postId, "Thanks everyone for watching!");
        var pinned = await creatorHttp.CommentAsync(postId, "Recipe in bio");
        var reply = await fan.CommentAsync(postId, "Can't find it", replyTo: pinned.Id);
        await changes.WaitForAsync(c => c.Total == 2);
        var page = await creatorHttp.GetFromJsonAsync<UnansweredPage>($"/api/creators/{creator}/unanswered", Api.Json);

        Assert.Equal([question.Id, reply.Id], page!.Items.Select(c => c.Id));
    }

    [Fact]
    public async Task Only_the_creator_sees_their_queue()
    {
        var creator = ClusterFixture.Unique("cr");
        await cluster.A.CreatorAsync(creator);
        var someoneElse = await cluster.B.ClientAsync(ClusterFixture.Unique("fan"));
        var plainFan = ClusterFixture.Unique("pf");

        await (await someoneElse.GetAsync($"/api/creators/{creator}/unanswered")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await (await cluster.A.ClientAsync(plainFan)).GetAsync($"/api/creators/{plainFan}/unanswered")).ProblemAsync(HttpStatusCode.NotFound);
        await (await (await cluster.A.ClientAsync(creator)).GetAsync($"/api/creators/{creator}/unanswered?limit=500")).ProblemAsync(HttpStatusCode.BadRequest);
    }
}
