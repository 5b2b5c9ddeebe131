using System.Globalization;
using System.Text;

namespace Community.Grains.Storage;

/// <summary>
/// Sequenced items stored many to a row. Table storage pays per entity: Azurite spends ~90 µs of its one thread on each
/// entity of a transaction, and a page of 49 chat lines costs it about what two of their rows did. So a batch's new items
/// (a room's chat lines, a post's comments, a conversation's messages) go into page rows, keyed by the last seq they hold
/// (<c>p:</c> + seq), instead of a row each. An item keeps a row of its own (<see cref="LogKeys.Seq"/>) where it was
/// written before pages, where it would not fit in one, and where it changed after it was stored (a moderated line's
/// tombstone is an upsert of its own row): on read, an item's own row wins over its page.
/// <para>A page's text is one item per line: the seq, a tab, the item's stored form (compact JSON, which has no line breaks).</para>
/// </summary>
public static class SeqPages
{
    /// <summary>The most characters of one page: an Azure Table string property holds 32 K UTF-16 characters.</summary>
    public const int MaxChars = 30_000;

    private const string Prefix = "p:";

    /// <summary>The key of the page whose newest item is <paramref name="lastSeq"/>.</summary>
    public static string Key(long lastSeq) => Prefix + lastSeq.ToString("D15", CultureInfo.InvariantCulture);

    public static string End => Prefix + "~";

    public static long LastSeqOf(string pageKey) => long.Parse(pageKey.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>
    /// The rows to store for <paramref name="writes"/>: new items in pages, everything else as it is. <c>Origins[i]</c> is the
    /// index in <paramref name="writes"/> of the (first) write behind row <c>i</c>, to name the op a refused row belongs to.
    /// </summary>
    public static (List<LogWrite> Rows, List<int> Origins) Pack(IReadOnlyList<LogWrite> writes)
    {
        var rows = new List<LogWrite>(writes.Count);
        var origins = new List<int>(writes.Count);
        var counter = default(RowCounter);
        var page = new StringBuilder();
        var pageOrigin = -1;
        long pageLast = 0;

        void ClosePage()
        {
            if (pageOrigin >= 0)
            {
                rows.Add(LogWrite.Insert(Key(pageLast), page.ToString(0, page.Length - 1)));
                origins.Add(pageOrigin);
                page.Clear();
                pageOrigin = -1;
            }
        }

        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            if (!counter.Add(write, out var startsPage))
            {
                rows.Add(write);
                origins.Add(i);
                continue;
            }

            if (startsPage)
            {
                ClosePage();
                pageOrigin = i;
            }

            pageLast = LogKeys.SeqOf(write.Key);
            page.Append(pageLast.ToString(CultureInfo.InvariantCulture)).Append('\t').Append(write.Data).Append('\n');
        }

        ClosePage();
        return (rows, origins);
    }

    /// <summary>The items of a page, in seq order.</summary>
    public static List<(long Seq, string Data)> Items(string page)
    {
        var items = new List<(long, string)>();
        var rest = page.AsSpan();
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf('\n');
            var line = end < 0 ? rest : rest[..end];
            var tab = line.IndexOf('\t');
            if (tab <= 0)
            {
                throw new InvalidDataException("A stored page has a line without a seq.");
            }

            items.Add((long.Parse(line[..tab], NumberStyles.None, CultureInfo.InvariantCulture), line[(tab + 1)..].ToString()));
            rest = end < 0 ? [] : rest[(end + 1)..];
        }

        return items;
    }

    /// <summary>
    /// Stored items with <paramref name="afterSeq"/> &lt; seq ≤ <paramref name="lastSeq"/>, at most <paramref name="limit"/>, in
    /// seq order: own rows and pages merged, own rows first.
    /// </summary>
    public static async Task<IReadOnlyList<(long Seq, string Data)>> ReadAsync(ILogStore store, string partition, long afterSeq, long lastSeq, int limit)
    {
        if (afterSeq >= lastSeq || limit <= 0)
        {
            return [];
        }

        // Own rows are few (older items, large ones, changed ones): read them first, then the pages around them.
        var own = await store.RangeAsync(partition, LogKeys.Seq(afterSeq + 1), LogKeys.Seq(lastSeq + 1), limit);
        var bound = own.Count == limit ? LogKeys.SeqOf(own[^1].Key) : lastSeq; // every own row up to here is in hand
        var items = new SortedDictionary<long, string>();
        foreach (var row in own)
        {
            items[LogKeys.SeqOf(row.Key)] = row.Data;
        }

        var covered = afterSeq; // every item up to here is in `items`
        var pagesRead = 0;
        var itemsPaged = 0;
        while (covered < bound)
        {
            var wanted = limit - items.Keys.TakeWhile(seq => seq <= covered).Count();
            if (wanted <= 0)
            {
                break;
            }

            // Pages hold from one item (a quiet post) to ~100 (a busy chat): ask for about as many as the rest needs.
            var chunk = pagesRead == 0 ? Math.Min(wanted, 8) : Math.Clamp((int)Math.Ceiling(wanted * (double)pagesRead / Math.Max(1, itemsPaged)) + 1, 1, 64);
            var pages = await store.RangeAsync(partition, Key(covered + 1), End, chunk);
            foreach (var page in pages)
            {
                pagesRead++;
                foreach (var (seq, data) in Items(page.Data))
                {
                    if (seq > afterSeq && seq <= bound)
                    {
                        itemsPaged++;
                        items.TryAdd(seq, data);
                    }
                }

                covered = Math.Min(bound, LastSeqOf(page.Key));
                if (covered == bound)
                {
                    break;
                }
            }

            if (pages.Count < chunk)
            {
                covered = bound; // no page after these: the own rows hold the rest
            }
        }

        var result = new List<(long, string)>(Math.Min(limit, items.Count));
        foreach (var (seq, data) in items)
        {
            if (seq > covered || result.Count == limit)
            {
                break;
            }

            result.Add((seq, data));
        }

        return result;
    }

    /// <summary>The stored form of the item <paramref name="seq"/>: its own row, else its page; null when neither holds it.</summary>
    public static async Task<string?> FindAsync(ILogStore store, string partition, long seq)
    {
        if (await store.ReadAsync(partition, LogKeys.Seq(seq)) is { } own)
        {
            return own.Data;
        }

        var pages = await store.RangeAsync(partition, Key(seq), End, 1);
        if (pages.Count == 1)
        {
            foreach (var (itemSeq, data) in Items(pages[0].Data))
            {
                if (itemSeq == seq)
                {
                    return data;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The rows a transaction stores, counted as its writes are added: what <see cref="Pack"/> makes of them. A copy is a
    /// what-if: add a decision's rows to a copy, and keep the copy if they fit.
    /// </summary>
    public struct RowCounter
    {
        private int _closed; // own rows and pages already full
        private int _pageChars; // characters of the open page; 0 when none is open
        private long _pageLast;

        public readonly int Rows => _closed + (_pageChars > 0 ? 1 : 0);

        /// <summary>
        /// Adds <paramref name="write"/>: true when it goes into a page (<paramref name="startsPage"/> when into a new one),
        /// false when it is a row of its own (anything but a new item, or an item a page cannot hold).
        /// </summary>
        public bool Add(LogWrite write, out bool startsPage)
        {
            startsPage = false;
            var chars = 20 + (write.Data?.Length ?? 0); // the seq, the tab and the line break fit in 20
            if (write is not { Kind: LogWriteKind.Insert, Data: { } data } || !LogKeys.IsSeq(write.Key) || chars > MaxChars || data.Contains('\n'))
            {
                _closed++;
                return false;
            }

            var seq = LogKeys.SeqOf(write.Key);
            if (_pageChars > 0 && (_pageChars + chars > MaxChars || seq <= _pageLast))
            {
                _closed++;
                _pageChars = 0;
            }

            startsPage = _pageChars == 0;
            _pageChars += chars;
            _pageLast = seq;
            return true;
        }

        public void AddAll(IReadOnlyList<LogWrite> writes)
        {
            foreach (var write in writes)
            {
                Add(write, out _);
            }
        }
    }
}
