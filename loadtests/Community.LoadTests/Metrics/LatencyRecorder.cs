using System.Diagnostics;
using HdrHistogram;

namespace Community.LoadTests.Metrics;

/// <summary>
/// A latency distribution in microseconds (1 µs to 5 min, 3 significant digits) that any number of threads record
/// into. Every value feeds the live view that <see cref="TakeInterval"/> drains (the per-second progress line); values
/// marked as measured also feed the run's total, which <see cref="Summarize"/> reports. Values above the range are
/// recorded as the maximum, so an extreme stall shows up as "5 min", never as an exception.
/// </summary>
/// <remarks>
/// Recording is sharded by the core the caller runs on (<see cref="Thread.GetCurrentProcessorId"/>): each shard is a pair
/// of plain histograms behind a lock that only threads on that core take, so it is all but uncontended. HdrHistogram's
/// concurrent recorder costs two atomic increments on shared cache lines per value, per histogram; a receiver records
/// one value per delivery, hundreds of thousands a second from every core, and those atomics were a tenth of the
/// driver's CPU (perf, 1,500 msgs/s to 300 connections). Readers (once a second, at a phase's end) merge the shards.
/// </remarks>
public sealed class LatencyRecorder
{
    private const long LowestMicros = 1;
    private const long HighestMicros = 5L * 60 * 1_000_000;
    private const int SignificantDigits = 3;

    private readonly Shard[] _shards = CoreShards.Create(static () => new Shard());
    private readonly Lock _readLock = new();
    private readonly HistogramBase _interval = NewHistogram();
    private readonly HistogramBase _total = NewHistogram();

    /// <summary>Records the time between two <see cref="Stopwatch.GetTimestamp"/> readings.</summary>
    public void Record(long startTimestamp, long endTimestamp, bool measured)
    {
        var micros = (long)Stopwatch.GetElapsedTime(startTimestamp, endTimestamp).TotalMicroseconds;
        var value = Math.Clamp(micros, LowestMicros, HighestMicros);
        var shard = CoreShards.Current(_shards);
        lock (shard.Lock)
        {
            shard.Live.RecordValue(value);
            if (measured)
            {
                shard.Measured.RecordValue(value);
            }
        }
    }

    /// <summary>The distribution of every value recorded since the previous call.</summary>
    public LatencySummary TakeInterval()
    {
        lock (_readLock)
        {
            _interval.Reset();
            foreach (var shard in _shards)
            {
                lock (shard.Lock)
                {
                    _interval.Add(shard.Live);
                    shard.Live.Reset();
                }
            }

            return LatencySummary.From(_interval);
        }
    }

    /// <summary>The distribution of every measured value recorded so far.</summary>
    public LatencySummary Summarize()
    {
        lock (_readLock)
        {
            _total.Reset();
            foreach (var shard in _shards)
            {
                lock (shard.Lock)
                {
                    _total.Add(shard.Measured);
                }
            }

            return LatencySummary.From(_total);
        }
    }

    private static HistogramBase NewHistogram() => new LongHistogram(LowestMicros, HighestMicros, SignificantDigits);

    private sealed class Shard
    {
        public readonly Lock Lock = new();
        public readonly HistogramBase Live = NewHistogram();
        public readonly HistogramBase Measured = NewHistogram();
    }
}

/// <summary>
/// One slot per core, picked by the core the caller runs on: state that many threads update at a high rate without
/// sharing a cache line (a thread moved to another core meanwhile only makes a slot's lock briefly contended).
/// </summary>
public static class CoreShards
{
    public static T[] Create<T>(Func<T> create)
    {
        var shards = new T[Environment.ProcessorCount];
        for (var i = 0; i < shards.Length; i++)
        {
            shards[i] = create();
        }

        return shards;
    }

    public static T Current<T>(T[] shards) => shards[(uint)Thread.GetCurrentProcessorId() % (uint)shards.Length];
}

/// <summary>A count that many threads increment at a high rate: one slot per core, each on a cache line of its own.</summary>
public sealed class CoreCounter
{
    private readonly Slot[] _slots = CoreShards.Create(static () => new Slot());

    public long Sum
    {
        get
        {
            long sum = 0;
            foreach (var slot in _slots)
            {
                sum += Interlocked.Read(ref slot.Value);
            }

            return sum;
        }
    }

    public void Increment() => Interlocked.Increment(ref CoreShards.Current(_slots).Value);

    // A class per slot, so that each count sits in an object of its own, padded away from its neighbours.
    private sealed class Slot
    {
#pragma warning disable CS0169, IDE0051 // padding: keeps Value off the cache line of the next slot's
        private readonly long _p1, _p2, _p3, _p4, _p5, _p6, _p7;
#pragma warning restore CS0169, IDE0051
        public long Value;
    }
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
