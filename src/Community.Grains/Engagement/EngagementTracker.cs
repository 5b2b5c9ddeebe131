namespace Community.Grains.Engagement;

/// <summary>
/// One subject's live scores: every counter over the last minute, 15 minutes, hour and day
/// (<see cref="RollingWindow"/>s), and its heat (<see cref="DecayingSum"/> of weighted events).
/// O(1) and allocation-free per event.
/// </summary>
public sealed class EngagementTracker
{
    public static readonly TimeSpan[] WindowLengths =
    [
        TimeSpan.FromMinutes(1),
        TimeSpan.FromMinutes(15),
        TimeSpan.FromHours(1),
        TimeSpan.FromHours(24),
    ];

    private readonly double[] _weights = new double[EngagementCounters.Count];

    public EngagementTracker(EngagementOptions options)
    {
        for (var c = 0; c < EngagementCounters.Count; c++)
        {
            _weights[c] = options.Weight((EngagementCounter)c);
        }

        Windows = [.. WindowLengths.Select(length => new RollingWindow(length))];
        Heat = new DecayingSum(options.HalfLife);
    }

    /// <summary>The four windows, shortest first (see <see cref="WindowLengths"/>).</summary>
    public RollingWindow[] Windows { get; }

    /// <summary>The per-minute series of the last hour is this window's buckets.</summary>
    public RollingWindow LastHour => Windows[2];

    public DecayingSum Heat { get; }

    public void Record(EngagementCounter counter, long amount, long ticks)
    {
        if (amount <= 0)
        {
            return;
        }

        var c = (int)counter;
        foreach (var window in Windows)
        {
            window.Add(c, amount, ticks);
        }

        Heat.Add(_weights[c] * amount, ticks);
    }

    /// <summary>Records a batch: <paramref name="deltas"/>[c] events of counter c, all at <paramref name="ticks"/>.</summary>
    public void Record(ReadOnlySpan<long> deltas, long ticks)
    {
        for (var c = 0; c < deltas.Length; c++)
        {
            Record((EngagementCounter)c, deltas[c], ticks);
        }
    }

    public EngagementTrackerState Save() => new([.. Windows.Select(w => w.Save())], Heat.Save());

    public void Load(EngagementTrackerState? state)
    {
        for (var i = 0; i < Windows.Length; i++)
        {
            Windows[i].Load(state?.Windows is { } saved && i < saved.Length ? saved[i] : null);
        }

        Heat.Load(state?.Heat);
    }
}

/// <summary>An <see cref="EngagementTracker"/> as data, for grain state.</summary>
[GenerateSerializer]
[Alias("community.engagement-tracker-state")]
public sealed record EngagementTrackerState([property: Id(0)] RollingWindowState[] Windows, [property: Id(1)] DecayingSumState Heat);
