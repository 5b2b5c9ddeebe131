using Community.Realtime;

namespace Community.Engagement;

/// <summary>The six counters of a subject. Engagement (<see cref="Interactions"/>) is likes + comments + shares + saves.</summary>
[GenerateSerializer, Immutable]
[Alias("community.engagement-counts")]
public sealed record EngagementCounts(
    [property: Id(0)] long Views,
    [property: Id(1)] long Likes,
    [property: Id(2)] long Comments,
    [property: Id(3)] long Shares,
    [property: Id(4)] long Saves,
    [property: Id(5)] long CreatorReplies)
{
    public const int Count = 6;

    public static readonly EngagementCounts Zero = new(0, 0, 0, 0, 0, 0);

    public long Interactions => Likes + Comments + Shares + Saves;

    /// <summary>Counter c, in the order views, likes, comments, shares, saves, creator replies.</summary>
    public long this[int c] => c switch
    {
        0 => Views,
        1 => Likes,
        2 => Comments,
        3 => Shares,
        4 => Saves,
        5 => CreatorReplies,
        _ => throw new ArgumentOutOfRangeException(nameof(c)),
    };

    public static EngagementCounts From(ReadOnlySpan<long> c) => new(c[0], c[1], c[2], c[3], c[4], c[5]);

    public void CopyTo(Span<long> target)
    {
        for (var c = 0; c < Count; c++)
        {
            target[c] = this[c];
        }
    }
}

/// <summary>Every counter over the last minute, 15 minutes, hour and 24 hours (each within one bucket: 1 s, 15 s, 1 min, 24 min).</summary>
[GenerateSerializer, Immutable]
[Alias("community.engagement-windows")]
public sealed record EngagementWindows(
    [property: Id(0)] EngagementCounts LastMinute,
    [property: Id(1)] EngagementCounts Last15Minutes,
    [property: Id(2)] EngagementCounts LastHour,
    [property: Id(3)] EngagementCounts Last24Hours);

/// <summary>
/// A post's or a creator's live scores: the <c>EngagementUpdated</c> payload and the <c>WatchCreator</c> result.
/// <see cref="Subject"/> is "post" or "creator" and <see cref="Id"/> the post id or the handle.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("community.engagement-scores")]
public sealed record EngagementScores(
    [property: Id(0)] string Subject,
    [property: Id(1)] string Id,
    [property: Id(2)] EngagementCounts Totals,
    [property: Id(3)] long Followers,
    [property: Id(4)] int Posts,
    [property: Id(5)] double EngagementRate,
    [property: Id(6)] double MedianEngagementRate,
    [property: Id(7)] double Heat,
    [property: Id(8)] EngagementWindows Windows,
    [property: Id(9)] DateTimeOffset At) : IClientEvent
{
    static string IClientEvent.EventName => ClientEvents.EngagementUpdated;

    public const string PostSubject = "post";
    public const string CreatorSubject = "creator";

    public long Interactions => Totals.Interactions;
}

/// <summary>
/// What a source of engagement (a post; later a livestream) tells its creator and its campaign, at most once per
/// roll-up interval: its counters of record (<see cref="Totals"/>, so a receiver can make its totals exact and
/// idempotent) and what it recorded since its last report to that receiver (<see cref="Delta"/>, for windows and heat).
/// </summary>
[GenerateSerializer, Immutable]
[Alias("community.engagement-report")]
public sealed record EngagementReport(
    [property: Id(0)] string Source,
    [property: Id(1)] string Creator,
    [property: Id(2)] DateTimeOffset PublishedAt,
    [property: Id(3)] EngagementCounts Totals,
    [property: Id(4)] EngagementCounts Delta,
    [property: Id(5)] DateTimeOffset At);

/// <summary>A grain that sources of engagement report to (a creator's engagement, a campaign).</summary>
public interface IEngagementSink : IGrain
{
    Task Report(EngagementReport report);
}

/// <summary>A creator's live engagement across their posts, keyed by handle; <c>WatchCreator</c> reads it.</summary>
public interface ICreatorEngagementGrain : IGrainWithStringKey, IEngagementSink, Community.Realtime.IRealtimeSource
{
    /// <summary>The creator's scores (404 when the handle has no creator profile).</summary>
    Task<EngagementScores> Get();

    /// <summary>
    /// The creator's scores at <paramref name="followers"/>, the count the caller has just read from the creator's profile:
    /// the same figures as <see cref="Get"/> without reading the profile a second time.
    /// </summary>
    Task<EngagementScores> GetWithFollowers(long followers);
}
