namespace Community.Grains.Livestreams;

/// <summary>
/// A room's viewers as the Community hosts of the cluster report them. Each host reports its own connections
/// (per host of the room they joined through) about every second; the room's count is the sum of the latest
/// reports. A report that is not refreshed within <c>expiry</c> stops counting: that is how the viewers of a
/// host that died or lost its connection to the cluster leave the count within a bounded time.
/// </summary>
public sealed class ViewerTally(TimeSpan expiry, long peak = 0)
{
    private readonly Dictionary<string, HostReport> _reports = new(StringComparer.Ordinal);
    private Dictionary<string, int> _byVia = new(StringComparer.Ordinal);

    public int Viewers { get; private set; }

    /// <summary>The most viewers counted at once (starting from what was stored before).</summary>
    public long Peak { get; private set; } = peak;

    /// <summary>Viewers per host of the room they joined through.</summary>
    public IReadOnlyDictionary<string, int> ByVia => _byVia;

    /// <summary>Replaces <paramref name="hostId"/>'s report; returns whether the room's counts changed.</summary>
    public bool Report(string hostId, IReadOnlyDictionary<string, int> viewersByVia, DateTimeOffset now)
    {
        var counts = viewersByVia.Where(v => v.Value > 0).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        if (counts.Count == 0)
        {
            _reports.Remove(hostId);
        }
        else
        {
            _reports[hostId] = new HostReport(counts, now);
        }

        return Recount();
    }

    /// <summary>Drops the reports not refreshed within the expiry; returns whether the room's counts changed.</summary>
    public bool Expire(DateTimeOffset now)
    {
        var stale = _reports.Where(r => now - r.Value.At > expiry).Select(r => r.Key).ToList();
        foreach (var hostId in stale)
        {
            _reports.Remove(hostId);
        }

        return stale.Count > 0 && Recount();
    }

    /// <summary>Raises the peak to a value stored earlier (after the room's state was reloaded).</summary>
    public void RaisePeak(long stored) => Peak = Math.Max(Peak, stored);

    public int Via(string host) => _byVia.GetValueOrDefault(host);

    private bool Recount()
    {
        var byVia = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var report in _reports.Values)
        {
            foreach (var (via, count) in report.ByVia)
            {
                byVia[via] = byVia.GetValueOrDefault(via) + count;
            }
        }

        var changed = byVia.Count != _byVia.Count || byVia.Any(v => _byVia.GetValueOrDefault(v.Key) != v.Value);
        _byVia = byVia;
        Viewers = byVia.Values.Sum();
        Peak = Math.Max(Peak, Viewers);
        return changed;
    }

    private sealed record HostReport(IReadOnlyDictionary<string, int> ByVia, DateTimeOffset At);
}
