namespace Community.Grains.Creators;

/// <summary>
/// A creator's stored profile and post list (Orleans grain state, provider "store"). Immutable: a change is a new state
/// (<c>with</c>), so a write that fails leaves the previous one in place.
/// </summary>
[GenerateSerializer]
[Alias("community.creator-state")]
public sealed record CreatorState
{
    [Id(0)] public bool Exists { get; init; }
    [Id(1)] public string DisplayName { get; init; } = "";
    [Id(2)] public IReadOnlyList<string> Niches { get; init; } = [];
    [Id(3)] public string? Bio { get; init; }
    [Id(4)] public DateTimeOffset CreatedAt { get; init; }
    [Id(5)] public long PostCount { get; init; }

    /// <summary>The newest posts last; capped at <see cref="CreatorGrain.RecentPostCapacity"/>.</summary>
    [Id(6)] public IReadOnlyList<string> RecentPosts { get; init; } = [];

    /// <summary>Who may write to the creator: one of <see cref="Community.Creators.DmPolicy"/>.</summary>
    [Id(7)] public string DmPolicy { get; init; } = Community.Creators.DmPolicy.Default;

    /// <summary>Users who may not write to the creator, oldest block first; capped at <see cref="CreatorGrain.MaxBlocked"/>.</summary>
    [Id(8)] public IReadOnlyList<string> Blocked { get; init; } = [];

    /// <summary>A publish under way: stored before its post is created, cleared once the post is listed (see <see cref="CreatorGrain.Publish"/>).</summary>
    [Id(9)] public PendingPost? Publishing { get; init; }
}

/// <summary>A post being published: its id is chosen, and its text kept, before it is created.</summary>
[GenerateSerializer]
[Alias("community.pending-post")]
public sealed record PendingPost([property: Id(0)] string PostId, [property: Id(1)] string Text, [property: Id(2)] string? CampaignId);

/// <summary>The head row of a creator's follower partition.</summary>
public sealed record FollowersHead(long Followers);
