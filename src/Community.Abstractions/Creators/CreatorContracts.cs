namespace Community.Creators;

[GenerateSerializer, Immutable]
[Alias("community.creator-profile-input")]
public sealed record CreatorProfileInput(
    [property: Id(0)] string? DisplayName,
    [property: Id(1)] IReadOnlyList<string>? Niches,
    [property: Id(2)] string? Bio);

/// <summary>A creator as the API shows it; <see cref="Engagement"/> is filled by the read path.</summary>
[GenerateSerializer, Immutable]
[Alias("community.creator-profile")]
public sealed record CreatorProfile(
    [property: Id(0)] string Handle,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] IReadOnlyList<string> Niches,
    [property: Id(3)] string? Bio,
    [property: Id(4)] long Followers,
    [property: Id(5)] string Tier,
    [property: Id(6)] long Posts,
    [property: Id(7)] DateTimeOffset CreatedAt);

/// <summary>Follow or unfollow outcome: idempotent, so <see cref="Changed"/> tells whether anything happened.</summary>
[GenerateSerializer, Immutable]
[Alias("community.follow-result")]
public sealed record FollowResult(
    [property: Id(0)] string Creator,
    [property: Id(1)] bool Following,
    [property: Id(2)] long Followers,
    [property: Id(3)] bool Changed);
