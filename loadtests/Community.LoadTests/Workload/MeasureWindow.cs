using System.Diagnostics;

namespace Community.LoadTests.Workload;

/// <summary>The measured part of a run, as <see cref="Stopwatch"/> timestamps: <c>[Start, End)</c>.</summary>
public readonly record struct MeasureWindow(long Start, long End)
{
    /// <summary>A window that nothing falls into, until the real one is known.</summary>
    public static readonly MeasureWindow NotYet = new(long.MaxValue, long.MaxValue);

    public TimeSpan Length => Stopwatch.GetElapsedTime(Start, End);

    public bool Contains(long timestamp) => timestamp >= Start && timestamp < End;

    /// <summary>Events per second of the window.</summary>
    public double Rate(long count) => Length > TimeSpan.Zero ? count / Length.TotalSeconds : 0;
}
