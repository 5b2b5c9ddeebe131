namespace Community.Grains.Storage;

/// <summary>
/// The most recent items of a sequenced stream, kept in memory so that live readers (catch-up after a short
/// disconnect, reply lookups) never touch storage. Holds a contiguous run of seqs ending at the newest.
/// </summary>
public sealed class SeqWindow<T>(Func<T, long> seqOf, ISeqRowFormat<T>? format = null, int capacity = 512)
{
    private readonly ISeqRowFormat<T> _format = format ?? JsonSeqRowFormat<T>.Instance;

    private readonly List<T> _items = [];

    public int Count => _items.Count;

    public void Clear() => _items.Clear();

    public void Add(T item)
    {
        if (_items.Count > 0 && seqOf(_items[^1]) != seqOf(item) - 1)
        {
            _items.Clear();
        }

        _items.Add(item);
        if (_items.Count > capacity)
        {
            _items.RemoveRange(0, _items.Count - capacity);
        }
    }

    /// <summary>Replaces an item in place (a moderated message becoming a tombstone).</summary>
    public bool Replace(T item)
    {
        if (!Covers(seqOf(item)))
        {
            return false;
        }

        _items[(int)(seqOf(item) - seqOf(_items[0]))] = item;
        return true;
    }

    public bool TryGet(long seq, out T item)
    {
        if (Covers(seq))
        {
            item = _items[(int)(seq - seqOf(_items[0]))];
            return true;
        }

        item = default!;
        return false;
    }

    /// <summary>Items with seq &gt; <paramref name="afterSeq"/>, when the window holds all of them from there.</summary>
    public bool TryGetAfter(long afterSeq, int limit, out IReadOnlyList<T> items)
    {
        if (_items.Count > 0 && seqOf(_items[0]) <= afterSeq + 1)
        {
            var start = (int)Math.Min(_items.Count, afterSeq + 1 - seqOf(_items[0]));
            items = _items.GetRange(start, Math.Min(limit, _items.Count - start));
            return true;
        }

        items = [];
        return false;
    }

    /// <summary>Reads seqs after <paramref name="afterSeq"/> up to <paramref name="lastSeq"/>, from memory when it can, else from the stream's partition (its pages and own rows).</summary>
    public async Task<IReadOnlyList<T>> ReadAsync(ILogStore store, string partition, long afterSeq, long lastSeq, int limit)
    {
        if (afterSeq >= lastSeq)
        {
            return [];
        }

        // Memory serves only when it reaches lastSeq (or the limit): an activation may be asked for items another stored.
        if (TryGetAfter(afterSeq, limit, out var cached) && (cached.Count == limit || (cached.Count > 0 ? seqOf(cached[^1]) : afterSeq) >= lastSeq))
        {
            return cached;
        }

        var stored = await SeqPages.ReadAsync(store, partition, afterSeq, lastSeq, limit);
        return stored.Select(r => _format.Read(partition, r.Seq, r.Data)).ToList();
    }

    /// <summary>One item by seq, from memory or the partition; null when it is not stored.</summary>
    public async Task<T?> GetAsync(ILogStore store, string partition, long seq)
    {
        if (TryGet(seq, out var item))
        {
            return item;
        }

        var data = await SeqPages.FindAsync(store, partition, seq);
        return data is null ? default : _format.Read(partition, seq, data);
    }

    private bool Covers(long seq) => _items.Count > 0 && seq >= seqOf(_items[0]) && seq <= seqOf(_items[^1]);
}

/// <summary>A map that remembers only its newest entries (recent client ids, recent likers): bounded memory per grain.</summary>
public sealed class RecentMap<TValue>(int capacity)
{
    private readonly Dictionary<string, TValue> _map = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public bool TryGetValue(string key, out TValue value) => _map.TryGetValue(key, out value!);

    public bool Contains(string key) => _map.ContainsKey(key);

    public void Set(string key, TValue value)
    {
        if (_map.TryAdd(key, value))
        {
            _order.Enqueue(key);
            if (_order.Count > capacity)
            {
                _map.Remove(_order.Dequeue());
            }
        }
        else
        {
            _map[key] = value;
        }
    }

    public void Clear()
    {
        _map.Clear();
        _order.Clear();
    }
}
