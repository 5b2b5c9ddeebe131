using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Community.LoadTests.Report;

namespace Community.LoadTests.Metrics;

/// <summary>What every scenario's result has: written as JSON and as a console summary.</summary>
public interface IScenarioReport
{
    string Scenario { get; }

    DateTimeOffset StartedAt { get; }

    /// <summary>True when the run completed and the scenario's integrity checks held; decides the exit code.</summary>
    bool Passed { get; }

    /// <summary>The human-readable summary, a few lines.</summary>
    void WriteSummary(TextWriter writer);
}

/// <summary>
/// Writes a run's result to its own folder, <c>loadtests/results/&lt;scenario&gt;-&lt;system&gt;-&lt;UTC timestamp&gt;/</c>:
/// <c>result.json</c> for machines, <c>summary.md</c> for people, and <c>chart.svg</c> for a step run.
/// </summary>
public static class ResultsWriter
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>For reading reports back: get-only collections (a report's phases, notes) are filled in place.</summary>
    public static readonly JsonSerializerOptions ReadJson = new(Json)
    {
        PreferredObjectCreationHandling = JsonObjectCreationHandling.Populate,
    };

    /// <summary>
    /// <c>loadtests/results</c> of the checkout the driver was built in (found by walking up from the binary), so results
    /// land in the same git-ignored folder whatever the current directory; <c>./loadtests/results</c> otherwise.
    /// </summary>
    public static DirectoryInfo DefaultDirectory() =>
        new(Path.Combine(RepoPaths.LoadTests?.FullName ?? Path.Combine(Environment.CurrentDirectory, "loadtests"), "results"));

    /// <summary>A new folder for one run, named after what ran and when (UTC).</summary>
    public static DirectoryInfo RunDirectory(DirectoryInfo results, string name, DateTimeOffset startedAt)
    {
        var stamp = startedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var dir = new DirectoryInfo(Path.Combine(results.FullName, $"{name}-{stamp}"));
        for (var n = 2; dir.Exists; n++)
        {
            dir = new DirectoryInfo(Path.Combine(results.FullName, $"{name}-{stamp}-{n}"));
        }

        dir.Create();
        return dir;
    }

    public static async Task<string> WriteAsync(IScenarioReport report, DirectoryInfo results, CancellationToken cancellationToken)
    {
        var name = report switch
        {
            LoadReport load => $"{load.Scenario}-{load.System}",
            Scenarios.MemoryReport memory => $"{memory.Scenario}-{memory.System}",
            _ => report.Scenario,
        };
        var dir = RunDirectory(results, name, report.StartedAt);
        await WriteJsonAsync(Path.Combine(dir.FullName, "result.json"), report, cancellationToken);
        if (report is LoadReport r)
        {
            string? chart = null;
            if (r.Step is { } step)
            {
                chart = "chart.svg";
                var svg = SvgChart.Render($"{r.Scenario}: step run", [Series(r)], step.Settings.P99BoundMs);
                await File.WriteAllTextAsync(Path.Combine(dir.FullName, chart), svg, cancellationToken);
            }

            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "summary.md"), MarkdownReport.Single(r, chart), cancellationToken);
        }
        else
        {
            using var text = new StringWriter(CultureInfo.InvariantCulture);
            report.WriteSummary(text);
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "summary.md"), $"# {report.Scenario}\n\n```{text}```\n", cancellationToken);
        }

        return dir.FullName;
    }

    public static async Task WriteJsonAsync(string path, object value, CancellationToken cancellationToken)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, value, value.GetType(), Json, cancellationToken);
    }

    /// <summary>A report's steps as one chart line.</summary>
    public static ChartSeries Series(LoadReport report) => new(
        report.System,
        report.Phases.Select((p, i) => new ChartPoint(
            p.Throughput.OfferedPerSecond,
            p.Throughput.DeliveriesPerSecond,
            p.DeliveryLatencyMs.Count > 0 ? p.DeliveryLatencyMs.P99Ms : p.AckLatencyMs.P99Ms,
            report.Step is { } s && i < s.Verdicts.Count ? s.Verdicts[i].Sustained : p.Clean)).ToList());
}

/// <summary>Folders of the checkout the driver was built in, found by walking up from its binary.</summary>
public static class RepoPaths
{
    /// <summary>The <c>loadtests</c> folder, or null when the driver runs outside a checkout.</summary>
    public static DirectoryInfo? LoadTests { get; } = Find();

    /// <summary>The repository root (the parent of <c>loadtests</c>).</summary>
    public static DirectoryInfo? Root => LoadTests?.Parent;

    private static DirectoryInfo? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (dir.Name == "loadtests" && Directory.Exists(Path.Combine(dir.FullName, "Community.LoadTests")))
            {
                return dir;
            }

            var child = Path.Combine(dir.FullName, "loadtests");
            if (Directory.Exists(Path.Combine(child, "Community.LoadTests")))
            {
                return new DirectoryInfo(child);
            }
        }

        return null;
    }
}
