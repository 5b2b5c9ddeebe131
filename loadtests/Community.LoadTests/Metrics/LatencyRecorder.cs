using System.Diagnostics;
using HdrHistogram;

namespace Community.LoadTests.Metrics;

/// <summary>
/// A latency distribution in microseconds (1 µs to 5 min, 3 significant digits) that any number of threads record
/// into without locks. Every value feeds the live view that <see cref="TakeInterval"/> drains (the per-second progress
/// line); values marked as measured also feed the run's total, which <see cref="Summarize"/> reports. Values above the
/// range are recorded as the maximum, so an extreme stall shows up as "5 min", never as an exception.
/// </summary>
public sealed class LatencyRecorder
{
    private const long LowestMicros = 1;
    private const long HighestMicros = 5L * 60 * 1_000_000;
    private const int SignificantDigits = 3;

    private readonly Recorder _live = NewRecorder();
    private readonly Recorder _measured = NewRecorder();
    private readonly Lock _readLock = new();
    private readonly HistogramBase _total = new LongHistogram(LowestMicros, HighestMicros, SignificantDigits);
    private HistogramBase? _liveRecycle;

    /// <summary>Records the time between two <see cref="Stopwatch.GetTimestamp"/> readings.</summary>
    public void Record(long startTimestamp, long endTimestamp, bool measured)
    {
        var micros = (long)Stopwatch.GetElapsedTime(startTimestamp, endTimestamp).TotalMicroseconds;
        var value = Math.Clamp(micros, LowestMicros, HighestMicros);
        _live.RecordValue(value);
        if (measured)
        {
            _measured.RecordValue(value);
        }
    }

    /// <summary>The distribution of every value recorded since the previous call.</summary>
    public LatencySummary TakeInterval()
    {
        lock (_readLock)
        {
            _liveRecycle = _live.GetIntervalHistogram(_liveRecycle);
            return LatencySummary.From(_liveRecycle);
        }
    }

    /// <summary>The distribution of every measured value recorded so far.</summary>
    public LatencySummary Summarize()
    {
        lock (_readLock)
        {
            _total.Add(_measured.GetIntervalHistogram());
            return LatencySummary.From(_total);
        }
    }

    private static Recorder NewRecorder() =>
        HistogramFactory.With64BitBucketSize()
            .WithValuesFrom(LowestMicros)
            .WithValuesUpTo(HighestMicros)
            .WithPrecisionOf(SignificantDigits)
            .WithThreadSafeWrites()
            .WithThreadSafeReads()
            .Create();
}

/// <summary>A latency distribution in milliseconds.</summary>
public sealed record LatencySummary(long Count, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs)
{
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0, 0);

    public static LatencySummary From(HistogramBase histogram)
    {
        if (histogram.TotalCount == 0)
        {
            return Empty;
        }

        return new LatencySummary(
            histogram.TotalCount,
            Millis(histogram.GetValueAtPercentile(50)),
            Millis(histogram.GetValueAtPercentile(90)),
            Millis(histogram.GetValueAtPercentile(99)),
            Millis(histogram.GetValueAtPercentile(99.9)),
            Millis(histogram.GetMaxValue()));
    }

    /// <summary>p50/p90/p99/p99.9/max in one line, for the console.</summary>
    public string Describe() => Count == 0
        ? "no samples"
        : FormattableString.Invariant($"p50 {P50Ms:0.00}  p90 {P90Ms:0.00}  p99 {P99Ms:0.00}  p99.9 {P999Ms:0.00}  max {MaxMs:0.00} ms  (n={Count})");

    private static double Millis(long micros) => Math.Round(micros / 1000.0, 3);
}
