using System.ComponentModel.DataAnnotations;

namespace Community.Grains.Engagement;

/// <summary>Section <c>Engagement</c>: heat weights and half-life, and how often scores are pushed and rolled up (docs/engagement.md).</summary>
public sealed class EngagementOptions
{
    public const string Section = "Engagement";
    private const double MaxWeight = 1_000;

    /// <summary>Heat per view. 0: engagement tools (HypeAuditor, Modash) leave reach out of engagement.</summary>
    [Range(0, MaxWeight)]
    public double ViewWeight { get; set; }

    /// <summary>Heat per like (Stream Activity Feeds popularity weights: like 1, comment 2, share 3).</summary>
    [Range(0, MaxWeight)]
    public double LikeWeight { get; set; } = 1;

    [Range(0, MaxWeight)]
    public double CommentWeight { get; set; } = 2;

    [Range(0, MaxWeight)]
    public double ShareWeight { get; set; } = 3;

    [Range(0, MaxWeight)]
    public double SaveWeight { get; set; } = 3;

    /// <summary>Heat per reply of the creator to a fan, on top of its weight as a comment: two-way interaction counts most.</summary>
    [Range(0, MaxWeight)]
    public double CreatorReplyWeight { get; set; } = 5;

    /// <summary>Heat halves every half-life.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan HalfLife { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// A post or creator pushes its scores to watchers at most once per interval, and only while they change; a campaign
    /// stores its roll-up at most once per interval.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan PushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A campaign pushes its snapshot at most once per interval, and only while it changes. With <see cref="RollupInterval"/>
    /// it bounds how stale a brand's page is: a like shows within one roll-up beat plus one campaign push beat (issue 12:
    /// within 1 s at p99).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan CampaignPushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// A post reports its counters to its creator and campaign at once after a quiet spell, and at most once per interval
    /// while they keep changing.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan RollupInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A user's views of one post within this time count once (a web-analytics session).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ViewRepeatAfter { get; set; } = TimeSpan.FromMinutes(30);

    public double Weight(EngagementCounter counter) => counter switch
    {
        EngagementCounter.Views => ViewWeight,
        EngagementCounter.Likes => LikeWeight,
        EngagementCounter.Comments => CommentWeight,
        EngagementCounter.Shares => ShareWeight,
        EngagementCounter.Saves => SaveWeight,
        EngagementCounter.CreatorReplies => CreatorReplyWeight,
        _ => throw new ArgumentOutOfRangeException(nameof(counter), counter, null),
    };
}
