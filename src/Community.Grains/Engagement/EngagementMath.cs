namespace Community.Grains.Engagement;

/// <summary>Engagement rates as the influencer tools define them (see docs/engagement.md).</summary>
public static class EngagementMath
{
    /// <summary>The number of recent posts a creator's rate is computed over (HypeAuditor's definition).</summary>
    public const int CreatorWindowPosts = 12;

    /// <summary>(likes + comments + shares + saves) / max(followers, 1).</summary>
    public static double PostRate(long interactions, long followers) => interactions / (double)Math.Max(followers, 1);

    public static double Mean(IReadOnlyCollection<double> values) => values.Count == 0 ? 0 : values.Average();

    public static double Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
