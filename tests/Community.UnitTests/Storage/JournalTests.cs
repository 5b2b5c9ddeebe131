using Community.Errors;
using Community.Grains.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Community.UnitTests.Storage;

/// <summary>What every stream gets from its writer: idempotent retries, refusals that write nothing, one-row-per-batch, atomic decisions.</summary>
public class JournalTests
{
    private const string Partition = "stream";

    [Fact]
    public async Task A_retry_with_the_same_client_id_gets_the_first_item_whether_remembered_queued_or_only_stored()
    {
        var store = new MemoryLogStore();
        var owner = new NoteOwner(store);
        var journal = await CreateAsync(store, owner);
        var client = new ClientKey("ana", "c-1");

        var first = journal.Submit<string>(new NoteOp("hello") { Client = client });
        var queued = journal.Repeat<string>(client);
        Assert.NotNull(queued);
        Assert.Equal("1:hello", await first);
        Assert.Equal("1:hello", await queued);
        Assert.Equal("1:hello", await journal.Repeat<string>(client)!);

        // A new activation knows nothing in memory: the client id row stored with the item answers.
        var restarted = new Journal<NoteHead>(store, Partition, owner, NullLogger.Instance);
        await restarted.EnsureLoadedAsync();
        Assert.Null(restarted.Repeat<string>(client));
        Assert.Equal("1:hello", await restarted.Submit<string>(new NoteOp("hello again") { Client = client }));
        Assert.Equal(1, restarted.Head!.LastSeq);
        Assert.Single(await SeqPages.ReadAsync(store, Partition, 0, 1_000, 10));
    }

    [Fact]
    public async Task A_refused_op_writes_nothing_fails_its_caller_and_leaves_its_batch_mates_stored()
    {
        var store = new MemoryLogStore();
        var journal = await CreateAsync(store, new NoteOwner(store));

        var kept = journal.Submit<string>(new NoteOp("one"));
        var refused = journal.Submit<string>(new NoteOp(""));
        var after = journal.Submit<string>(new NoteOp("two"));

        Assert.Equal("1:one", await kept);
        Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAsync<CommunityException>(() => refused)).Kind);
        Assert.Equal("2:two", await after);
        Assert.Equal(2, (await SeqPages.ReadAsync(store, Partition, 0, 1_000, 10)).Count);
    }

    [Fact]
    public async Task Two_ops_of_one_batch_that_write_the_same_row_are_stored_in_turn_and_the_second_is_resolved_by_its_owner()
    {
        var store = new MemoryLogStore();
        var owner = new NoteOwner(store);
        var journal = await CreateAsync(store, owner);

        var first = journal.Submit<string>(new NoteOp("same", Row: "r:x"));
        var second = journal.Submit<string>(new NoteOp("same", Row: "r:x"));

        Assert.Equal("1:same", await first);
        Assert.Equal("repeat of r:x", await second);
        Assert.Equal(1, journal.Head!.LastSeq);
    }

    [Fact]
    public async Task A_decision_is_stored_whole_and_a_batch_never_splits_one()
    {
        var store = new MemoryLogStore();
        var journal = await CreateAsync(store, new NoteOwner(store));

        var big = Enumerable.Range(0, 10).Select(i => journal.Submit<string>(new NoteOp("n" + i, Extra: 30))).ToList();
        await Task.WhenAll(big);

        Assert.Equal(10, journal.Head!.LastSeq);
        var rows = await store.RangeAsync(Partition, "e:", "e;", 1_000);
        Assert.Equal(300, rows.Count);
    }

    [Fact]
    public async Task An_op_that_changes_nothing_is_answered_without_a_storage_call_and_its_batch_mates_are_stored()
    {
        var store = new MemoryLogStore();
        var journal = await CreateAsync(store, new NoteOwner(store));
        var before = (await store.ReadHeadAsync(Partition))!.ETag;

        Assert.Equal("kept", await journal.Submit<string>(new NoteOp("=")));
        Assert.Equal(before, (await store.ReadHeadAsync(Partition))!.ETag);

        var kept = journal.Submit<string>(new NoteOp("="));
        var written = journal.Submit<string>(new NoteOp("one"));
        Assert.Equal(("kept", "1:one"), (await kept, await written));
        Assert.NotEqual(before, (await store.ReadHeadAsync(Partition))!.ETag);
        Assert.Equal(1, journal.Head!.LastSeq);
    }

    private static async Task<Journal<NoteHead>> CreateAsync(MemoryLogStore store, NoteOwner owner)
    {
        var journal = new Journal<NoteHead>(store, Partition, owner, NullLogger.Instance);
        await journal.CreateAsync(new NoteHead(0), "exists");
        return journal;
    }

    public sealed record NoteHead(long LastSeq);

    private sealed class NoteOp(string text, string? Row = null, int Extra = 0) : StreamOp
    {
        public string Text { get; } = text;

        public string? Row { get; } = Row;

        public int Extra { get; } = Extra;
    }

    /// <summary>Notes with seqs; an empty note is refused, a note "=" changes nothing; a note may claim a named row (once) and extra rows.</summary>
    private sealed class NoteOwner(MemoryLogStore store) : IStreamOwner<NoteHead>
    {
        public Decision<NoteHead> Plan(NoteHead head, StreamOp op)
        {
            var note = (NoteOp)op;
            if (note.Text.Length == 0)
            {
                return Decision<NoteHead>.Refuse(head, CommunityException.Invalid("A note needs text."));
            }

            if (note.Text == "=")
            {
                return Decision<NoteHead>.Keep(head, "kept");
            }

            var seq = head.LastSeq + 1;
            List<LogWrite> rows = [LogWrite.Insert(LogKeys.Seq(seq), note.Text)];
            if (note.Row is { } row)
            {
                rows.Add(LogWrite.Insert(row, "1"));
            }

            rows.AddRange(Enumerable.Range(0, note.Extra).Select(i => LogWrite.Insert($"e:{seq:D5}:{i:D3}", "x")));
            return new(new NoteHead(seq), rows, $"{seq}:{note.Text}", seq);
        }

        public void Committed(NoteHead head, IReadOnlyList<(StreamOp Op, Decision<NoteHead> Decision)> accepted)
        {
        }

        public async Task<object?> StoredAsync(long seq) => $"{seq}:{await SeqPages.FindAsync(store, Partition, seq)}";

        public Task<object?> ResolveConflictAsync(StreamOp op, LogWrite write) => Task.FromResult<object?>("repeat of " + write.Key);
    }
}
