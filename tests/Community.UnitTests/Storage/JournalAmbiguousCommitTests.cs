using Community.Errors;
using Community.Grains.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Community.UnitTests.Storage;

/// <summary>
/// A commit that lands in storage but fails for its caller (the answer was lost; the Azure SDK retried it and met
/// its own, moved ETag) must be completed exactly once: stored once, acknowledged, and its Committed step run.
/// </summary>
public class JournalAmbiguousCommitTests
{
    private const string Partition = "stream";

    public static TheoryData<string> Failures => ["answer lost", "retry met its own etag"];

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_batch_that_landed_before_its_commit_failed_is_stored_once_and_completed(string failure)
    {
        var store = new LandsThenFailsStore(failure);
        var owner = new ItemOwner();
        var journal = new Journal<ItemHead>(store, Partition, owner, NullLogger.Instance);
        await journal.CreateAsync(new ItemHead(0), "exists");

        store.FailNextCommit = true;
        var seq = await journal.Submit<long>(new ItemOp("no client id"));

        Assert.Equal(1, seq);
        Assert.Single(await SeqPages.ReadAsync(store, Partition, 0, 1_000, 10));
        Assert.Equal([1L], owner.Committed);
        Assert.Equal(1, journal.Head!.LastSeq);

        Assert.Equal(2, await journal.Submit<long>(new ItemOp("next")));
        Assert.Equal(2, (await SeqPages.ReadAsync(store, Partition, 0, 1_000, 10)).Count);
    }

    [Fact]
    public async Task A_stream_create_whose_answer_was_lost_is_created_not_refused_as_existing()
    {
        var store = new LandsThenFailsStore("retry met its own etag") { FailNextCommit = true };
        var journal = new Journal<ItemHead>(store, Partition, new ItemOwner(), NullLogger.Instance);

        await journal.CreateAsync(new ItemHead(0), "exists");

        Assert.NotNull(journal.Head);
        Assert.Equal(1, await journal.Submit<long>(new ItemOp("first")));
    }

    [Fact]
    public async Task A_commit_that_did_not_land_still_fails_and_stores_nothing()
    {
        var store = new LandsThenFailsStore("answer lost");
        var owner = new ItemOwner();
        var journal = new Journal<ItemHead>(store, Partition, owner, NullLogger.Instance);
        await journal.CreateAsync(new ItemHead(0), "exists");

        store.RefuseNextCommit = true;
        var refused = await Assert.ThrowsAsync<CommunityException>(() => journal.Submit<long>(new ItemOp("lost")));

        Assert.Equal(ErrorKind.Unavailable, refused.Kind);
        Assert.Empty(await SeqPages.ReadAsync(store, Partition, 0, 1_000, 10));
        Assert.Empty(owner.Committed);
        Assert.Equal(1, await journal.Submit<long>(new ItemOp("again")));
    }

    [Fact]
    public void Heads_written_before_batch_ids_read_as_having_none()
    {
        Assert.Null(JournalHead.BatchOf("""{"lastSeq":3}"""));
        Assert.Equal("AB", JournalHead.BatchOf(JournalHead.Write(new ItemHead(3), "AB")));
        Assert.Equal(3, LogJson.Read<ItemHead>(JournalHead.Write(new ItemHead(3), "AB")).LastSeq);
    }

    public sealed record ItemHead(long LastSeq);

    private sealed class ItemOp(string text) : StreamOp
    {
        public string Text { get; } = text;
    }

    private sealed class ItemOwner : IStreamOwner<ItemHead>
    {
        public List<long> Committed { get; } = [];

        public Decision<ItemHead> Plan(ItemHead head, StreamOp op)
        {
            var seq = head.LastSeq + 1;
            return new(new ItemHead(seq), [LogWrite.Insert(LogKeys.Seq(seq), ((ItemOp)op).Text)], seq, seq);
        }

        void IStreamOwner<ItemHead>.Committed(ItemHead head, IReadOnlyList<(StreamOp Op, Decision<ItemHead> Decision)> accepted) =>
            Committed.AddRange(accepted.Select(a => a.Decision.Seq));

        public Task<object?> StoredAsync(long seq) => throw new InvalidOperationException("No client ids here.");
    }

    /// <summary>A memory store whose next commit is stored, then reported as failed the way the Azure store reports it.</summary>
    private sealed class LandsThenFailsStore(string failure) : ILogStore
    {
        private readonly MemoryLogStore _inner = new();

        public bool FailNextCommit { get; set; }

        public bool RefuseNextCommit { get; set; }

        public async Task<string> CommitAsync(string partition, string? expectedETag, string head, IReadOnlyList<LogWrite> writes, CancellationToken cancellationToken = default)
        {
            if (RefuseNextCommit)
            {
                RefuseNextCommit = false;
                throw CommunityException.Unavailable("Storage is unavailable.");
            }

            var etag = await _inner.CommitAsync(partition, expectedETag, head, writes, cancellationToken);
            if (!FailNextCommit)
            {
                return etag;
            }

            FailNextCommit = false;
            if (failure == "answer lost")
            {
                throw CommunityException.Unavailable("Storage is unavailable; the outcome is unknown.");
            }

            // The SDK's retry of the same request: refused, because the first attempt moved the head.
            return await _inner.CommitAsync(partition, expectedETag, head, writes, cancellationToken);
        }

        public Task<LogHead?> ReadHeadAsync(string partition, CancellationToken cancellationToken = default) => _inner.ReadHeadAsync(partition, cancellationToken);

        public Task<IReadOnlyList<LogRow>> RangeAsync(string partition, string fromKey, string toKey, int limit, CancellationToken cancellationToken = default) =>
            _inner.RangeAsync(partition, fromKey, toKey, limit, cancellationToken);

        public Task<LogRow?> ReadAsync(string partition, string key, CancellationToken cancellationToken = default) => _inner.ReadAsync(partition, key, cancellationToken);
    }
}
