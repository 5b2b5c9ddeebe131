using System.Diagnostics;
using System.Globalization;
using Community.LoadTests.Cli;
using Community.LoadTests.Client;
using Community.LoadTests.Metrics;
using Community.LoadTests.Workload;

namespace Community.LoadTests.Scenarios;

/// <summary>
/// What the stream scenarios (live room, post comments, conversations) share: a bounded setup that creates users and
/// streams and connects everyone, then either one phase at <see cref="RunSettings.Rate"/> or a step run, then closing
/// every connection. A subclass says what to set up and how one write goes out.
/// </summary>
public abstract class StreamScenario(DriverContext context, RunSettings run) : IScenario
{
    private static readonly TimeSpan HttpTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FinishTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DeadlineSlack = TimeSpan.FromSeconds(3);

    protected const int ConnectParallelism = 32;

    public abstract string Name { get; }

    public TimeSpan HardDeadline => run.SetupTimeout + run.MaxLoadTime + FinishTimeout + CloseTimeout + DeadlineSlack;

    protected DriverContext Context => context;

    protected RunSettings Run => run;

    /// <summary>The run's load engine, once <see cref="RunAsync"/> has started.</summary>
    protected StreamLoad? Load { get; private set; }

    /// <summary>The rate for the report's parameters: null for a step run (its steps say their rates).</summary>
    protected double? RateParameter => run.Step is null ? run.Rate : null;

    /// <summary>Measured seconds of the run, or of each step.</summary>
    protected double DurationParameter => (run.Step is null ? run.Duration : run.StepDuration).TotalSeconds;

    /// <summary>Warm-up seconds of the run, or of each step after the first.</summary>
    protected double WarmupParameter => (run.Step is null ? run.Warmup : run.StepWarmup).TotalSeconds;

    /// <summary>The scenario's knobs, for the report.</summary>
    protected abstract object Parameters { get; }

    /// <summary>Connections per role, as asked for.</summary>
    protected abstract IReadOnlyDictionary<string, int> ExpectedConnections { get; }

    /// <summary>Connections per role that are up now.</summary>
    protected abstract IReadOnlyDictionary<string, int> ConnectedCounts();

    /// <summary>Creates users and streams, connects and subscribes everyone (adding subscribers to <paramref name="load"/>); returns the writer.</summary>
    protected abstract Task<StreamWrite> SetUpAsync(CommunityApi api, StreamLoad load, string runId, CancellationToken cancellationToken);

    /// <summary>After the load: scenario-specific final reads into the report (bounded by the token).</summary>
    protected virtual Task FinishAsync(CommunityApi api, LoadReport report, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Closes every connection (marking subscribers as closing first).</summary>
    protected abstract Task CloseAllAsync();

    public async Task<IScenarioReport> RunAsync(CancellationToken cancellationToken)
    {
        var report = new LoadReport
        {
            Scenario = Name,
            System = context.SystemName,
            StartedAt = DateTimeOffset.UtcNow,
            Url = context.Url.ToString(),
            RunId = RunIds.New(),
            Parameters = Parameters,
            Receiver = context.System == SystemKind.SocketIo ? "socket.io client" : HubClients.Name(context.Receiver),
        };
        var server = context.ServerPid is { } pid ? new ServerProcess(pid) : null;
        if (server is not null)
        {
            report.Server = new ServerInfo(server.Pid, context.Launch ? "started by the driver" : "--server-pid");
        }

        var load = new StreamLoad(server, context.StorageRequests, context.StoragePid is { } storagePid ? new ServerProcess(storagePid) : null);
        Load = load;
        using var http = new HttpClient { BaseAddress = context.Url, Timeout = HttpTimeout };
        var api = new CommunityApi(http);
        try
        {
            var writer = await TimedSetUpAsync(api, load, report, cancellationToken);
            if (run.Step is { } step)
            {
                await RunStepsAsync(load, writer, step, report, cancellationToken);
            }
            else
            {
                report.Phases.Add(await load.RunPhaseAsync(run.Phase(run.Rate), writer, cancellationToken));
            }

            report.Completed = report.Phases.TrueForAll(p => p.Completed);
            report.Failure ??= report.Phases.FirstOrDefault(p => !p.Completed)?.Failure;
            if (!cancellationToken.IsCancellationRequested)
            {
                using var finish = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                finish.CancelAfter(FinishTimeout);
                await FinishAsync(api, report, finish.Token);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            report.Failure = "cancelled (Ctrl-C or SIGTERM): the figures cover the run up to then";
        }
        catch (Exception ex)
        {
            report.Failure = $"{ex.GetType().Name}: {ex.Message}";
        }
        finally
        {
            var closed = await CloseWithinAsync();
            if (!closed && report.Phases.Count > 0)
            {
                report.Phases[^1] = report.Phases[^1] with { Driver = report.Phases[^1].Driver with { CloseTimedOut = true } };
            }
        }

        report.FinishedAt = DateTimeOffset.UtcNow;
        return report;
    }

    private async Task<StreamWrite> TimedSetUpAsync(CommunityApi api, StreamLoad load, LoadReport report, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        Console.Error.WriteLine(Invariant(
            $"{Name}: setting up {string.Join(", ", ExpectedConnections.Select(kv => $"{kv.Value} {kv.Key}"))} against {context.SystemName} at {context.Url} (run {report.RunId})..."));
        using var setup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        setup.CancelAfter(run.SetupTimeout);
        try
        {
            return await SetUpAsync(api, load, report.RunId, setup.Token);
        }
        catch (OperationCanceledException) when (setup.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(Invariant(
                $"setup did not finish within {run.SetupTimeout.TotalSeconds:0.#} s ({Describe(ConnectedCounts())} connected); raise --setup-timeout or use fewer connections"));
        }
        finally
        {
            report.Setup = new SetupFigures(Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 2), ConnectedCounts(), ExpectedConnections);
            Console.Error.WriteLine(Invariant($"{Name}: setup took {report.Setup.Seconds:0.0} s ({Describe(report.Setup.Connected)} connected)"));
        }
    }

    private async Task RunStepsAsync(StreamLoad load, StreamWrite writer, StepSettings step, LoadReport report, CancellationToken cancellationToken)
    {
        var search = new StepSearch(step);
        var verdicts = new List<StepVerdict>();
        while (search.NextRate() is { } rate)
        {
            Console.Error.WriteLine(Invariant($"step {verdicts.Count + 1}: {rate:0.#} writes/s"));
            var phase = await load.RunPhaseAsync(run.Phase(rate, first: verdicts.Count == 0), writer, cancellationToken);
            report.Phases.Add(phase);
            var verdict = StepVerdict.Judge(phase, step);
            verdicts.Add(verdict);
            search.Record(rate, verdict.Sustained);
            Console.Error.WriteLine(Invariant($"step {verdicts.Count}: {rate:0.#} writes/s: {verdict.Reason}"));
            if (!phase.Completed)
            {
                break;
            }

            await Task.Delay(RunSettings.StepSettle, cancellationToken);
        }

        var best = search.HighestSustained;
        report.Step = new StepFigures(
            step,
            verdicts,
            best,
            best is { } b ? report.Phases.First(p => p.Rate == b).Throughput.DeliveriesPerSecond : null,
            search.StopReason ?? "stopped early");
    }

    private async Task<bool> CloseWithinAsync()
    {
        try
        {
            await CloseAllAsync().WaitAsync(CloseTimeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static string Describe(IReadOnlyDictionary<string, int> counts) =>
        string.Join(", ", counts.Select(kv => $"{kv.Value} {kv.Key}"));

    protected static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
