namespace Community.Grains.Creators;

/// <summary>A creator's stored profile and post list (Orleans grain state, provider "store").</summary>
[GenerateSerializer]
[Alias("community.creator-state")]
public sealed class CreatorState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public string DisplayName { get; set; } = "";
    [Id(2)] public List<string> Niches { get; set; } = [];
    [Id(3)] public string? Bio { get; set; }
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public long PostCount { get; set; }

    /// <summary>The newest posts last; capped at <see cref="CreatorGrain.RecentPostCapacity"/>.</summary>
    [Id(6)] public List<string> RecentPosts { get; set; } = [];

    /// <summary>Who may write to the creator: one of <see cref="Community.Creators.DmPolicy"/>.</summary>
    [Id(7)] public string DmPolicy { get; set; } = Community.Creators.DmPolicy.Default;

    /// <summary>Users who may not write to the creator, oldest block first; capped at <see cref="CreatorGrain.MaxBlocked"/>.</summary>
    [Id(8)] public List<string> Blocked { get; set; } = [];

    /// <summary>A publish under way: stored before its post is created, cleared once the post is listed (see <see cref="CreatorGrain.Publish"/>).</summary>
    [Id(9)] public PendingPost? Publishing { get; set; }

    public CreatorState Clone() => new()
    {
        Exists = Exists,
        DisplayName = DisplayName,
        Niches = [.. Niches],
        Bio = Bio,
        CreatedAt = CreatedAt,
        PostCount = PostCount,
        RecentPosts = [.. RecentPosts],
        DmPolicy = DmPolicy,
        Blocked = [.. Blocked],
        Publishing = Publishing,
    };
}

/// <summary>A post being published: its id is chosen, and its text kept, before it is created.</summary>
[GenerateSerializer]
[Alias("community.pending-post")]
public sealed record PendingPost([property: Id(0)] string PostId, [property: Id(1)] string Text, [property: Id(2)] string? CampaignId);

/// <summary>The head row of a creator's follower partition.</summary>
public sealed record FollowersHead(long Followers);
