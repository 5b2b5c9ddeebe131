using System.ComponentModel.DataAnnotations;

namespace Community.Grains.Livestreams;

/// <summary>Section <c>Livestreams</c>: room size, presence timing and per-user chat rate limits.</summary>
public sealed class LivestreamOptions
{
    public const string Section = "Livestreams";

    /// <summary>The most hosts one room may have (the creator included); pending invites count toward it.</summary>
    [Range(1, 20)]
    public int MaxHosts { get; set; } = 6;

    /// <summary>How often each Community host reports its viewers of each room it serves.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:00:10")]
    public TimeSpan PresenceReportInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a host's report counts without a refresh: the viewers of a dead host stop counting after this.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan PresenceExpiry { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The least time between two <c>ViewersUpdated</c> (or two <c>LiveUpdated</c>) events of one room.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:00:10")]
    public TimeSpan UpdateInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many chat messages a user may send at once before the per-user rate limit applies.</summary>
    [Range(1, 1_000)]
    public int ChatBurst { get; set; } = 10;

    /// <summary>After a burst, a user may send one more message per this interval.</summary>
    [Range(typeof(TimeSpan), "00:00:00.01", "00:01:00")]
    public TimeSpan ChatRefillInterval { get; set; } = TimeSpan.FromSeconds(1);
}
