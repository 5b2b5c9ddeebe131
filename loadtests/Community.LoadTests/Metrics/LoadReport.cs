using System.Globalization;
using Community.LoadTests.Workload;

namespace Community.LoadTests.Metrics;

/// <summary>
/// The result of one scenario run against one system: a single phase, or the steps of a step run. Serialized as is
/// to <c>result.json</c>; <see cref="WriteSummary"/> is the console view, <c>Report/MarkdownReport</c> the Markdown one.
/// </summary>
public sealed class LoadReport : IScenarioReport
{
    public required string Scenario { get; init; }

    /// <summary>The system under test: <c>community</c>, <c>signalr</c> (the bare peer) or <c>socketio</c>.</summary>
    public required string System { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset FinishedAt { get; set; }

    public required string Url { get; init; }

    public required string RunId { get; init; }

    /// <summary>What received on the hub connections: <c>raw</c> or <c>signalr</c> (null where it does not apply).</summary>
    public string? Receiver { get; init; }

    /// <summary>The scenario's knobs as given on the command line.</summary>
    public required object Parameters { get; init; }

    /// <summary>
    /// The clients that joined and then stopped reading (<c>live-room --stalled</c>), and how many the server had closed
    /// by the end; null when the run had none (or ended before they were checked).
    /// </summary>
    public StalledFigures? Stalled { get; set; }

    /// <summary>Setup succeeded and every phase ran to its end (not cancelled, no driver failure).</summary>
    public bool Completed { get; set; }

    /// <summary>Why the run did not complete, in words.</summary>
    public string? Failure { get; set; }

    public SetupFigures Setup { get; set; } = new(0, new Dictionary<string, int>(), new Dictionary<string, int>());

    /// <summary>One entry per phase: the run itself, or each step of a step run in the order they ran.</summary>
    public List<PhaseFigures> Phases { get; } = [];

    /// <summary>The step search; null for a run at one rate.</summary>
    public StepFigures? Step { get; set; }

    /// <summary>Scenario-specific figures (e.g. the campaign's consistency), or null.</summary>
    public object? Extra { get; set; }

    /// <summary>The server process the driver measured; null when it had no pid (<c>--server-pid</c> or <c>--launch</c>).</summary>
    public ServerInfo? Server { get; set; }

    public List<string> Notes { get; } = [];

    /// <summary>
    /// A run at one rate passes when it completed clean (nothing lost, duplicated or reordered, no error). A step run
    /// passes when it completed and some step sustained its rate.
    /// </summary>
    public bool Passed => Completed && Phases.Count > 0 && (Extra is not IExtraFigures extra || extra.Clean)
        && (Step is null ? Phases.TrueForAll(p => p.Clean) : Step.HighestSustainedRate is not null);

    public void WriteSummary(TextWriter writer)
    {
        writer.WriteLine();
        writer.WriteLine(Invariant($"{Scenario} against {System} at {Url}  run {RunId}"));
        writer.WriteLine($"  parameters: {ParameterText.Describe(Parameters)}{(Receiver is null ? "" : $"; receiver {Receiver}")}");
        if (Stalled is not null)
        {
            writer.WriteLine($"  {Stalled.Describe()}");
        }
        if (Failure is not null)
        {
            writer.WriteLine($"  FAILURE: {Failure}");
        }

        writer.WriteLine(Invariant($"  setup {Setup.Seconds:0.0} s: {string.Join(", ", Setup.Connected.Select(kv => $"{kv.Value}/{Setup.Expected.GetValueOrDefault(kv.Key)} {kv.Key}"))}"));
        if (Step is null)
        {
            foreach (var phase in Phases)
            {
                WritePhase(writer, phase);
            }
        }
        else
        {
            writer.WriteLine("   rate/s  offered/s   acked/s  delivered/s  p50 ms  p99 ms  max ms  lost dup ooo errs  server cpu  server MiB  driver cpu  driver µs/dlv  verdict");
            for (var i = 0; i < Phases.Count; i++)
            {
                var p = Phases[i];
                var verdict = i < Step.Verdicts.Count ? Step.Verdicts[i] : null;
                writer.WriteLine(Invariant(
                    $"  {p.Rate,7:0.#} {p.Throughput.OfferedPerSecond,10:0.#} {p.Throughput.AckedPerSecond,9:0.#} {p.Throughput.DeliveriesPerSecond,12:0} {p.DeliveryLatencyMs.P50Ms,7:0.0} {p.DeliveryLatencyMs.P99Ms,7:0.0} {p.DeliveryLatencyMs.MaxMs,7:0} {p.Delivery.Lost,5} {p.Delivery.Duplicated,3} {p.Delivery.OutOfOrder,3} {p.Errors.Total,4} {Cpu(p.Server),11} {Mib(p.Server),11} {p.Driver.CpuCoresUsed,11:0.00} {Micros(p.Driver.CpuMicrosPerDelivery),14}  {verdict?.Reason}"));
            }

            writer.WriteLine(Step.HighestSustainedRate is { } best
                ? Invariant($"  highest sustained rate: {best:0.#} writes/s = {Step.HighestSustainedDeliveriesPerSecond:0} deliveries/s at p99 ≤ {Step.Settings.P99BoundMs:0} ms ({Step.StopReason})")
                : $"  no step sustained its rate ({Step.StopReason})");
            if (Report.MarkdownReport.BestStep(this) is { } best2)
            {
                writer.WriteLine($"  driver: {CpuVerdict.Driver(best2)}");
            }

            if (Report.MarkdownReport.Saturation(this) is { } saturation)
            {
                writer.WriteLine($"  limit: {saturation}");
            }
        }

        if (Extra is IExtraFigures extra)
        {
            extra.WriteSummary(writer);
        }

        foreach (var note in Notes)
        {
            writer.WriteLine($"  note: {note}");
        }
    }

    private static void WritePhase(TextWriter writer, PhaseFigures p)
    {
        var t = p.Throughput;
        var s = p.Sends;
        var d = p.Delivery;
        if (p.Failure is not null)
        {
            writer.WriteLine($"  phase did not complete: {p.Failure}");
        }

        writer.WriteLine(Invariant($"  offered        {t.OfferedPerSecond,10:0.0} writes/s  ({s.SentMeasured} sent in the window, {s.Sent} in all)"));
        writer.WriteLine(Invariant($"  acked          {t.AckedPerSecond,10:0.0} writes/s  ({s.Acked} acked, {s.Failed} failed, {s.Unacked} unacknowledged)"));
        writer.WriteLine(Invariant($"  deliveries     {t.DeliveriesPerSecond,10:0.0} /s        (expected {t.ExpectedDeliveriesPerSecond:0.0} = offered x receivers per stream)"));
        writer.WriteLine($"  ack ms         {p.AckLatencyMs.Describe()}");
        writer.WriteLine($"  delivery ms    {p.DeliveryLatencyMs.Describe()}");
        writer.WriteLine(Invariant(
            $"  lost {d.Lost}  duplicated {d.Duplicated}  out-of-order {d.OutOfOrder}  (receivers with loss {d.ReceiversWithLoss}, disconnected {d.ReceiversDisconnected})"));
        if (d.FirstMissing.Count > 0)
        {
            writer.WriteLine($"    first missing seqs of one receiver: {string.Join(", ", d.FirstMissing)}");
        }

        writer.WriteLine(Invariant($"  errors {p.Errors.Total}"));
        foreach (var (message, count) in p.Errors.ByMessage.Take(10))
        {
            writer.WriteLine(Invariant($"    {count,6} x {message}"));
        }

        if (p.Server is { } server)
        {
            writer.WriteLine(Invariant(
                $"  server (pid {server.Pid}): CPU {server.CpuCoresUsed:0.00} cores; resident {server.ResidentBytesAtStart / 1048576.0:0} MiB at the window's start, {server.ResidentBytesAtEnd / 1048576.0:0} MiB at its end, peak {server.ResidentBytesPeak / 1048576.0:0} MiB"));
        }

        if (p.Storage is { } storage)
        {
            writer.WriteLine(Invariant($"  storage: {storage.Requests} requests in the window, {storage.PerAckedWrite:0.###} per acknowledged write; Azurite CPU {storage.CpuCoresUsed?.ToString("0.00", CultureInfo.InvariantCulture) ?? "-"} cores"));
        }

        writer.WriteLine(Invariant(
            $"  driver: pacing lag p99 {p.Driver.PacingLagMs.P99Ms:0.00} ms, max {p.Driver.PacingLagMs.MaxMs:0.00} ms; CPU {p.Driver.CpuCoresUsed:0.00} of {p.Driver.ProcessorCount} cores in the window, {Micros(p.Driver.CpuMicrosPerDelivery)} µs per delivery; thread-pool queue max {p.Driver.ThreadPoolQueueMax}{(p.Driver.CloseTimedOut ? "; closing connections timed out" : "")}"));
        writer.WriteLine($"  {CpuVerdict.Driver(p)}");
    }

    internal static string Micros(double? micros) => micros is { } m ? Invariant($"{m:0.00}") : "-";

    internal static string Cpu(ServerFigures? server) => server is null ? "-" : Invariant($"{server.CpuCoresUsed:0.00}");

    internal static string Mib(ServerFigures? server) => server is null ? "-" : Invariant($"{server.ResidentBytesPeak / 1048576.0:0}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>How long setup took and how many connections of each role came up (of how many asked for).</summary>
public sealed record SetupFigures(double Seconds, IReadOnlyDictionary<string, int> Connected, IReadOnlyDictionary<string, int> Expected);

/// <summary>The step search: its settings, each step's verdict (same order as the phases), and the answer.</summary>
public sealed record StepFigures(
    StepSettings Settings,
    IReadOnlyList<StepVerdict> Verdicts,
    double? HighestSustainedRate,
    double? HighestSustainedDeliveriesPerSecond,
    string? StopReason);

public sealed record ServerInfo(int Pid, string How);

/// <summary>Scenario-specific figures that print themselves in the console summary.</summary>
public interface IExtraFigures
{
    /// <summary>The scenario's own integrity checks held.</summary>
    bool Clean { get; }

    void WriteSummary(TextWriter writer);
}

/// <summary>Parameters records, printed as <c>name value, …</c> for the console and Markdown.</summary>
public static class ParameterText
{
    public static string Describe(object parameters) => parameters is System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Object } json
        ? string.Join(", ", json.EnumerateObject().Select(p => $"{p.Name} {p.Value}"))
        : string.Join(", ", parameters.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0).Select(p => $"{p.Name} {Format(p.GetValue(parameters))}"));

    private static string Format(object? value) => value switch
    {
        null => "-",
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "-",
    };
}
