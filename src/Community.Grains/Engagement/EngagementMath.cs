namespace Community.Grains.Engagement;

/// <summary>Engagement rates as the influencer tools define them (see docs/engagement.md).</summary>
public static class EngagementMath
{
    /// <summary>The number of recent posts a creator's rate is computed over (HypeAuditor's definition).</summary>
    public const int CreatorWindowPosts = 12;

    /// <summary>What counts as engagement: likes + comments + shares + saves (views and creator replies do not add to it).</summary>
    public static long Interactions(long likes, long comments, long shares, long saves) => likes + comments + shares + saves;

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

    /// <summary>
    /// A creator's rate over their most recent posts (newest first; only the first <see cref="CreatorWindowPosts"/> count):
    /// the mean of the post rates (HypeAuditor) and their median (Modash).
    /// </summary>
    public static CreatorRate CreatorRate(IEnumerable<long> interactionsNewestFirst, long followers)
    {
        var rates = interactionsNewestFirst.Take(CreatorWindowPosts).Select(i => PostRate(i, followers)).ToList();
        return new CreatorRate(rates.Count, Mean(rates), Median(rates));
    }

    /// <summary>
    /// A campaign's (or a creator's within a campaign) rate: its interactions over the followers each of its posts
    /// was published to, Σ interactions / Σ max(followers of the post's creator, 1). For one creator it is the mean of
    /// their post rates; across creators it weighs each post by its audience, so a mega creator's post counts for more.
    /// </summary>
    public static double PooledRate(long interactions, long followerReach) => interactions / (double)Math.Max(followerReach, 1);

    /// <summary>Budget / interactions; null without a budget or before the first interaction.</summary>
    public static decimal? CostPerEngagement(decimal? budget, long interactions) =>
        budget is { } b && interactions > 0 ? Math.Round(b / interactions, 4, MidpointRounding.ToEven) : null;
}

/// <summary>A creator's rate over <see cref="Posts"/> recent posts: <see cref="Mean"/> (HypeAuditor) and <see cref="Median"/> (Modash).</summary>
public readonly record struct CreatorRate(int Posts, double Mean, double Median);
