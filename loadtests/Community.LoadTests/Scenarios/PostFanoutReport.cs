using System.Globalization;
using Community.LoadTests.Metrics;

namespace Community.LoadTests.Scenarios;

/// <summary>The result of one <see cref="PostFanoutScenario"/> run; serialized as is to the JSON result file.</summary>
public sealed class PostFanoutReport : IScenarioReport
{
    public string Scenario => PostFanoutScenario.Name;

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset FinishedAt { get; set; }

    public required string Url { get; init; }

    public required string RunId { get; init; }

    public string? PostId { get; set; }

    public required PostFanoutParameters Parameters { get; init; }

    /// <summary>Setup succeeded and the load and drain phases ran to their end (not cancelled, no driver failure).</summary>
    public bool Completed { get; set; }

    /// <summary>Why the run did not complete, in words.</summary>
    public string? Failure { get; set; }

    /// <summary>Completed, with nothing lost, duplicated or reordered, and no error of any kind.</summary>
    public bool Passed =>
        Completed && Delivery.Lost == 0 && Delivery.Duplicated == 0 && Delivery.OutOfOrder == 0 && Errors.Total == 0;

    public SetupFigures Setup { get; set; } = new(0, 0, 0);

    public ThroughputFigures Throughput { get; set; } = new(0, 0, 0, 0);

    public CommentFigures Comments { get; set; } = new(0, 0, 0, 0, 0, 0, 0);

    /// <summary>Send → <c>Comment()</c> returned, for comments sent in the measured window.</summary>
    public LatencySummary AckLatencyMs { get; set; } = LatencySummary.Empty;

    /// <summary>Send → <c>CommentAdded</c> received by a watcher (first delivery), for comments sent in the measured window.</summary>
    public LatencySummary DeliveryLatencyMs { get; set; } = LatencySummary.Empty;

    public DeliveryFigures Delivery { get; set; } = new(0, 0, 0, 0, 0, 0, 0, []);

    public ErrorFigures Errors { get; set; } = new(0, new Dictionary<string, long>());

    public DriverFigures Driver { get; set; } = new(Environment.ProcessorCount, LatencySummary.Empty, 0, 0, false);

    public void WriteSummary(TextWriter writer)
    {
        var p = Parameters;
        var t = Throughput;
        var c = Comments;
        var d = Delivery;
        writer.WriteLine();
        writer.WriteLine(Invariant($"{Scenario} against {Url}  run {RunId}  post {PostId ?? "-"}"));
        writer.WriteLine(Invariant(
            $"  {p.Watchers} watchers, {p.Commenters} commenters, {p.Rate:0.##} comments/s ({p.Rate / p.Commenters:0.##}/s per commenter) for {p.DurationSeconds:0.##} s after {p.WarmupSeconds:0.##} s warm-up"));
        if (Failure is not null)
        {
            writer.WriteLine($"  FAILURE: {Failure}");
        }

        writer.WriteLine(Invariant($"  setup          {Setup.Seconds:0.0} s ({Setup.WatchersConnected}/{p.Watchers} watchers, {Setup.CommentersConnected}/{p.Commenters} commenters connected)"));
        writer.WriteLine(Invariant($"  offered        {t.OfferedPerSecond,10:0.0} comments/s  ({c.SentMeasured} sent in the window, {c.Sent} in all)"));
        writer.WriteLine(Invariant($"  acked          {t.AckedPerSecond,10:0.0} writes/s    ({c.Acked} acked, {c.Failed} failed, {c.Unacked} unacknowledged)"));
        writer.WriteLine(Invariant($"  deliveries     {t.DeliveriesPerSecond,10:0.0} /s          (expected {t.ExpectedDeliveriesPerSecond:0.0} = offered x watchers)"));
        writer.WriteLine($"  ack ms         {AckLatencyMs.Describe()}");
        writer.WriteLine($"  delivery ms    {DeliveryLatencyMs.Describe()}");
        writer.WriteLine(Invariant(
            $"  lost {d.Lost}  duplicated {d.Duplicated}  out-of-order {d.OutOfOrder}  (stream ended at seq {d.ExpectedLastSeq}; watchers with loss {d.WatchersWithLoss}, disconnected {d.WatchersDisconnected})"));
        if (d.FirstMissing.Count > 0)
        {
            writer.WriteLine($"    first missing seqs of one watcher: {string.Join(", ", d.FirstMissing)}");
        }

        writer.WriteLine(Invariant($"  errors {Errors.Total}"));
        foreach (var (message, count) in Errors.ByMessage.Take(10))
        {
            writer.WriteLine(Invariant($"    {count,6} x {message}"));
        }

        writer.WriteLine(Invariant(
            $"  driver: pacing lag p99 {Driver.PacingLagMs.P99Ms:0.00} ms, max {Driver.PacingLagMs.MaxMs:0.00} ms; CPU {Driver.CpuCoresUsed:0.00} of {Driver.ProcessorCount} cores in the window; thread-pool queue max {Driver.ThreadPoolQueueMax}{(Driver.CloseTimedOut ? "; closing connections timed out" : "")}"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

public sealed record PostFanoutParameters(
    int Watchers,
    int Commenters,
    double Rate,
    double DurationSeconds,
    double WarmupSeconds,
    double DrainSeconds,
    double SetupTimeoutSeconds)
{
    public static PostFanoutParameters From(PostFanoutSettings s) => new(
        s.Watchers, s.Commenters, s.Rate, s.Duration.TotalSeconds, s.Warmup.TotalSeconds, s.Drain.TotalSeconds, s.SetupTimeout.TotalSeconds);
}

public sealed record SetupFigures(double Seconds, int WatchersConnected, int CommentersConnected);

/// <summary>Rates over the measured window: sends due in it, acks and deliveries that happened in it.</summary>
public sealed record ThroughputFigures(
    double OfferedPerSecond,
    double AckedPerSecond,
    double DeliveriesPerSecond,
    double ExpectedDeliveriesPerSecond);

/// <summary>
/// Counts over the whole run (warm-up included) except <see cref="SentMeasured"/>. <see cref="Unacked"/>: no answer by
/// the end of the drain period. <see cref="ServerLastSeq"/>: the post's last seq as the server reported it at the end
/// (-1 when that read failed).
/// </summary>
public sealed record CommentFigures(long Sent, long SentMeasured, long Acked, long Failed, long Unacked, long MaxAckedSeq, long ServerLastSeq);

/// <summary>
/// Sums over all watchers. A watcher should receive every seq from 1 to <see cref="ExpectedLastSeq"/> (the highest
/// seq acknowledged, seen by any watcher or reported by the server) exactly once and in order.
/// </summary>
public sealed record DeliveryFigures(
    long ExpectedLastSeq,
    long Delivered,
    long Lost,
    long Duplicated,
    long OutOfOrder,
    int WatchersWithLoss,
    int WatchersDisconnected,
    IReadOnlyList<long> FirstMissing);

public sealed record ErrorFigures(long Total, IReadOnlyDictionary<string, long> ByMessage);

/// <summary>
/// How well the driver kept up: how late sends went out against the schedule, its CPU use in the window, and the longest
/// thread-pool queue seen at a progress tick (thousands mean the driver, not the server, was behind).
/// </summary>
public sealed record DriverFigures(int ProcessorCount, LatencySummary PacingLagMs, double CpuCoresUsed, long ThreadPoolQueueMax, bool CloseTimedOut);
