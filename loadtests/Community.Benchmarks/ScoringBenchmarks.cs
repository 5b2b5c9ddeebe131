using BenchmarkDotNet.Attributes;
using Community.Grains.Engagement;

namespace Community.Benchmarks;

/// <summary>
/// The per-event cost of the pure scoring path: ns and allocated bytes per event. Each invocation records
/// <see cref="Events"/> events spread over simulated time (about 1,000 events a second, so buckets roll over
/// as they would on a busy post), and the results are divided by that count.
/// </summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private const int Events = 10_000;
    private static readonly long Step = TimeSpan.TicksPerMillisecond;

    private readonly EngagementTracker _tracker = new(new EngagementOptions());
    private readonly RollingWindow _window = new(TimeSpan.FromMinutes(1));
    private readonly DecayingSum _heat = new(TimeSpan.FromHours(1));
    private readonly long[] _batch = [3, 2, 1, 1, 1, 0];
    private long _now = DateTimeOffset.UtcNow.UtcTicks;

    /// <summary>One event into all four windows and the heat: what a post, creator or campaign does per event.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public void TrackerRecord()
    {
        for (var i = 0; i < Events; i++)
        {
            _now += Step;
            _tracker.Record((EngagementCounter)(i % EngagementCounters.Count), 1, _now);
        }
    }

    /// <summary>A roll-up batch of six counters at once (per batch, not per event).</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public void TrackerRecordBatch()
    {
        for (var i = 0; i < Events; i++)
        {
            _now += Step;
            _tracker.Record(_batch, _now);
        }
    }

    /// <summary>One event into one window.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public void WindowAdd()
    {
        for (var i = 0; i < Events; i++)
        {
            _now += Step;
            _window.Add(i % EngagementCounters.Count, 1, _now);
        }
    }

    /// <summary>One weighted event into the heat.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public void HeatAdd()
    {
        for (var i = 0; i < Events; i++)
        {
            _now += Step;
            _heat.Add(2, _now);
        }
    }

    /// <summary>Reading all four windows' totals for every counter (what a push does once a second).</summary>
    [Benchmark]
    public long ReadAllWindows()
    {
        Span<long> totals = stackalloc long[EngagementCounters.Count];
        long sum = 0;
        foreach (var window in _tracker.Windows)
        {
            window.Totals(_now, totals);
            sum += totals[1];
        }

        return sum;
    }
}
