using System.CommandLine;
using System.Globalization;
using Community.LoadTests.Cli;
using Community.LoadTests.Client;
using Community.LoadTests.Metrics;
using Community.LoadTests.Report;
using Community.LoadTests.Servers;
using Community.LoadTests.Workload;

namespace Community.LoadTests.Scenarios;

/// <summary>
/// <c>compare</c>: the live-room step run against several systems, one after the other, in one run on this machine.
/// For each system the driver starts the server from its build on free ports, runs the step search, and stops it;
/// then it writes one folder with each system's JSON, a combined <c>comparison.json</c>, <c>summary.md</c> and
/// <c>chart.svg</c> (one line per system).
/// </summary>
public static class CompareCommand
{
    public const string Name = "compare";

    private static readonly TimeSpan LaunchAllowance = TimeSpan.FromSeconds(80);

    public static Command Create(CommonOptions common)
    {
        var targets = new Option<string>("--targets")
        {
            Description = "Comma-separated systems to compare, in this order: community, signalr, socketio, community-azurite (Community on an Azurite the driver starts, data on disk as scripts/run.sh keeps it, beside the in-memory one in the same run) and community-azurite-memory (the same with Azurite's --inMemoryPersistence: no periodic rewrite of its data file).",
            DefaultValueFactory = _ => "signalr,socketio,community",
        };
        var live = new LiveRoomSettings.Options();
        var run = new RunSettings.Options(rate: 100, duration: 20, "Unused by compare (it always steps)");
        var command = new Command(
            Name,
            "Runs the live-room step search against each system (started and stopped by the driver) and writes one report "
            + "with a chart of throughput and p99 against offered rate, one line per system.");
        command.Options.Add(targets);
        command.Options.Add(common.ResultsDirectory);
        command.Options.Add(common.Storage);
        command.Options.Add(common.Receiver);
        live.AddTo(command);
        run.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var azurite = parse.GetValue(common.Storage) == "azurite";
            var systems = new List<Target>();
            foreach (var name in parse.GetRequiredValue(targets).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (name.Equals(AzuriteTarget, StringComparison.OrdinalIgnoreCase) || name.Equals(AzuriteMemoryTarget, StringComparison.OrdinalIgnoreCase))
                {
                    var inMemory = name.Equals(AzuriteMemoryTarget, StringComparison.OrdinalIgnoreCase);
                    systems.Add(new Target(SystemKind.Community, Azurite: true, inMemory ? AzuriteMemoryTarget : AzuriteTarget, inMemory));
                    continue;
                }

                if (!CommonOptions.TryParseSystem(name, out var system))
                {
                    await Console.Error.WriteLineAsync($"--targets: unknown system '{name}' (community, signalr, socketio, {AzuriteTarget}, {AzuriteMemoryTarget}).");
                    return 1;
                }

                systems.Add(new Target(system, azurite && system == SystemKind.Community, null));
            }

            var settings = run.Read(parse);
            settings = settings with { Step = settings.Step ?? StepFromOptions(parse, run) };
            return await RunAsync(
                systems, live.Read(parse), settings, parse.GetRequiredValue(common.ResultsDirectory), azurite, cancellationToken, parse.GetValue(common.Receiver));
        });
        return command;
    }

    /// <param name="azurite">Community on Azurite (started by the driver) instead of in-memory storage.</param>
    /// <param name="receiver">What receives on the SignalR systems' connections (the Socket.IO peer keeps its own client).</param>
    public static Task<int> RunAsync(
        IReadOnlyList<SystemKind> systems,
        LiveRoomSettings live,
        RunSettings run,
        DirectoryInfo results,
        bool azurite,
        CancellationToken cancellationToken,
        ReceiverKind receiver = ReceiverKind.Raw) =>
        RunAsync(systems.Select(s => new Target(s, azurite && s == SystemKind.Community, null)).ToList(), live, run, results, azurite, cancellationToken, receiver);

    private static async Task<int> RunAsync(
        IReadOnlyList<Target> systems,
        LiveRoomSettings live,
        RunSettings run,
        DirectoryInfo results,
        bool azurite,
        CancellationToken cancellationToken,
        ReceiverKind receiver = ReceiverKind.Raw)
    {
        using var stop = new CancellationTokenSource();
        using var relay = cancellationToken.Register(() => ThreadPool.QueueUserWorkItem(static s => s.Cancel(), stop, preferLocal: false));
        var startedAt = DateTimeOffset.UtcNow;
        var folder = ResultsWriter.RunDirectory(results, "compare-live-room", startedAt);
        var context = new List<string>
        {
            Invariant($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; load average at the start {LoadAverage()}"),
            Invariant($"live room: {live.Viewers} viewers, {live.Chatters} chatters; steps of {run.StepWarmup.TotalSeconds:0.#} s warm-up + {run.StepDuration.TotalSeconds:0.#} s measured, from {run.Step!.StartRate:0.#}/s × {run.Step.Factor:0.##}, p99 bound {run.Step.P99BoundMs:0} ms"),
            Invariant($"driver and server share the machine: read the driver CPU columns before blaming a server; receiver on the SignalR systems: {HubClients.Name(receiver)}"),
            Invariant($"Community's storage: {(azurite ? "Azurite (started by the driver)" : "in memory")} ({AzuriteTarget}: Azurite started by the driver, fresh, data on disk; {AzuriteMemoryTarget}: the same, data in memory); its per-user write and chat limits raised (see loadtests/README.md)"),
        };
        var reports = new List<LoadReport>();
        foreach (var system in systems)
        {
            if (stop.IsCancellationRequested)
            {
                break;
            }

            Console.Error.WriteLine($"=== {system.Label ?? DriverContext.Name(system.System)} ===");
            var report = await RunOneAsync(system.System, receiver, live, run, folder, system.Azurite, stop.Token, system.Label, system.AzuriteInMemory);
            report.WriteSummary(Console.Out);
            await ResultsWriter.WriteJsonAsync(Path.Combine(folder.FullName, $"live-room-{report.System}.json"), report, CancellationToken.None);
            reports.Add(report);
        }

        context.Add(Invariant($"load average at the end {LoadAverage()}"));
        var comparison = new Comparison(
            "Live room: highest sustained delivery rate, same machine, same driver, one run",
            Invariant($"Live room ({live.Viewers} viewers, {live.Chatters} chatters): throughput and p99 against offered chat rate"),
            startedAt,
            run.Step.P99BoundMs,
            context,
            reports);
        await ResultsWriter.WriteJsonAsync(Path.Combine(folder.FullName, "comparison.json"), comparison, CancellationToken.None);
        await WriteViewsAsync(comparison, folder);

        Console.Out.WriteLine();
        foreach (var r in reports)
        {
            Console.Out.WriteLine(Invariant(
                $"{r.System,-10} highest sustained {(r.Step?.HighestSustainedRate is { } best ? $"{best:0.#} msgs/s ({r.Step.HighestSustainedDeliveriesPerSecond:0} deliveries/s)" : "none")}  {r.Failure ?? r.Step?.StopReason}"));
        }

        Console.Out.WriteLine($"results: {folder.FullName}");
        return reports.Count == systems.Count && reports.TrueForAll(r => r.Passed) ? ScenarioRunner.Passed : ScenarioRunner.NotPassed;
    }

    /// <summary><c>summary.md</c> and <c>chart.svg</c> of a comparison (also re-made from its JSON by <c>render</c>).</summary>
    public static async Task WriteViewsAsync(Comparison comparison, DirectoryInfo folder)
    {
        var svg = SvgChart.Render(comparison.ChartTitle, comparison.Reports.Select(ResultsWriter.Series).ToList(), comparison.P99BoundMs, "chat msgs/s");
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "chart.svg"), svg, CancellationToken.None);
        await File.WriteAllTextAsync(
            Path.Combine(folder.FullName, "summary.md"),
            MarkdownReport.Comparison(comparison.Title, comparison.Reports, comparison.Context, "chart.svg"),
            CancellationToken.None);
    }

    /// <summary><c>render &lt;folder&gt;</c>: writes a comparison's summary and chart again from its <c>comparison.json</c>.</summary>
    public static Command CreateRender()
    {
        var folder = new Argument<DirectoryInfo>("folder") { Description = "A compare results folder (it holds comparison.json)." };
        var command = new Command("render", "Writes summary.md and chart.svg of a comparison again from its comparison.json.");
        command.Arguments.Add(folder);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var dir = parse.GetRequiredValue(folder);
            await using var file = File.OpenRead(Path.Combine(dir.FullName, "comparison.json"));
            var comparison = await System.Text.Json.JsonSerializer.DeserializeAsync<Comparison>(file, ResultsWriter.ReadJson, cancellationToken)
                ?? throw new InvalidDataException("comparison.json is empty.");
            await WriteViewsAsync(comparison, dir);
            Console.Out.WriteLine($"wrote {Path.Combine(dir.FullName, "summary.md")} and chart.svg");
            return 0;
        });
        return command;
    }

    private static async Task<LoadReport> RunOneAsync(
        SystemKind system, ReceiverKind receiver, LiveRoomSettings live, RunSettings run, DirectoryInfo folder, bool azurite, CancellationToken cancellationToken, string? label = null, bool azuriteInMemory = false)
    {
        var context = new DriverContext(new Uri("http://127.0.0.1"), folder, system, null, Launch: true) { Receiver = receiver, Label = label };
        var startedAt = DateTimeOffset.UtcNow;
        LaunchedServer? server = null;
        LaunchedServer? storage = null;
        try
        {
            string? connectionString = null;
            if (azurite)
            {
                (storage, connectionString) = await ServerLauncher.StartAzuriteAsync(folder, cancellationToken, azuriteInMemory);
            }

            server = await ServerLauncher.StartAsync(system, folder, cancellationToken, connectionString);
            Console.Error.WriteLine($"{context.SystemName} is ready at {server.Url} (pid {server.Pid}; log {server.LogPath})");
            var scenario = new LiveRoomScenario(
                live,
                context with { Url = server.Url, ServerPid = server.Pid, StorageRequests = storage is null ? null : () => storage.AccessLogLines, StoragePid = storage?.Pid },
                run);
            using var deadline = new HardDeadline(scenario.HardDeadline + LaunchAllowance);
            return (LoadReport)await scenario.RunAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A system that cannot start (not built, a port taken) is a row of the report, not the end of the comparison.
            return new LoadReport
            {
                Scenario = LiveRoomScenario.CommandName,
                System = context.SystemName,
                StartedAt = startedAt,
                FinishedAt = DateTimeOffset.UtcNow,
                Url = server?.Url.ToString() ?? "-",
                RunId = "-",
                Parameters = new LiveRoomParameters(live.Viewers, live.Chatters, live.Stalled, null, run.StepDuration.TotalSeconds, run.StepWarmup.TotalSeconds, true),
                Failure = $"{ex.GetType().Name}: {ex.Message}",
            };
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }

            if (storage is not null)
            {
                await storage.DisposeAsync();
            }
        }
    }

    private const string AzuriteTarget = "community-azurite";
    private const string AzuriteMemoryTarget = "community-azurite-memory";

    private readonly record struct Target(SystemKind System, bool Azurite, string? Label, bool AzuriteInMemory = false);

    private static StepSettings StepFromOptions(ParseResult parse, RunSettings.Options run) => new(
        parse.GetRequiredValue(run.StepStart),
        parse.GetRequiredValue(run.StepFactor),
        parse.GetRequiredValue(run.StepMaxRate),
        parse.GetRequiredValue(run.StepMaxSteps),
        parse.GetRequiredValue(run.P99Bound),
        parse.GetRequiredValue(run.StepRefine));

    /// <summary>The 1, 5 and 15 minute load averages: the machine is shared, so the report says how busy it was.</summary>
    public static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]} / {parts[1]} / {parts[2]} (1 / 5 / 15 min)";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What <c>comparison.json</c> holds.</summary>
public sealed record Comparison(string Title, string ChartTitle, DateTimeOffset StartedAt, double P99BoundMs, IReadOnlyList<string> Context, IReadOnlyList<LoadReport> Reports);
