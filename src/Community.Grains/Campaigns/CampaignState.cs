using System.Text.Json.Serialization;
using Community.Grains.Engagement;

namespace Community.Grains.Campaigns;

/// <summary>
/// A campaign's stored definition and roll-up (Orleans grain state, provider "store"). Immutable: a change is a new state
/// (<c>with</c>), so a write that fails leaves the previous one in place.
/// </summary>
[GenerateSerializer]
[Alias("community.campaign-state")]
public sealed record CampaignState
{
    [Id(0)] public bool Exists { get; init; }
    [Id(1)] public string Owner { get; init; } = "";
    [Id(2)] public string Name { get; init; } = "";
    [Id(3)] public decimal? Budget { get; init; }
    [Id(4)] public DateTimeOffset CreatedAt { get; init; }
    [Id(5)] public IReadOnlyList<string> Creators { get; init; } = [];
    [Id(6)] public IReadOnlyList<string> Members { get; init; } = [];

    /// <summary>
    /// The roll-up as of its last store: rewritten on every beat while it changes. Stored as JSON of its own; state stored
    /// before that holds it as a string of JSON, and still reads.
    /// </summary>
    [Id(7)]
    [JsonConverter(typeof(StoredJsonConverter<CampaignRollup>))]
    public CampaignRollup? Rollup { get; init; }
}

/// <summary>
/// What a campaign has rolled up: each attached source's last counters of record (so totals are exact and a
/// repeated report changes nothing), the campaign's windows and heat, and each creator's heat.
/// </summary>
[GenerateSerializer]
[Alias("community.campaign-rollup")]
public sealed class CampaignRollup
{
    [Id(0)] public Dictionary<string, CampaignSource> Sources { get; set; } = new(StringComparer.Ordinal);

    [Id(1)] public EngagementTrackerState? Tracker { get; set; }

    [Id(2)] public Dictionary<string, DecayingSumState> CreatorHeat { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One attached post (or livestream): its creator and its counters in <see cref="Community.Engagement.EngagementCounts"/> order.</summary>
[GenerateSerializer]
[Alias("community.campaign-source")]
public sealed record CampaignSource([property: Id(0)] string Creator, [property: Id(1)] long[] Counts);
