using Community.Campaigns;
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

    /// <summary>The last 60 minutes, a point per minute, oldest first: the buckets of the tracker's one-hour window.</summary>
    public static List<CampaignMinute> Minutes(EngagementTracker tracker, long ticks)
    {
        var window = tracker.LastHour;
        var perCounter = new long[EngagementCounts.Count][];
        for (var c = 0; c < EngagementCounts.Count; c++)
        {
            perCounter[c] = new long[RollingWindow.BucketCount];
            window.Series(c, ticks, perCounter[c]);
        }

        var start = window.OldestBucketStart;
        var series = new List<CampaignMinute>(RollingWindow.BucketCount);
        for (var i = 0; i < RollingWindow.BucketCount; i++)
        {
            series.Add(new CampaignMinute(start + (window.BucketWidth * i),
                new EngagementCounts(perCounter[0][i], perCounter[1][i], perCounter[2][i], perCounter[3][i], perCounter[4][i], perCounter[5][i])));
        }

        return series;
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
