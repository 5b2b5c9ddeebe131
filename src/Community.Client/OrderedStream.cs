namespace Community.Client;

/// <summary>
/// One ordered stream as the app sees it: hands out items strictly as <c>LastSeq + 1</c>, <c>+ 2</c>, … whatever
/// order they come in (live events, catch-up lists, repeats). Items past a gap wait here until the gap is filled.
/// Not thread-safe: the client calls it under its lock.
/// </summary>
public sealed class OrderedStream<T>(long afterSeq, Func<T, long> seqOf)
{
    private readonly SortedDictionary<long, T> _ahead = [];

    /// <summary>The last seq handed to the app.</summary>
    public long LastSeq { get; private set; } = afterSeq;

    /// <summary>Items are waiting behind a missing seq: fetch after <see cref="LastSeq"/> to fill it.</summary>
    public bool HasGap => _ahead.Count > 0;

    /// <summary>Takes one item; returns the items now deliverable, in seq order (none for a repeat or an item past a gap).</summary>
    public IReadOnlyList<T> Offer(T item) => OfferAll([item]);

    /// <summary>Takes items in any order (a catch-up list); returns the items now deliverable, in seq order.</summary>
    public IReadOnlyList<T> OfferAll(IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            var seq = seqOf(item);
            if (seq > LastSeq)
            {
                _ahead.TryAdd(seq, item);
            }
        }

        List<T>? ready = null;
        while (_ahead.Remove(LastSeq + 1, out var next))
        {
            (ready ??= []).Add(next);
            LastSeq++;
        }

        return ready ?? (IReadOnlyList<T>)[];
    }
}
