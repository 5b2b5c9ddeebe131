namespace Community.Creators;

/// <summary>Creator tiers by followers, as influencer marketplaces name them.</summary>
public static class Tier
{
    public const string Nano = "nano";
    public const string Micro = "micro";
    public const string Macro = "macro";
    public const string Mega = "mega";

    /// <summary>nano &lt; 1,000 ≤ micro &lt; 100,000 ≤ macro &lt; 1,000,000 ≤ mega.</summary>
    public static string FromFollowers(long followers) => followers switch
    {
        < 1_000 => Nano,
        < 100_000 => Micro,
        < 1_000_000 => Macro,
        _ => Mega,
    };
}
