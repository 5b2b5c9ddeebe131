using Community.Engagement;

namespace Community.Grains.Engagement;

/// <summary>Reads a tracker into wire records (once per push or read, never per event).</summary>
public static class EngagementViews
{
    public static EngagementWindows Windows(EngagementTracker tracker, long ticks)
    {
        Span<long> totals = stackalloc long[EngagementCounts.Count];
        var counts = new EngagementCounts[tracker.Windows.Length];
        for (var w = 0; w < counts.Length; w++)
        {
            tracker.Windows[w].Totals(ticks, totals);
            counts[w] = EngagementCounts.From(totals);
        }

        return new EngagementWindows(counts[0], counts[1], counts[2], counts[3]);
    }

    /// <summary>Each counter's deltas as a span, in counter order.</summary>
    public static void Deltas(EngagementCounts now, EngagementCounts before, Span<long> deltas)
    {
        for (var c = 0; c < EngagementCounts.Count; c++)
        {
            deltas[c] = Math.Max(0, now[c] - before[c]);
        }
    }

    public static EngagementCounts Max(EngagementCounts a, EngagementCounts b) => new(
        Math.Max(a.Views, b.Views), Math.Max(a.Likes, b.Likes), Math.Max(a.Comments, b.Comments),
        Math.Max(a.Shares, b.Shares), Math.Max(a.Saves, b.Saves), Math.Max(a.CreatorReplies, b.CreatorReplies));
}
