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
/// first answer is its answer: later replies do not restart or move the clock.
/// </summary>
public sealed class ResponseWindow
{
    private readonly Dictionary<string, ResponseItem> _items = new(StringComparer.Ordinal);

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

        _items[item.Id] = item;
        return item;
    }

    /// <summary>Marks a known item answered at <paramref name="at"/>; null when unknown or already answered.</summary>
    public ResponseItem? Answer(string id, DateTimeOffset at) =>
        _items.TryGetValue(id, out var known) ? Upsert(known with { AnsweredAt = at }) : null;

    /// <summary>Forgets the items that no longer count at <paramref name="now"/> and returns them.</summary>
    public IReadOnlyList<ResponseItem> Expire(DateTimeOffset now)
    {
        var expired = _items.Values.Where(i => i.StartedAt <= now - ResponsivenessMath.Window).ToList();
        expired.ForEach(i => _items.Remove(i.Id));
        return expired;
    }

    public Responsiveness Compute(DateTimeOffset now) => ResponsivenessMath.Compute(_items.Values, now);
}
