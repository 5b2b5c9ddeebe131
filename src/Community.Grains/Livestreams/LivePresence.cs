using Community.Grains.Realtime;
using Community.Livestreams;
using Community.Realtime;

namespace Community.Grains.Livestreams;

/// <summary>
/// Who is watching a room, and the room's held-back updates. Presence is not stored: each Community host reports its
/// viewers about every second, the tally sums the reports (a host that goes silent is expired), and at most one
/// <c>ViewersUpdated</c> and one <c>LiveUpdated</c> go out per interval. The peak rides along with the room's stored batches.
/// Used from the room grain's context; its timer runs only once the room is known to exist.
/// </summary>
internal sealed class LivePresence(string liveId, TimeProvider time, LivestreamOptions options, RealtimeFanout fanout, RoomTimers timers)
{
    private readonly RoomTicker _ticker = new(timers, liveId);
    private readonly UpdateThrottle _viewerUpdates = new(options.UpdateInterval);
    private readonly UpdateThrottle _roomUpdates = new(options.UpdateInterval);

    public ViewerTally Viewers { get; } = new(options.PresenceExpiry);

    /// <summary>The room exists: tick from now on, calling <paramref name="flush"/>.</summary>
    public void Start(Grain grain, Action flush) => _ticker.EnsureStarted(grain, flush, options.UpdateInterval);

    public void Stop() => _ticker.Stop();

    public void Report(string hostId, IReadOnlyDictionary<string, int> viewersByVia)
    {
        if (Viewers.Report(hostId, viewersByVia, time.GetUtcNow()))
        {
            _viewerUpdates.Changed();
        }
    }

    /// <summary>A change the viewers' view shows (a first chatter through a host).</summary>
    public void ViewersChanged() => _viewerUpdates.Changed();

    /// <summary>A change of the room's settings or hosts.</summary>
    public void RoomChanged() => _roomUpdates.Changed();

    /// <summary>The head with the peak viewers seen so far, to store with the next batch.</summary>
    public LiveHead WithPeak(LiveHead head) => head.PeakViewers < Viewers.Peak ? head with { PeakViewers = Viewers.Peak } : head;

    /// <summary>Whether viewers peaked above the stored head since its last batch.</summary>
    public bool PeakedAbove(LiveHead head) => Viewers.Peak > head.PeakViewers;

    /// <summary>Expires silent hosts' viewers and publishes the room's pending updates, each at most once per interval.</summary>
    public void Flush(LiveHead head, ChatMessage? pinned)
    {
        var now = time.GetUtcNow();
        if (Viewers.Expire(now))
        {
            _viewerUpdates.Changed();
        }

        var topic = Topics.Live(liveId);
        if (_viewerUpdates.TryTake(now))
        {
            fanout.Publish(topic, head.ToViewers(liveId, Viewers));
        }

        if (_roomUpdates.TryTake(now))
        {
            fanout.Publish(topic, head.ToRoom(liveId, Viewers, pinned));
        }
    }
}
