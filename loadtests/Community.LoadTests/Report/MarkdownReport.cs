using System.Globalization;
using System.Text;
using Community.LoadTests.Metrics;

namespace Community.LoadTests.Report;

/// <summary>The Markdown summary of a run (<c>summary.md</c>) and of a comparison of several systems.</summary>
public static class MarkdownReport
{
    public static string Single(LoadReport report, string? chartFile)
    {
        var md = new StringBuilder();
        md.AppendLine(Invariant($"# {report.Scenario} against {report.System}"));
        md.AppendLine();
        Header(md, report);
        if (chartFile is not null)
        {
            md.AppendLine(Invariant($"![throughput and p99 against offered rate]({chartFile})"));
            md.AppendLine();
        }

        PhaseTable(md, report);
        Details(md, report);
        return md.ToString();
    }

    public static string Comparison(string title, IReadOnlyList<LoadReport> reports, IReadOnlyList<string> context, string chartFile)
    {
        var md = new StringBuilder();
        md.AppendLine(Invariant($"# {title}"));
        md.AppendLine();
        foreach (var line in context)
        {
            md.AppendLine(Invariant($"- {line}"));
        }

        md.AppendLine();
        md.AppendLine("| system | highest sustained rate (msgs/s sent) | deliveries/s there | p99 there (ms) | server CPU there (cores) | driver CPU there (cores) | CPU µs per delivery there (server / driver) | server resident peak (MiB) | lost / dup / out of order (all steps) | why it stopped |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
        foreach (var r in reports)
        {
            var best = BestStep(r);
            var lost = r.Phases.Sum(p => p.Delivery.Lost);
            var dup = r.Phases.Sum(p => p.Delivery.Duplicated);
            var ooo = r.Phases.Sum(p => p.Delivery.OutOfOrder);
            md.AppendLine(Invariant(
                $"| {r.System} | {(r.Step?.HighestSustainedRate is { } rate ? rate.ToString("0.#", CultureInfo.InvariantCulture) : "none")} | {Num(best?.Throughput.DeliveriesPerSecond)} | {Num(best?.DeliveryLatencyMs.P99Ms, "0.0")} | {LoadReport.Cpu(best?.Server)} | {Num(best?.Driver.CpuCoresUsed, "0.00")} | {PerDelivery(best)} | {LoadReport.Mib(best?.Server)} | {lost} / {dup} / {ooo} | {Cell(r.Failure ?? r.Step?.StopReason ?? "")} |"));
        }

        md.AppendLine();
        foreach (var r in reports)
        {
            if (Saturation(r) is { } note)
            {
                md.AppendLine(Invariant($"- **{r.System}**: {note}"));
            }

            if (BestStep(r) is { } best)
            {
                md.AppendLine(Invariant($"- **{r.System}**, driver ({r.Receiver ?? "-"} receiver): {CpuVerdict.Driver(best)}"));
            }
        }

        md.AppendLine();
        EqualRateTable(md, reports);
        md.AppendLine(Invariant($"![throughput and p99 against offered rate, one line per system]({chartFile})"));
        md.AppendLine();
        foreach (var r in reports)
        {
            md.AppendLine(Invariant($"## {r.System}"));
            md.AppendLine();
            Header(md, r);
            PhaseTable(md, r);
            Details(md, r);
        }

        return md.ToString();
    }

    /// <summary>
    /// Whether the step that failed above the best one had the machine's CPU nearly all taken by driver and server
    /// together: then the limit found is the machine's, and the server's own is at least that.
    /// </summary>
    public static string? Saturation(LoadReport r)
    {
        if (r.Step?.HighestSustainedRate is not { } best)
        {
            return null;
        }

        var failed = r.Phases.Where(p => p.Rate > best).OrderBy(p => p.Rate).FirstOrDefault();
        if (failed?.Server is not { } server)
        {
            return null;
        }

        var used = failed.Driver.CpuCoresUsed + server.CpuCoresUsed + (failed.Storage?.CpuCoresUsed ?? 0);
        var cores = failed.Driver.ProcessorCount;
        if (r.System == "socketio" && server.CpuCoresUsed >= 0.75)
        {
            return Invariant($"at {failed.Rate:0.#}/s the server used {server.CpuCoresUsed:0.00} cores: Node.js runs the relay on one thread, which was close to a full core (the driver used {failed.Driver.CpuCoresUsed:0.00} of {cores})");
        }

        var driverBound = failed.Driver.CpuCoresUsed > DriverFigures.CoreShareBound;
        return true switch
        {
            // The driver's receivers slept part of the failed step and cost less per delivery than the server did.
            _ when CpuVerdict.ReceiversKeptUp(failed) => Invariant(
                $"at {failed.Rate:0.#}/s the server used {server.CpuCoresUsed:0.00} cores and the driver {failed.Driver.CpuCoresUsed:0.00}{(failed.Storage?.CpuCoresUsed is { } st1 ? $", Azurite {st1:0.00}" : "")}, its receiving threads busy {failed.Driver.ReceiverBusy:0%} of the window and cheaper per delivery than the server: the driver kept up, the system under test was the limit{(failed.Storage?.CpuCoresUsed is not null ? " (the server and its storage)" : "")}"),
            // Nearly every core busy and the driver a small part of it: the server had all the machine could give it.
            _ when used >= 0.85 * cores && !driverBound => Invariant(
                $"at {failed.Rate:0.#}/s the server used {server.CpuCoresUsed:0.00} cores and the driver only {failed.Driver.CpuCoresUsed:0.00}{(failed.Storage?.CpuCoresUsed is { } st0 ? $", Azurite {st0:0.00}" : "")} of {cores}: the server was the limit, on the CPU this machine leaves it"),
            _ when used >= 0.85 * cores => Invariant(
                $"at {failed.Rate:0.#}/s the driver ({failed.Driver.CpuCoresUsed:0.00} cores), the server ({server.CpuCoresUsed:0.00}){(failed.Storage?.CpuCoresUsed is { } st ? $" and Azurite ({st:0.00})" : "")} took {used:0.00} of {cores} cores, the driver more than {DriverFigures.CoreShareBound:0%} of a core: the machine, not only the server, was the limit, so the server's own limit is at least {best:0.#}/s"),
            _ when server.CpuCoresUsed < 0.75 * (cores - failed.Driver.CpuCoresUsed - (failed.Storage?.CpuCoresUsed ?? 0)) => Invariant(
                $"at {failed.Rate:0.#}/s the server used only {server.CpuCoresUsed:0.00} cores (the driver {failed.Driver.CpuCoresUsed:0.00}{(failed.Storage?.CpuCoresUsed is { } st2 ? $", Azurite {st2:0.00}" : "")} of {cores}) while only {failed.Throughput.AckedPerSecond:0} writes/s were acknowledged, at p99 {failed.AckLatencyMs.P99Ms:0} ms: the server was the limit, but not its CPU; look for a serialization point (one grain or lock for the whole room) or a queue"),
            _ => Invariant($"at {failed.Rate:0.#}/s the server used {server.CpuCoresUsed:0.00} cores and the driver {failed.Driver.CpuCoresUsed:0.00} of {cores}: the server was the limit"),
        };
    }

    /// <summary>Server and driver CPU microseconds per delivery at a phase.</summary>
    private static string PerDelivery(PhaseFigures? p) => p is null
        ? "-"
        : Invariant($"{Num(p.Server is { } s ? CpuVerdict.MicrosPerDelivery(s.CpuCoresUsed, p.Throughput.DeliveriesPerSecond) : null, "0.00")} / {Num(p.Driver.CpuMicrosPerDelivery, "0.00")}");

    /// <summary>Server CPU and p99 of each system at each rate all of them ran: cost at equal load, whatever the limits.</summary>
    private static void EqualRateTable(StringBuilder md, IReadOnlyList<LoadReport> reports)
    {
        var rates = reports.Where(r => r.Phases.Count > 0).Select(r => r.Phases.Select(p => p.Rate).ToHashSet()).ToList();
        if (rates.Count < 2)
        {
            return;
        }

        var common = rates.Aggregate((a, b) => [.. a.Intersect(b)]).Order().ToList();
        var shown = reports.Where(r => r.Phases.Count > 0).ToList();
        md.AppendLine("At equal offered rate (server CPU in cores / p99 delivery latency in ms):");
        md.AppendLine();
        md.AppendLine($"| msgs/s | {string.Join(" | ", shown.Select(r => r.System))} |");
        md.AppendLine($"| ---: |{string.Concat(shown.Select(_ => " ---: |"))}");
        foreach (var rate in common)
        {
            var cells = shown.Select(r => r.Phases.First(p => p.Rate == rate)).Select(p => Invariant($"{LoadReport.Cpu(p.Server)} / {p.DeliveryLatencyMs.P99Ms:0.0}"));
            md.AppendLine(Invariant($"| {rate:0.#} | {string.Join(" | ", cells)} |"));
        }

        md.AppendLine();
    }

    /// <summary>The step at the highest sustained rate (or the only phase of a single run).</summary>
    public static PhaseFigures? BestStep(LoadReport report)
    {
        if (report.Step is null)
        {
            return report.Phases.FirstOrDefault();
        }

        return report.Step.HighestSustainedRate is { } rate ? report.Phases.FirstOrDefault(p => p.Rate == rate) : null;
    }

    private static void Header(StringBuilder md, LoadReport r)
    {
        md.AppendLine(Invariant($"- run `{r.RunId}`, {r.StartedAt:yyyy-MM-dd HH:mm:ss} to {r.FinishedAt:HH:mm:ss} UTC, against {r.Url}"));
        md.AppendLine(Invariant($"- parameters: {ParameterText.Describe(r.Parameters)}{(r.Receiver is null ? "" : $"; receiver {r.Receiver}")}"));
        if (r.Stalled is { } stalled)
        {
            md.AppendLine(Invariant($"- {stalled.Describe()}"));
        }
        md.AppendLine(Invariant($"- setup {r.Setup.Seconds:0.0} s: {string.Join(", ", r.Setup.Connected.Select(kv => $"{kv.Value}/{r.Setup.Expected.GetValueOrDefault(kv.Key)} {kv.Key}"))}"));
        if (r.Server is { } server)
        {
            md.AppendLine(Invariant($"- server process: pid {server.Pid} ({server.How})"));
        }

        md.AppendLine(Invariant($"- outcome: {(r.Passed ? "passed" : "NOT passed")}{(r.Failure is null ? "" : $": {r.Failure}")}"));
        if (r.Step is { } step)
        {
            md.AppendLine(step.HighestSustainedRate is { } best
                ? Invariant($"- **highest sustained rate: {best:0.#} writes/s** ({step.HighestSustainedDeliveriesPerSecond:0} deliveries/s) at p99 ≤ {step.Settings.P99BoundMs:0} ms with nothing lost; {step.StopReason}")
                : Invariant($"- no step sustained its rate: {step.StopReason}"));
        }

        md.AppendLine();
    }

    private static void PhaseTable(StringBuilder md, LoadReport r)
    {
        md.AppendLine("| rate/s | offered/s | acked/s | delivered/s | expected/s | ack p99 ms | p50 ms | p90 ms | p99 ms | max ms | lost | dup | ooo | errors | server CPU | server MiB (peak) | storage calls per write | storage CPU | driver CPU | CPU µs per delivery (server / driver) | verdict |");
        md.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        for (var i = 0; i < r.Phases.Count; i++)
        {
            var p = r.Phases[i];
            var verdict = r.Step is { } s && i < s.Verdicts.Count ? s.Verdicts[i].Reason : p.Clean ? "clean" : "not clean";
            var d = p.DeliveryLatencyMs;
            md.AppendLine(Invariant(
                $"| {p.Rate:0.#} | {p.Throughput.OfferedPerSecond:0.#} | {p.Throughput.AckedPerSecond:0.#} | {p.Throughput.DeliveriesPerSecond:0} | {p.Throughput.ExpectedDeliveriesPerSecond:0} | {p.AckLatencyMs.P99Ms:0.0} | {d.P50Ms:0.0} | {d.P90Ms:0.0} | {d.P99Ms:0.0} | {d.MaxMs:0.0} | {p.Delivery.Lost} | {p.Delivery.Duplicated} | {p.Delivery.OutOfOrder} | {p.Errors.Total} | {LoadReport.Cpu(p.Server)} | {LoadReport.Mib(p.Server)} | {(p.Storage is { } st ? st.PerAckedWrite.ToString("0.###", CultureInfo.InvariantCulture) : "-")} | {(p.Storage?.CpuCoresUsed is { } sc ? sc.ToString("0.00", CultureInfo.InvariantCulture) : "-")} | {p.Driver.CpuCoresUsed:0.00} | {PerDelivery(p)} | {Cell(verdict)} |"));
        }

        md.AppendLine();
    }

    private static void Details(StringBuilder md, LoadReport r)
    {
        var errors = r.Phases.SelectMany(p => p.Errors.ByMessage)
            .GroupBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(g => (Message: g.Key, Count: g.Sum(kv => kv.Value)))
            .OrderByDescending(e => e.Count)
            .Take(10)
            .ToList();
        if (errors.Count > 0)
        {
            md.AppendLine("Errors (all phases):");
            md.AppendLine();
            foreach (var (message, count) in errors)
            {
                md.AppendLine(Invariant($"- {count} × `{message.Replace('`', '\'')}`"));
            }

            md.AppendLine();
        }

        if (r.Extra is not null)
        {
            md.AppendLine("Scenario figures:");
            md.AppendLine();
            md.AppendLine("```");
            if (r.Extra is IExtraFigures extra)
            {
                using var text = new StringWriter(CultureInfo.InvariantCulture);
                extra.WriteSummary(text);
                md.Append(text.ToString());
            }

            md.AppendLine("```");
            md.AppendLine();
        }

        foreach (var note in r.Notes)
        {
            md.AppendLine(Invariant($"> {note}"));
            md.AppendLine();
        }
    }

    private static string Num(double? value, string format = "0") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Cell(string text) => text.Replace('|', '/').Replace('\n', ' ');

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
