using System.Collections.Concurrent;

namespace Community.Grains.Livestreams;

/// <summary>
/// The livestreams whose grains tick on this silo. A room's timer starts only once the room is known to exist, so an
/// activation for an id that names no room (a stream of random-id GETs) costs no CPU after its 404.
/// </summary>
public sealed class RoomTimers
{
    private readonly ConcurrentDictionary<string, byte> _ticking = new(StringComparer.Ordinal);

    public int Count => _ticking.Count;

    public bool IsTicking(string liveId) => _ticking.ContainsKey(liveId);

    internal void Started(string liveId) => _ticking[liveId] = 0;

    internal void Stopped(string liveId) => _ticking.TryRemove(liveId, out _);
}

/// <summary>One room's timer: it expires silent hosts' viewers and sends the updates the throttles held back.</summary>
internal sealed class RoomTicker(RoomTimers timers, string liveId)
{
    private IGrainTimer? _timer;

    public void EnsureStarted(Grain grain, Action flush, TimeSpan updateInterval)
    {
        if (_timer is not null)
        {
            return;
        }

        // Ticking faster than the throttle's interval sends a held-back update soon after the interval ends, not up to
        // a whole tick later.
        var tick = updateInterval / 4;
        _timer = grain.RegisterGrainTimer(
            static (flush, _) =>
            {
                flush();
                return Task.CompletedTask;
            },
            flush,
            new GrainTimerCreationOptions(tick, tick) { Interleave = true });
        timers.Started(liveId);
    }

    public void Stop()
    {
        _timer?.Dispose();
        _timer = null;
        timers.Stopped(liveId);
    }
}
