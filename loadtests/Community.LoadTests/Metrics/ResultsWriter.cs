using System.Text.Json;
using System.Text.Json.Serialization;

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

/// <summary>Writes a run's result to <c>loadtests/results/&lt;scenario&gt;-&lt;UTC timestamp&gt;.json</c>.</summary>
public static class ResultsWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>
    /// <c>loadtests/results</c> of the checkout the driver was built in (found by walking up from the binary), so results
    /// land in the same git-ignored folder whatever the current directory; <c>./loadtests/results</c> otherwise.
    /// </summary>
    public static DirectoryInfo DefaultDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (dir.Name == "loadtests" && Directory.Exists(Path.Combine(dir.FullName, "Community.LoadTests")))
            {
                return new DirectoryInfo(Path.Combine(dir.FullName, "results"));
            }
        }

        return new DirectoryInfo(Path.Combine(Environment.CurrentDirectory, "loadtests", "results"));
    }

    public static async Task<string> WriteAsync(IScenarioReport report, DirectoryInfo directory, CancellationToken cancellationToken)
    {
        directory.Create();
        var stamp = report.StartedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var path = Path.Combine(directory.FullName, $"{report.Scenario}-{stamp}.json");
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, report, report.GetType(), Json, cancellationToken);
        return path;
    }
}
