using Community.Replies;

namespace Community.Grains.Engagement;

/// <summary>
/// Something a fan started that awaits the creator: a comment (id = comment id) or a conversation opening
/// (id = <c>dm:{conversationId}</c>). The clock runs from <see cref="StartedAt"/> to <see cref="AnsweredAt"/>.
/// </summary>
public sealed record ResponseItem(string Id, DateTimeOffset StartedAt, DateTimeOffset? AnsweredAt = null)
{
    /// <summary>Seconds from start to answer; never negative (the two times may come from different machines' clocks).</summary>
    public double? ResponseSeconds => AnsweredAt is { } answered ? Math.Max(0, (answered - StartedAt).TotalSeconds) : null;
}

/// <summary>Responsiveness as docs/engagement.md defines it. Pure: the caller passes the time.</summary>
public static class ResponsivenessMath
{
    public const int WindowDays = 7;
    public static readonly TimeSpan Window = TimeSpan.FromDays(WindowDays);

    /// <summary>Whether an item counts at <paramref name="now"/>: it started within (now − 7 days, now].</summary>
    public static bool InWindow(ResponseItem item, DateTimeOffset now) => item.StartedAt > now - Window && item.StartedAt <= now;

    public static Responsiveness Compute(IEnumerable<ResponseItem> items, DateTimeOffset now)
    {
        var counted = items.Where(i => InWindow(i, now)).ToList();
        var seconds = counted.Select(i => i.ResponseSeconds).OfType<double>().Order().ToList();
        var awaiting = counted.Count - seconds.Count;
        return new Responsiveness(
            counted.Count == 0 ? null : seconds.Count / (double)counted.Count,
            seconds.Count == 0 ? null : EngagementMath.Median(seconds),
            seconds.Count == 0 ? null : NearestRank(seconds, 0.9),
            seconds.Count,
            awaiting,
            WindowDays);
    }

    /// <summary>The nearest-rank percentile of ascending <paramref name="sorted"/>: the value at rank ⌈p·n⌉ (1-based).</summary>
    public static double NearestRank(IReadOnlyList<double> sorted, double p)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Count);
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}

/// <summary>
/// A creator's response items of the rolling window, in memory (the grain stores each change as a row). An item's
/// first answer is its answer: later replies do not restart or move the clock. Holds at most <c>capacity</c> items
/// (the newest); items are kept in start order, so expiring costs only what expires, and the figures are computed
/// once per change (or per <see cref="ComputedFor"/>), not on every read.
/// </summary>
public sealed class ResponseWindow(int capacity = ResponseWindow.DefaultCapacity)
{
    public const int DefaultCapacity = 20_000;

    /// <summary>How long computed figures serve reads while nothing changes (items may meanwhile start to count).</summary>
    public static readonly TimeSpan ComputedFor = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, ResponseItem> _items = new(StringComparer.Ordinal);
    private readonly SortedSet<(long StartTicks, string Id)> _byStart = [];
    private Responsiveness? _computed;
    private DateTimeOffset _computedAt;

    public IReadOnlyCollection<ResponseItem> Items => _items.Values;

    /// <summary>Records an item (or what is known of it); returns the item if that changed it, else null.</summary>
    public ResponseItem? Upsert(ResponseItem item)
    {
        if (_items.TryGetValue(item.Id, out var known))
        {
            if (known.AnsweredAt is not null || item.AnsweredAt is null)
            {
                return null;
            }

            item = known with { AnsweredAt = item.AnsweredAt };
        }
        else
        {
            _byStart.Add((item.StartedAt.UtcTicks, item.Id));
        }

        _items[item.Id] = item;
        _computed = null;
        return item;
    }

    /// <summary>Marks a known item answered at <paramref name="at"/>; null when unknown or already answered.</summary>
    public ResponseItem? Answer(string id, DateTimeOffset at) =>
        _items.TryGetValue(id, out var known) ? Upsert(known with { AnsweredAt = at }) : null;

    /// <summary>Forgets an item (a fan's comment coalesced into their later one); returns it, or null when unknown.</summary>
    public ResponseItem? Remove(string id)
    {
        if (!_items.Remove(id, out var item))
        {
            return null;
        }

        _byStart.Remove((item.StartedAt.UtcTicks, item.Id));
        _computed = null;
        return item;
    }

    /// <summary>Forgets the items that no longer count at <paramref name="now"/>, and the oldest beyond the capacity; returns them.</summary>
    public IReadOnlyList<ResponseItem> Expire(DateTimeOffset now)
    {
        var expired = new List<ResponseItem>();
        var cutoff = (now - ResponsivenessMath.Window).UtcTicks;
        while (_byStart.Count > 0 && (_byStart.Min.StartTicks <= cutoff || _byStart.Count > capacity))
        {
            expired.Add(Remove(_byStart.Min.Id)!);
        }

        return expired;
    }

    public Responsiveness Compute(DateTimeOffset now)
    {
        if (_computed is null || now < _computedAt || now - _computedAt >= ComputedFor)
        {
            _computed = ResponsivenessMath.Compute(_items.Values, now);
            _computedAt = now;
        }

        return _computed;
    }
}
