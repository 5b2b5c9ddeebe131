using System.Net;
using Community.Conversations;
using Community.IntegrationTests.Infrastructure;

namespace Community.IntegrationTests.Conversations;

/// <summary>The inbox over real HTTP on a two-host cluster: ordering, unread counts, paging, under concurrency.</summary>
[Collection(ClusterCollection.Name)]
public sealed class InboxTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Fifty_fans_writing_at_once_to_one_creator_each_get_one_line_with_every_message_counted_unread()
    {
        var creator = ClusterFixture.Unique("cr");
        var creatorHttp = await cluster.A.CreatorAsync(creator);
        var fans = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            var handle = ClusterFixture.Unique("fan");
            var client = await (i % 2 == 0 ? cluster.A : cluster.B).ClientAsync(handle);
            (await client.PutAsync($"/api/creators/{creator}/followers/me", null)).EnsureSuccessStatusCode();
            return (Handle: handle, Client: client);
        }));

        var lastOfEach = await Task.WhenAll(fans.Select(async (fan, i) =>
        {
            var id = (await fan.Client.OpenAsync(creator)).ConversationId;
            var acks = await Task.WhenAll(Enumerable.Range(0, 3).Select(n => fan.Client.SendAsync(id, $"fan {i} message {n}")));
            return acks.MaxBy(m => m.Seq)!;
        }));

        var (items, unread, pages) = await creatorHttp.InboxAsync(pageSize: 20);
        Assert.Equal(3, pages);
        Assert.Equal(150, unread);
        Assert.Equal(fans.Select(f => f.Handle).Order(StringComparer.Ordinal), items.Select(e => e.With).Order(StringComparer.Ordinal));
        Assert.All(items, e => Assert.Equal((3L, 3L, 0L), (e.Unread, e.LastSeq, e.ReadSeq)));
        Assert.Equal(lastOfEach.Select(m => m.Id).Order(StringComparer.Ordinal), items.Select(e => e.LastMessage.Id).Order(StringComparer.Ordinal));
        Assert.Equal(items.OrderByDescending(e => e.LastAt).Select(e => e.LastAt), items.Select(e => e.LastAt));
        Assert.All(items, e => Assert.Equal(e.LastMessage.At, e.LastAt));
        var (fanView, fanUnread, _) = await fans[7].Client.InboxAsync();
        Assert.Equal((creator, 0L, 0L), (fanView.Single().With, fanView.Single().Unread, fanUnread));

        // The creator reads half of the conversations up to seq 2 while the fans of the other half write again.
        var half = items.Take(25).ToList();
        var others = fans.Where(f => half.All(e => e.With != f.Handle)).ToList();
        await Task.WhenAll(half.Select(e => (Task)creatorHttp.MarkReadAsync(e.ConversationId, 2))
            .Concat(others.Select(f => (Task)f.Client.SendAsync(ConversationKey.Of(f.Handle, creator), "are you there?"))));

        var (after, unreadAfter, _) = await creatorHttp.InboxAsync(pageSize: 200);
        Assert.Equal(25 * 1 + 25 * 4, unreadAfter);
        Assert.All(after.Where(e => half.Any(h => h.ConversationId == e.ConversationId)), e => Assert.Equal((1L, 2L), (e.Unread, e.ReadSeq)));
        Assert.All(after.Where(e => others.Any(o => o.Handle == e.With)), e => Assert.Equal(4L, e.Unread));
        Assert.Equal(after.Sum(e => e.Unread), unreadAfter);
        Assert.Equal(50, after.Count);
        Assert.All(after.Take(25), e => Assert.Contains(others, o => o.Handle == e.With));
    }

    [Fact]
    public async Task A_new_message_moves_its_conversation_to_the_top_and_reading_it_clears_its_unread()
    {
        var me = ClusterFixture.Unique("me");
        var friends = Enumerable.Range(0, 3).Select(_ => ClusterFixture.Unique("fr")).ToList();
        var mine = await cluster.A.ClientAsync(me);
        var theirs = await Task.WhenAll(friends.Select(f => cluster.B.ClientAsync(f)));
        foreach (var friend in theirs)
        {
            await friend.SendAsync((await friend.OpenAsync(me)).ConversationId, "hi");
        }

        var before = (await mine.InboxAsync()).Items;
        var first = ConversationKey.Of(me, friends[0]);
        await theirs[0].SendAsync(first, "me again");
        var moved = await mine.InboxAsync();
        await mine.MarkReadAsync(first, 2);
        var read = await mine.InboxAsync();

        Assert.Equal(friends.AsEnumerable().Reverse(), before.Select(e => e.With));
        Assert.Equal([friends[0], friends[2], friends[1]], moved.Items.Select(e => e.With));
        Assert.Equal(("me again", 2L, 4L), (moved.Items[0].LastMessage.Text, moved.Items[0].Unread, moved.Unread));
        Assert.Equal((0L, 2L), (read.Items[0].Unread, read.Unread));
        Assert.Equal(3, read.Items.Count);
    }

    [Fact]
    public async Task An_inbox_cursor_that_was_not_given_out_is_refused_and_an_empty_inbox_is_empty()
    {
        var http = await cluster.B.ClientAsync(ClusterFixture.Unique("me"));

        var (items, unread, _) = await http.InboxAsync();
        var detail = await (await http.GetAsync("/api/conversations?before=garbage")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await http.GetAsync("/api/conversations?limit=0")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Empty(items);
        Assert.Equal(0, unread);
        Assert.Contains("cursor", detail, StringComparison.Ordinal);
    }
}
