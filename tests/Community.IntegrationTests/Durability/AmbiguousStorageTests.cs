using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Community.IntegrationTests.Conversations;
using Community.IntegrationTests.Infrastructure;
using Community.Posts;
using Community.Realtime;
using Community.Replies;
using Microsoft.AspNetCore.SignalR.Client;

namespace Community.IntegrationTests.Durability;

/// <summary>
/// Storage writes whose outcome the host cannot know: the write lands, but its answer is lost (the connection is
/// cut) or late (past the storage timeout). The Azure SDK then retries the same request, which meets the head's
/// moved ETag. Whatever the fault: nothing is stored twice, nothing acknowledged is lost, and every acknowledged
/// item's event reaches a live subscriber. Each test runs a host of its own behind a <see cref="StorageFaultProxy"/>.
/// </summary>
public sealed class AmbiguousStorageTests : IAsyncLifetime
{
    private StorageFaultProxy _proxy = null!;
    private TestHost _host = null!;

    public async Task InitializeAsync()
    {
        _proxy = StorageFaultProxy.For(TestStorage.ConnectionString);
        _host = await TestHost.StartAsync("amb-" + Guid.NewGuid().ToString("N")[..12], _proxy.Route(TestStorage.ConnectionString),
            new Dictionary<string, string?> { ["Storage:Timeout"] = "00:00:01" });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    [Theory]
    [InlineData(StorageFault.CutResponse)]
    [InlineData(StorageFault.DelayResponse)]
    public async Task A_comment_whose_stored_batch_lost_its_answer_is_stored_once_acknowledged_and_delivered(StorageFault fault)
    {
        var (postId, watcher, seen) = await PostWithWatcherAsync();
        var fan = await _host.ClientAsync(ClusterFixture.Unique("fan"));

        _proxy.Arm(fault, BatchOf(postId), delay: TimeSpan.FromSeconds(2));
        var first = await fan.CommentAsync(postId, "landed, answer lost");
        var second = await fan.CommentAsync(postId, "after it");

        Assert.Single(_proxy.Faulted);
        Assert.Equal([1L, 2L], [first.Seq, second.Seq]);
        var stored = await CommentsAsync(fan, postId);
        Assert.Equal(["landed, answer lost", "after it"], stored.Select(c => c.Text));
        Assert.Equal([first.Id, second.Id], (await seen.WaitForAsync(_ => true, count: 2)).Select(c => c.Id));
        await watcher.DisposeAsync();
    }

    [Theory]
    [InlineData(StorageFault.CutResponse)]
    [InlineData(StorageFault.DelayResponse)]
    public async Task A_share_whose_stored_batch_lost_its_answer_counts_once(StorageFault fault)
    {
        var (postId, watcher, _) = await PostWithWatcherAsync();
        var reactions = new EventLog<ReactionAdded>(watcher, ClientEvents.ReactionAdded);
        var fan = await _host.ClientAsync(ClusterFixture.Unique("fan"));

        _proxy.Arm(fault, BatchOf(postId), delay: TimeSpan.FromSeconds(2));
        var response = await fan.PostAsJsonAsync($"/api/posts/{postId}/reactions", new { kind = "share" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_proxy.Faulted);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<PostCounters>(Api.Json))!.Shares);
        Assert.Equal(1, (await fan.GetFromJsonAsync<JsonElement>($"/api/posts/{postId}", Api.Json)).GetProperty("shares").GetInt64());
        Assert.Equal(1, (await reactions.WaitForAsync(r => r.Kind == "share")).Single().Counters.Shares);
        await watcher.DisposeAsync();
    }

    [Fact]
    public async Task A_comment_with_a_client_id_whose_answer_was_lost_reaches_the_creators_reply_queue_once()
    {
        var (creator, creatorHttp, postId, creatorHub, queue, fan) = await PostWithQueueWatcherAsync();
        await using var listening = creatorHub;

        _proxy.Arm(StorageFault.CutResponse, BatchOf(postId));
        var sent = await fan.CommentAsync(postId, "where was this shot?", clientId: "c-1");
        var retried = await fan.CommentAsync(postId, "where was this shot?", clientId: "c-1");

        Assert.Single(_proxy.Faulted);
        Assert.Equal(sent.Id, retried.Id);
        Assert.Single(await CommentsAsync(fan, postId));
        Assert.Equal([sent.Id], (await queue.WaitForAsync(c => c.Total == 1)).Single().Added.Select(c => c.Id));
        var unanswered = await creatorHttp.GetFromJsonAsync<UnansweredPage>($"/api/creators/{creator}/unanswered", Api.Json);
        Assert.Equal([sent.Id], unanswered!.Items.Select(c => c.Id));
    }

    [Fact]
    public async Task Under_a_burst_with_lost_answers_every_acknowledged_comment_is_stored_once_and_delivered()
    {
        var (postId, watcher, seen) = await PostWithWatcherAsync();
        var fans = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _host.ClientAsync(ClusterFixture.Unique("fan"))));

        _proxy.Arm(StorageFault.CutResponse, BatchOf(postId), times: 3);
        var responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
            fans[i % fans.Length].PostAsJsonAsync($"/api/posts/{postId}/comments", new { text = $"burst {i}" })));

        var acknowledged = new List<Comment>();
        foreach (var response in responses)
        {
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"Unexpected {response.StatusCode}.");
            if (response.StatusCode == HttpStatusCode.Created)
            {
                acknowledged.Add((await response.Content.ReadFromJsonAsync<Comment>(Api.Json))!);
            }
        }

        Assert.Equal(3, _proxy.Faulted.Count);
        var stored = await CommentsAsync(fans[0], postId);
        Assert.Equal(stored.Count, stored.Select(c => c.Text).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(i => (long)i), stored.Select(c => c.Seq));
        Assert.Superset(stored.Select(c => c.Id).ToHashSet(), acknowledged.Select(c => c.Id).ToHashSet());
        Assert.Equal(24, acknowledged.Count);
        var delivered = await seen.WaitForAsync(_ => true, count: acknowledged.Count);
        Assert.Equal(acknowledged.Select(c => c.Id).Order(), delivered.Select(c => c.Id).Order());
        await watcher.DisposeAsync();
    }

    [Fact]
    public async Task Messages_whose_inbox_write_lost_its_answer_count_once_in_the_creators_unread_total()
    {
        var creator = ClusterFixture.Unique("cr");
        var creatorHttp = await _host.CreatorAsync(creator);
        var fan = await _host.ClientAsync(ClusterFixture.Unique("fan"));
        (await fan.PutAsync($"/api/creators/{creator}/followers/me", null)).EnsureSuccessStatusCode();
        var conversationId = (await fan.OpenAsync(creator)).ConversationId;

        // The creator's inbox stores the first message's update, but its answer is lost: the SDK's retry meets the
        // moved ETag, and the inbox reads its head back and finds the update stored: it counts once.
        _proxy.Arm(StorageFault.CutResponse, BatchIn("inboxes", creator));
        await fan.SendAsync(conversationId, "first, its inbox answer lost");
        await fan.SendAsync(conversationId, "second");

        Assert.Single(_proxy.Faulted);
        var (items, unread, _) = await creatorHttp.InboxAsync();
        Assert.Equal(2, unread);
        Assert.Equal((2L, 2L), (items.Single().Unread, items.Single().LastSeq));
    }

    [Theory]
    [InlineData(StorageFault.CutResponse)]
    [InlineData(StorageFault.DelayResponse)]
    public async Task A_reply_queue_write_whose_answer_was_lost_tells_the_creator_once(StorageFault fault)
    {
        var (creator, creatorHttp, postId, creatorHub, queue, fan) = await PostWithQueueWatcherAsync();
        await using var listening = creatorHub;

        // The queue stores the comment, but its answer is lost: the write completes as stored, event and all.
        _proxy.Arm(fault, BatchIn("replies", creator), delay: TimeSpan.FromSeconds(2));
        var question = await fan.CommentAsync(postId, "where was this shot?");
        await queue.WaitForAsync(c => c.Total == 1);
        var followUp = await fan.CommentAsync(postId, "and when?");
        await queue.WaitForAsync(c => c.Total == 2);

        Assert.Single(_proxy.Faulted);
        Assert.Equal([[question.Id], [followUp.Id]], queue.Seen.Select(c => c.Added.Select(a => a.Id).ToList()));
        var unanswered = await creatorHttp.GetFromJsonAsync<UnansweredPage>($"/api/creators/{creator}/unanswered", Api.Json);
        Assert.Equal([question.Id, followUp.Id], unanswered!.Items.Select(c => c.Id));
    }

    /// <summary>The entity-group transaction that stores a batch of the post's partition (its head is always in it).</summary>
    private static Func<string, bool> BatchOf(string postId) =>
        request => request.StartsWith("POST ", StringComparison.Ordinal) && request.Contains("$batch", StringComparison.Ordinal)
            && request.Contains(postId, StringComparison.Ordinal);

    /// <summary>The entity-group transaction that stores a batch of <paramref name="partition"/> in <paramref name="table"/>.</summary>
    private static Func<string, bool> BatchIn(string table, string partition) =>
        request => request.StartsWith("POST ", StringComparison.Ordinal) && request.Contains("$batch", StringComparison.Ordinal)
            && request.Contains($"{table}(PartitionKey='{partition}'", StringComparison.Ordinal);

    /// <summary>A creator with a post, connected and listening to their reply queue, and a fan.</summary>
    private async Task<(string Creator, HttpClient CreatorHttp, string PostId, HubConnection CreatorHub, EventLog<UnansweredChanged> Queue, HttpClient Fan)> PostWithQueueWatcherAsync()
    {
        var creator = ClusterFixture.Unique("cr");
        var creatorHttp = await _host.CreatorAsync(creator);
        var postId = await creatorHttp.PublishAsync(creator);
        var creatorHub = await _host.ConnectAsync(creator);
        var queue = new EventLog<UnansweredChanged>(creatorHub, ClientEvents.UnansweredChanged);
        return (creator, creatorHttp, postId, creatorHub, queue, await _host.ClientAsync(ClusterFixture.Unique("fan")));
    }

    private async Task<(string PostId, HubConnection Watcher, EventLog<Comment> Seen)> PostWithWatcherAsync()
    {
        var creator = ClusterFixture.Unique("cr");
        var postId = await (await _host.CreatorAsync(creator)).PublishAsync(creator);
        var watcher = await _host.ConnectAsync(ClusterFixture.Unique("w"));
        var seen = new EventLog<Comment>(watcher, ClientEvents.CommentAdded);
        await watcher.InvokeAsync<CommentCatchUp>("SubscribePost", postId, null);
        return (postId, watcher, seen);
    }

    private static async Task<IReadOnlyList<Comment>> CommentsAsync(HttpClient client, string postId) =>
        (await client.GetFromJsonAsync<CommentPage>($"/api/posts/{postId}/comments?limit=200", Api.Json))!.Items;
}
