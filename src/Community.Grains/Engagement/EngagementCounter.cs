namespace Community.Grains.Engagement;

/// <summary>
/// What the scoring code counts, as indexes into counter arrays. A post reports all six; a livestream reports
/// chat messages as <see cref="Comments"/>, joins as <see cref="Views"/> and hosts' answers as <see cref="CreatorReplies"/>.
/// </summary>
public enum EngagementCounter
{
    Views,
    Likes,
    Comments,
    Shares,
    Saves,
    CreatorReplies,
}

public static class EngagementCounters
{
    /// <summary>How many counters there are; counter arrays have this length.</summary>
    public const int Count = 6;
}
