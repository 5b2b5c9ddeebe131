using Community.Engagement;
using Community.Realtime;
using Community.Replies;
using Orleans.Concurrency;

namespace Community.Campaigns;

[GenerateSerializer, Immutable]
[Alias("community.campaign-input")]
public sealed record CampaignInput(
    [property: Id(0)] string? Name,
    [property: Id(1)] IReadOnlyList<string>? Creators,
    [property: Id(2)] decimal? Budget);

/// <summary>One minute of a campaign's per-minute series: <see cref="At"/> is the minute's start.</summary>
[GenerateSerializer, Immutable]
[Alias("community.campaign-minute")]
public sealed record CampaignMinute(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] EngagementCounts Counts)
{
    public long Interactions => Counts.Interactions;
}

/// <summary>
/// One creator of a campaign, as its leaderboard shows them: their campaign posts only, and beside them how they answer
/// fans (<see cref="Responsiveness"/>, across all their posts and conversations; null until first read).
/// </summary>
[GenerateSerializer, Immutable]
[Alias("community.campaign-creator")]
public sealed record CampaignCreator(
    [property: Id(0)] string Handle,
    [property: Id(1)] long Followers,
    [property: Id(2)] int Posts,
    [property: Id(3)] EngagementCounts Totals,
    [property: Id(4)] double EngagementRate,
    [property: Id(5)] double Heat,
    [property: Id(6)] Responsiveness? Responsiveness = null)
{
    public long Interactions => Totals.Interactions;
}

[GenerateSerializer, Immutable]
[Alias("community.campaign-leaderboard")]
public sealed record CampaignLeaderboard(
    [property: Id(0)] IReadOnlyList<CampaignCreator> ByHeat,
    [property: Id(1)] IReadOnlyList<CampaignCreator> ByEngagementRate);

/// <summary>A campaign's live snapshot: <c>GET /api/campaigns/{id}</c>, the <c>WatchCampaign</c> result and the <c>CampaignUpdated</c> payload.</summary>
[GenerateSerializer, Immutable]
[Alias("community.campaign-snapshot")]
public sealed record CampaignSnapshot(
    [property: Id(0)] string CampaignId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Owner,
    [property: Id(3)] decimal? Budget,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] IReadOnlyList<string> Creators,
    [property: Id(6)] IReadOnlyList<string> Members,
    [property: Id(7)] int Posts,
    [property: Id(8)] EngagementCounts Totals,
    [property: Id(9)] double EngagementRate,
    [property: Id(10)] double Heat,
    [property: Id(11)] decimal? CostPerEngagement,
    [property: Id(12)] EngagementWindows Windows,
    [property: Id(13)] IReadOnlyList<CampaignMinute> Series,
    [property: Id(14)] CampaignLeaderboard Leaderboard,
    [property: Id(15)] DateTimeOffset At) : IClientEvent
{
    static string IClientEvent.EventName => ClientEvents.CampaignUpdated;

    public long Interactions => Totals.Interactions;
}

/// <summary>One campaign, keyed by campaign id: owner, budget, creators and members, and its live roll-up of its posts.</summary>
public interface ICampaignGrain : IGrainWithStringKey, IEngagementSink, Community.Realtime.IRealtimeSource
{
    /// <summary>Creates the campaign with <paramref name="owner"/> as its owner (409 if the id is taken).</summary>
    Task<CampaignSnapshot> Create(string owner, CampaignInput input);

    /// <summary>The owner adds a creator who may attach posts (idempotent; 404 when the handle has no creator profile).</summary>
    Task<CampaignSnapshot> AddCreator(string caller, string handle);

    /// <summary>The owner adds a teammate who may watch (idempotent).</summary>
    Task<CampaignSnapshot> AddMember(string caller, string handle);

    /// <summary>The snapshot, for the owner and members only (403 for anyone else, 404 for no such campaign).</summary>
    Task<CampaignSnapshot> Get(string viewer);

    /// <summary>Throws 404 for no such campaign, 403 when <paramref name="creator"/> is not one of its creators, 409 when it is full.</summary>
    /// <remarks>Interleaves: a creator's grain calls it while publishing, and the campaign may be reading that creator's profile.</remarks>
    [AlwaysInterleave]
    Task RequireCreator(string creator);
}
