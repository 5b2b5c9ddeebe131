using System.ComponentModel.DataAnnotations;

namespace Community.Host.Realtime;

/// <summary>Section <c>Realtime</c>: how much a connection may fall behind, and how much it may subscribe to.</summary>
public sealed class RealtimeOptions
{
    public const string Section = "Realtime";

    /// <summary>
    /// Events waiting for one connection (beyond what its socket and transport already buffer) before the server
    /// closes it as a slow consumer. Sized for about half a minute of a busy room's chat.
    /// </summary>
    [Range(16 * 1024, 64 * 1024 * 1024)]
    public int MaxPendingBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Events waiting for all of this host's slow connections together. Past it, a connection that must queue is closed
    /// as a slow consumer even within its own bound: 20,000 connections each 1 MiB behind would otherwise hold 20 GiB.
    /// </summary>
    [Range(typeof(long), "65536", "68719476736")]
    public long MaxPendingBytesPerHost { get; set; } = 256L * 1024 * 1024;

    /// <summary>How long the oldest waiting event of a connection may wait before the server closes it as a slow consumer.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:05:00")]
    public TimeSpan MaxPendingAge { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>After the close message is queued, how long a slow consumer has to read it before its connection is cut.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan CloseGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The shortest time between two runs of a delivery lane (<see cref="DeliveryLanes"/>): batches that come sooner wait
    /// for the rest of it and go to each connection joined into one write. A quiet topic's events go out at once; a busy
    /// room's reach each connection at most once per interval, events back to back, so a connection costs one write, flush
    /// and socket send per interval instead of one per batch. Zero writes every batch as it comes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:00.1")]
    public TimeSpan MinWriteInterval { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Posts, rooms, creators and campaigns one connection may follow at once.</summary>
    [Range(1, 10_000)]
    public int MaxSubscriptionsPerConnection { get; set; } = 200;

    /// <summary>Hub connections one user may hold to one host at once; the next is closed with a 429 error.</summary>
    [Range(1, 10_000)]
    public int MaxConnectionsPerUser { get; set; } = 20;

    /// <summary>About how many bytes of items one <c>SubscribePost</c> or <c>JoinLive</c> returns; the rest is <c>hasMore</c>.</summary>
    [Range(4 * 1024, 16 * 1024 * 1024)]
    public int MaxCatchUpBytes { get; set; } = 256 * 1024;
}
