using Community.Grains.Engagement;

namespace Community.Grains.Campaigns;

/// <summary>A campaign's stored definition and roll-up (Orleans grain state, provider "store").</summary>
[GenerateSerializer]
[Alias("community.campaign-state")]
public sealed class CampaignState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public string Owner { get; set; } = "";
    [Id(2)] public string Name { get; set; } = "";
    [Id(3)] public decimal? Budget { get; set; }
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public List<string> Creators { get; set; } = [];
    [Id(6)] public List<string> Members { get; set; } = [];

    /// <summary>The roll-up as JSON of <see cref="CampaignRollup"/>: rewritten on every beat while it changes.</summary>
    [Id(7)] public string? Rollup { get; set; }

    public CampaignState Clone() => new()
    {
        Exists = Exists,
        Owner = Owner,
        Name = Name,
        Budget = Budget,
        CreatedAt = CreatedAt,
        Creators = [.. Creators],
        Members = [.. Members],
        Rollup = Rollup,
    };
}

/// <summary>
/// What a campaign has rolled up: each attached source's last counters of record (so totals are exact and a
/// repeated report changes nothing), the campaign's windows and heat, and each creator's heat.
/// </summary>
public sealed class CampaignRollup
{
    public Dictionary<string, CampaignSource> Sources { get; set; } = new(StringComparer.Ordinal);

    public EngagementTrackerState? Tracker { get; set; }

    public Dictionary<string, DecayingSumState> CreatorHeat { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One attached post (or livestream): its creator and its counters in <see cref="Community.Engagement.EngagementCounts"/> order.</summary>
public sealed record CampaignSource(string Creator, long[] Counts);
