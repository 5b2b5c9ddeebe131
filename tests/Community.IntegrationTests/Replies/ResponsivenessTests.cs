using System.Net.Http.Json;
using System.Text.Json;
using Community.Conversations;
using Community.IntegrationTests.Conversations;
using Community.IntegrationTests.Infrastructure;
using Community.Posts;
using Community.Realtime;
using Community.Replies;

namespace Community.IntegrationTests.Replies;

/// <summary>
/// Responsiveness as the creator's profile shows it, from real comments and conversations. The arithmetic over
/// time (the rolling window, medians, percentiles) is specified with a fake clock in the unit tests; here only
/// what is counted, and that it reaches the API.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ResponsivenessTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Answered_and_awaiting_comments_and_conversation_openings_show_in_the_creators_engagement()
    {
        var creator = ClusterFixture.Unique("cr");
        var creatorHttp = await cluster.A.CreatorAsync(creator);
        await using var creatorHub = await cluster.A.ConnectAsync(creator);
        var queue = new EventLog<UnansweredChanged>(creatorHub, ClientEvents.UnansweredChanged);
        var postId = await creatorHttp.PublishAsync(creator);
        var fans = await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
        {
            var handle = ClusterFixture.Unique("fan");
            var client = await cluster.B.ClientAsync(handle);
            (await client.PutAsync($"/api/creators/{creator}/followers/me", null)).EnsureSuccessStatusCode();
            return (Handle: handle, Client: client);
        }));
        var empty = await ResponsivenessAsync(creatorHttp, creator);

        // Comments: one answered, one waiting.
        var answeredComment = await fans[0].Client.CommentAsync(postId, "Question one?");
        await fans[1].Client.CommentAsync(postId, "Question two?");
        await queue.WaitForAsync(c => c.Total == 2);
        await creatorHttp.CommentAsync(postId, "Answer one", replyTo: answeredComment.Id);
        await queue.WaitForAsync(c => c.Removed.Contains(answeredComment.Id));
        // Conversations: one opening answered, one waiting, and one the creator opened (not counted).
        var dm = (await fans[0].Client.OpenAsync(creator)).ConversationId;
        await fans[0].Client.SendAsync(dm, "Can we collab?");
        await fans[0].Client.SendAsync(dm, "I do food videos too");
        await creatorHttp.SendAsync(dm, "Sure, let's talk");
        await creatorHttp.SendAsync(dm, "What's your schedule?");
        await fans[1].Client.SendAsync(ConversationKey.Of(fans[1].Handle, creator), "Hi!");
        await creatorHttp.SendAsync((await creatorHttp.OpenAsync(fans[2].Handle)).ConversationId, "Thanks for following!");

        var r = await ResponsivenessAsync(creatorHttp, creator);

        Assert.Equal(JsonValueKind.Null, empty.GetProperty("replyRate").ValueKind);
        Assert.Equal(0, empty.GetProperty("answered").GetInt64());
        Assert.Equal((2L, 2L, 7), (r.GetProperty("answered").GetInt64(), r.GetProperty("awaiting").GetInt64(), r.GetProperty("windowDays").GetInt32()));
        Assert.Equal(0.5, r.GetProperty("replyRate").GetDouble());
        Assert.InRange(r.GetProperty("medianResponseSeconds").GetDouble(), 0, 60);
        Assert.True(r.GetProperty("p90ResponseSeconds").GetDouble() >= r.GetProperty("medianResponseSeconds").GetDouble());
    }

    [Fact]
    public async Task One_fans_spam_holds_three_places_in_the_queue_and_counts_three_times_in_the_reply_rate()
    {
        var creator = ClusterFixture.Unique("cr");
        var creatorHttp = await cluster.A.CreatorAsync(creator);
        await using var creatorHub = await cluster.A.ConnectAsync(creator);
        var queue = new EventLog<UnansweredChanged>(creatorHub, ClientEvents.UnansweredChanged);
        var postId = await creatorHttp.PublishAsync(creator);
        var fan = await cluster.B.ClientAsync(ClusterFixture.Unique("fan"));
        var spammer = await cluster.B.ClientAsync(ClusterFixture.Unique("spam"));

        var question = await fan.CommentAsync(postId, "When is the next video?");
        await creatorHttp.CommentAsync(postId, "Friday!", replyTo: question.Id);
        var spam = new List<Comment>();
        for (var i = 0; i < 12; i++)
        {
            spam.Add(await spammer.CommentAsync(postId, $"buy followers {i}"));
        }

        await queue.WaitForAsync(c => c.Added.Any(a => a.Id == spam[^1].Id));
        var waiting = await creatorHttp.GetFromJsonAsync<UnansweredPage>($"/api/creators/{creator}/unanswered?limit=50", Api.Json);
        var r = await ResponsivenessAsync(creatorHttp, creator);

        Assert.Equal([spam[0].Id, spam[1].Id, spam[^1].Id], waiting!.Items.Select(c => c.Id));
        Assert.Equal(3, waiting.Total);
        Assert.Equal((1L, 3L), (r.GetProperty("answered").GetInt64(), r.GetProperty("awaiting").GetInt64()));
        Assert.Equal(0.25, r.GetProperty("replyRate").GetDouble());
    }

    private static async Task<JsonElement> ResponsivenessAsync(HttpClient client, string creator)
    {
        var view = await client.GetFromJsonAsync<JsonElement>($"/api/creators/{creator}", Api.Json);
        return view.GetProperty("engagement").GetProperty("responsiveness");
    }
}
