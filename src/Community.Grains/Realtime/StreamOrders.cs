using Community.Realtime;

namespace Community.Grains.Realtime;

/// <summary>
/// The <see cref="StreamOrder"/> of each stream one topic carries (a user's topic carries every conversation of the
/// user), keyed by <see cref="RealtimeEvent.Stream"/>. A stream's first item is its baseline: nothing before it is
/// owed. At most <c>capacity</c> streams are kept; a new one makes room by forgetting the one heard from least
/// lately that is not fetching (it takes a new baseline if it comes back). When every kept stream is fetching, a
/// new stream's items pass through unordered rather than be held. Not thread-safe: the caller holds the topic's lock.
/// </summary>
public sealed class StreamOrders(int capacity)
{
    private readonly Dictionary<string, Entry> _streams = new(StringComparer.Ordinal);
    private long _clock;

    public int Count => _streams.Count;

    /// <summary>Takes one event of <paramref name="stream"/>, as <see cref="StreamOrder.Accept"/> does.</summary>
    public SeqRange? Accept(string stream, RealtimeEvent evt, List<RealtimeEvent> forward)
    {
        if (!_streams.TryGetValue(stream, out var entry))
        {
            // A head of a stream never seen here owes nothing: there is no baseline to measure it against.
            if (evt.IsHead)
            {
                return null;
            }

            if (_streams.Count >= capacity && !Forget())
            {
                forward.Add(evt);
                return null;
            }

            entry = new Entry();
            _streams.Add(stream, entry);
        }

        entry.Used = ++_clock;
        return entry.Order.Accept(evt, forward);
    }

    /// <summary>The fetch of <paramref name="range"/> of <paramref name="stream"/> returned <paramref name="fetched"/>, as <see cref="StreamOrder.Filled"/>.</summary>
    public SeqRange? Filled(string stream, SeqRange range, IReadOnlyList<RealtimeEvent> fetched, List<RealtimeEvent> forward) =>
        _streams.TryGetValue(stream, out var entry) ? entry.Order.Filled(range, fetched, forward) : null;

    // A stream that is fetching holds items nobody else has: never forgotten.
    private bool Forget()
    {
        string? oldest = null;
        var used = long.MaxValue;
        foreach (var (key, entry) in _streams)
        {
            if (!entry.Order.Fetching && entry.Used < used)
            {
                oldest = key;
                used = entry.Used;
            }
        }

        return oldest is not null && _streams.Remove(oldest);
    }

    private sealed class Entry
    {
        public StreamOrder Order { get; } = new();

        public long Used { get; set; }
    }
}
