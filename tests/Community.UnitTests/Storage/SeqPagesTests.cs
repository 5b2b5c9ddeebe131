using Community.Grains.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Community.UnitTests.Storage;

/// <summary>New items are stored many to a row, and every read gives them back exactly as a row each would have.</summary>
public class SeqPagesTests
{
    private const string Partition = "room";

    [Fact]
    public void A_batch_of_lines_with_client_ids_is_stored_as_one_page_plus_the_client_id_rows()
    {
        var writes = new List<LogWrite>();
        for (var seq = 1; seq <= 49; seq++)
        {
            writes.Add(LogWrite.Insert(LogKeys.Seq(seq), $$"""{"t":"line {{seq}}"}"""));
            writes.Add(LogWrite.Insert($"k:user{seq}:AB", seq.ToString()));
        }

        writes.Add(LogWrite.Upsert(LogKeys.Seq(3), """{"t":"removed"}""")); // a change to a stored item keeps its own row

        var (rows, origins) = SeqPages.Pack(writes);

        Assert.Equal(49 + 1 + 1, rows.Count);
        Assert.Equal(rows.Count, RowCount(writes));
        var page = Assert.Single(rows, r => r.Key.StartsWith("p:", StringComparison.Ordinal));
        Assert.Equal(SeqPages.Key(49), page.Key);
        Assert.Equal(0, origins[rows.IndexOf(page)]); // a refused page names the op of its first item
        Assert.Equal(Enumerable.Range(1, 49).Select(s => ((long)s, $$"""{"t":"line {{s}}"}""")), SeqPages.Items(page.Data!));
        Assert.Contains(LogWrite.Upsert(LogKeys.Seq(3), """{"t":"removed"}"""), rows);
        Assert.Equal(49, rows.Count(r => r.Key.StartsWith("k:", StringComparison.Ordinal)));
    }

    [Fact]
    public void Pages_stay_within_a_table_property_and_an_item_too_large_for_one_keeps_its_own_row()
    {
        var text = new string('x', 9_000);
        List<LogWrite> writes = [.. Enumerable.Range(1, 7).Select(seq => LogWrite.Insert(LogKeys.Seq(seq), text)), LogWrite.Insert(LogKeys.Seq(8), new string('y', SeqPages.MaxChars))];

        var (rows, _) = SeqPages.Pack(writes);

        Assert.Equal([SeqPages.Key(3), SeqPages.Key(6), SeqPages.Key(7), LogKeys.Seq(8)], rows.Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.True(r.Data!.Length <= SeqPages.MaxChars, $"{r.Key} holds {r.Data!.Length} chars"));
        Assert.Equal(4, RowCount(writes));
    }

    [Fact]
    public async Task Reads_merge_older_rows_pages_and_changed_items_in_seq_order()
    {
        var store = new MemoryLogStore();
        // 1–10 written before pages (a row each), 11–60 in two pages, 30 moderated since, 61 too large for a page, 62–70 a page.
        var writes = new List<LogWrite>();
        writes.AddRange(Enumerable.Range(1, 10).Select(s => LogWrite.Insert(LogKeys.Seq(s), $"old {s}")));
        writes.Add(LogWrite.Insert(SeqPages.Key(40), Page(11, 40)));
        writes.Add(LogWrite.Insert(SeqPages.Key(60), Page(41, 60)));
        writes.Add(LogWrite.Upsert(LogKeys.Seq(30), "removed 30"));
        writes.Add(LogWrite.Insert(LogKeys.Seq(61), "large 61"));
        writes.Add(LogWrite.Insert(SeqPages.Key(70), Page(62, 70)));
        await store.CommitAsync(Partition, null, "{}", writes);

        string Expected(long s) => s <= 10 ? $"old {s}" : s == 30 ? "removed 30" : s == 61 ? "large 61" : $"item {s}";

        Assert.Equal(Enumerable.Range(1, 70).Select(s => ((long)s, Expected(s))), await SeqPages.ReadAsync(store, Partition, 0, 70, 1_000));
        Assert.Equal(Enumerable.Range(6, 25).Select(s => ((long)s, Expected(s))), await SeqPages.ReadAsync(store, Partition, 5, 70, 25));
        Assert.Equal(Enumerable.Range(21, 5).Select(s => ((long)s, Expected(s))), await SeqPages.ReadAsync(store, Partition, 20, 70, 5));
        Assert.Equal(Enumerable.Range(56, 10).Select(s => ((long)s, Expected(s))), await SeqPages.ReadAsync(store, Partition, 55, 65, 100));
        Assert.Empty(await SeqPages.ReadAsync(store, Partition, 70, 70, 10));

        Assert.Equal("item 12", await SeqPages.FindAsync(store, Partition, 12));
        Assert.Equal("removed 30", await SeqPages.FindAsync(store, Partition, 30));
        Assert.Equal("old 4", await SeqPages.FindAsync(store, Partition, 4));
        Assert.Equal("item 70", await SeqPages.FindAsync(store, Partition, 70));
        Assert.Null(await SeqPages.FindAsync(store, Partition, 71));
    }

    [Fact]
    public async Task Any_range_of_any_mix_of_rows_and_pages_reads_back_as_written()
    {
        var random = new Random(7);
        for (var round = 0; round < 40; round++)
        {
            var store = new MemoryLogStore();
            var expected = new Dictionary<long, string>();
            var writes = new List<LogWrite>();
            long seq = 0;
            while (seq < 300)
            {
                var first = seq + 1;
                seq += random.Next(1, 40);
                if (random.Next(4) == 0)
                {
                    for (var s = first; s <= seq; s++)
                    {
                        writes.Add(LogWrite.Insert(LogKeys.Seq(s), $"row {s}"));
                        expected[s] = $"row {s}";
                    }
                }
                else
                {
                    writes.Add(LogWrite.Insert(SeqPages.Key(seq), Page(first, seq)));
                    for (var s = first; s <= seq; s++)
                    {
                        expected[s] = $"item {s}";
                    }
                }
            }

            var changes = new List<LogWrite>();
            foreach (var changed in Enumerable.Range(0, random.Next(0, 30)).Select(_ => (long)random.Next(1, (int)seq + 1)).Distinct())
            {
                changes.Add(LogWrite.Upsert(LogKeys.Seq(changed), $"changed {changed}"));
                expected[changed] = $"changed {changed}";
            }

            foreach (var part in writes.Chunk(90).Append([.. changes]))
            {
                var head = await store.ReadHeadAsync(Partition);
                await store.CommitAsync(Partition, head?.ETag, "{}", part);
            }

            for (var read = 0; read < 20; read++)
            {
                var after = random.Next(0, (int)seq);
                var last = random.Next(after, (int)seq + 1);
                var limit = random.Next(1, 200);
                var want = expected.Where(e => e.Key > after && e.Key <= last).OrderBy(e => e.Key).Take(limit).Select(e => (e.Key, e.Value));
                Assert.Equal(want, await SeqPages.ReadAsync(store, Partition, after, last, limit));
            }
        }
    }

    [Fact]
    public async Task A_busy_chat_stores_98_lines_with_their_client_ids_in_one_transaction()
    {
        var store = new CountingStore();
        var owner = new LineOwner();
        var journal = new Journal<LineHead>(store, Partition, owner, NullLogger.Instance);
        await journal.CreateAsync(new LineHead(0), "exists");
        store.Commits = 0;
        var network = new TaskCompletionSource();
        store.Gate = network; // the first line's transaction waits on the network while the other 119 arrive

        var sent = Enumerable.Range(1, 120).Select(i => journal.Submit<long>(new LineOp($"line {i}") { Client = new ClientKey($"user{i}", $"c{i}") })).ToList();
        network.SetResult();
        var seqs = await Task.WhenAll(sent);

        Assert.Equal(Enumerable.Range(1, 120).Select(i => (long)i), seqs);
        // The first line alone, then 98 (98 client ids, one page, the head: a full transaction of 100), then the other 21.
        // A row per line held 49 lines a transaction.
        Assert.Equal(3, store.Commits);
        Assert.Equal(ILogStore.MaxBatch, store.LargestBatch);
        Assert.Equal(Enumerable.Range(1, 120).Select(i => ((long)i, $"line {i}")), await SeqPages.ReadAsync(store, Partition, 0, 120, 1_000));

        // A retry after a restart meets the client id row, however the line was stored.
        var restarted = new Journal<LineHead>(store, Partition, owner, NullLogger.Instance);
        Assert.Equal(50, await restarted.Submit<long>(new LineOp("line 50 again") { Client = new ClientKey("user50", "c50") }));
        Assert.Equal(120, restarted.Head!.LastSeq);
    }

    private static int RowCount(IReadOnlyList<LogWrite> writes)
    {
        var counter = default(SeqPages.RowCounter);
        counter.AddAll(writes);
        return counter.Rows;
    }

    private static string Page(long first, long last) =>
        string.Join('\n', Enumerable.Range((int)first, (int)(last - first + 1)).Select(s => $"{s}\titem {s}"));

    private sealed record LineHead(long LastSeq) : ISeqHead;

    private sealed class LineOp(string text) : StreamOp
    {
        public string Text { get; } = text;
    }

    private sealed class LineOwner : IStreamOwner<LineHead>
    {
        public Decision<LineHead> Plan(LineHead head, StreamOp op)
        {
            var seq = head.LastSeq + 1;
            return new(new LineHead(seq), [LogWrite.Insert(LogKeys.Seq(seq), ((LineOp)op).Text)], seq, seq);
        }

        public void Committed(LineHead head, IReadOnlyList<(StreamOp Op, Decision<LineHead> Decision)> accepted)
        {
        }

        public Task<object?> StoredAsync(long seq) => Task.FromResult<object?>(seq);
    }

    private sealed class CountingStore : ILogStore
    {
        private readonly MemoryLogStore _inner = new();

        public int Commits { get; set; }

        public TaskCompletionSource? Gate { get; set; }

        public int LargestBatch { get; private set; }

        public Task<LogHead?> ReadHeadAsync(string partition, CancellationToken cancellationToken = default) => _inner.ReadHeadAsync(partition, cancellationToken);

        public async Task<string> CommitAsync(string partition, string? expectedETag, string head, IReadOnlyList<LogWrite> writes, CancellationToken cancellationToken = default)
        {
            if (Gate is { } gate)
            {
                Gate = null;
                await gate.Task;
            }

            Commits++;
            LargestBatch = Math.Max(LargestBatch, writes.Count + 1);
            return await _inner.CommitAsync(partition, expectedETag, head, writes, cancellationToken);
        }

        public Task<IReadOnlyList<LogRow>> RangeAsync(string partition, string fromKey, string toKey, int limit, CancellationToken cancellationToken = default) =>
            _inner.RangeAsync(partition, fromKey, toKey, limit, cancellationToken);

        public Task<LogRow?> ReadAsync(string partition, string key, CancellationToken cancellationToken = default) => _inner.ReadAsync(partition, key, cancellationToken);
    }
}
