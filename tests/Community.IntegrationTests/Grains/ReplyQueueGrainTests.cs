using Community.Grains.Engagement;
using Community.Grains.Replies;
using Community.Grains.Storage;
using Community.IntegrationTests.Infrastructure;
using Community.Posts;
using Community.Replies;

namespace Community.IntegrationTests.Grains;

/// <summary>The reply queue's storage: reports larger than one write, repeats, and partitions stored before batch ids.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class ReplyQueueGrainTests(GrainClusterFixture fixture)
{
    // Comments written a while ago: an item counts for responsiveness once it has started, by the grain's clock.
    private static readonly DateTimeOffset Earlier = DateTimeOffset.UtcNow.AddHours(-1);

    [Fact]
    public async Task A_report_larger_than_one_write_is_stored_in_several_and_a_reply_to_a_long_thread_answers_all_of_it()
    {
        var creator = ClusterFixture.Unique("cr");
        var queue = fixture.Grains.GetGrain<IReplyQueueGrain>(creator);
        var postId = PostKey.New();
        var question = C(postId, 1, "fan0");
        List<Comment> report = [question, .. Enumerable.Range(2, 150).Select(seq => C(postId, seq, $"fan{seq}", question.Id))];
        var before = fixture.Stores.CommitsOf(creator);

        await queue.Observe(postId, report);
        var writes = fixture.Stores.CommitsOf(creator) - before;
        await queue.Observe(postId, report);
        var afterRepeat = fixture.Stores.CommitsOf(creator) - before;
        var queued = await queue.Unanswered(200);
        await queue.Observe(postId, [C(postId, 152, creator, question.Id)]);
        var answered = await queue.Unanswered(200);
        var responsiveness = await queue.Responsiveness();

        Assert.InRange(writes, 2 * 151 / Journal<ReplyQueueHead>.MaxRows + 1, 10);
        Assert.Equal(writes, afterRepeat);
        Assert.Equal(report.Select(c => c.Id), queued.Items.Select(c => c.Id));
        Assert.Equal(151, queued.Total);
        Assert.Equal((0L, 0), (answered.Total, answered.Items.Count));
        Assert.Equal((151L, 0L, (double?)1.0), (responsiveness.Answered, responsiveness.Awaiting, responsiveness.ReplyRate));
        Assert.Empty(await fixture.Stores.Get(ReplyQueueGrain.Table).RangeAsync(creator, "q:", "q;", 1_000));
    }

    [Fact]
    public async Task A_queue_stored_before_batch_ids_reads_and_takes_only_comments_past_its_watermark()
    {
        var creator = ClusterFixture.Unique("cr");
        var postId = PostKey.New();
        var first = C(postId, 1, "fan1");
        await fixture.Stores.Get(ReplyQueueGrain.Table).CommitAsync(creator, null, """{"unanswered":1}""",
        [
            LogWrite.Upsert(ReplyLedger.QueueKey(first), LogJson.Write(first)),
            LogWrite.Upsert($"r:{first.At.UtcTicks:D19}:{first.Id}", LogJson.Write(new ResponseItem(first.Id, first.At))),
            LogWrite.Upsert("w:" + postId, "1"),
        ]);
        var queue = fixture.Grains.GetGrain<IReplyQueueGrain>(creator);

        var stored = await queue.Unanswered(10);
        var second = C(postId, 2, "fan2");
        await queue.Observe(postId, [first, second]);
        var after = await queue.Unanswered(10);

        Assert.Equal([first.Id], stored.Items.Select(c => c.Id));
        Assert.Equal([first.Id, second.Id], after.Items.Select(c => c.Id));
        Assert.Equal((1L, 2L), (stored.Total, after.Total));
        Assert.Equal(2, (await queue.Responsiveness()).Awaiting);
    }

    private static Comment C(string postId, long seq, string author, string? replyTo = null) =>
        new(postId, seq, CommentKey.Format(postId, seq), author, $"comment {seq}", replyTo, Earlier.AddMilliseconds(seq), author.StartsWith("cr", StringComparison.Ordinal));
}
