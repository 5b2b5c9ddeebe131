using Community.LoadTests.Cli;
using Community.LoadTests.Client;
using Community.LoadTests.Metrics;
using Community.LoadTests.Servers;
using Community.LoadTests.Workload;

namespace Community.LoadTests.Scenarios;

/// <summary>
/// What every scenario command does around the scenario itself: start the server when asked (<c>--launch</c>), the
/// deadline, the summary, the result folder, the exit code.
/// </summary>
public static class ScenarioRunner
{
    public const int Passed = 0;
    public const int NotPassed = 2;

    /// <summary>The longest a launched server may take to start and to stop, on top of the scenario's own deadline.</summary>
    private static readonly TimeSpan LaunchAllowance = TimeSpan.FromSeconds(80);

    public static async Task<int> RunAsync(Func<DriverContext, IScenario> create, DriverContext context, CancellationToken cancellationToken)
    {
        // Ctrl-C/SIGTERM cancel System.CommandLine's token from inside its signal handler, and cancelling inline ran the
        // scenario's whole continuation chain there: the process then exited at once with 143 and no result. Relayed
        // onto the pool, the cancellation lets the scenario stop sending, close its connections and report.
        using var stop = new CancellationTokenSource();
        using var relay = cancellationToken.Register(() => ThreadPool.QueueUserWorkItem(static s => s.Cancel(), stop, preferLocal: false));

        LaunchedServer? server = null;
        LaunchedServer? azurite = null;
        IScenarioReport report;
        try
        {
            if (context.Launch)
            {
                string? storage = null;
                if (context.Azurite && context.System == SystemKind.Community)
                {
                    (azurite, storage) = await ServerLauncher.StartAzuriteAsync(context.ResultsDirectory, stop.Token);
                    Console.Error.WriteLine($"Azurite is ready (pid {azurite.Pid}; log {azurite.LogPath})");
                }

                Console.Error.WriteLine($"starting {context.SystemName}...");
                server = await ServerLauncher.StartAsync(context.System, context.ResultsDirectory, stop.Token, storage);
                context = context with { Url = server.Url, ServerPid = server.Pid, StorageRequests = azurite is null ? null : () => azurite.AccessLogLines, StoragePid = azurite?.Pid };
                Console.Error.WriteLine($"{context.SystemName} is ready at {server.Url} (pid {server.Pid}; log {server.LogPath})");
            }

            var scenario = create(context);
            using var deadline = new HardDeadline(scenario.HardDeadline + (context.Launch ? LaunchAllowance : TimeSpan.Zero));
            report = await scenario.RunAsync(stop.Token);
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }

            if (azurite is not null)
            {
                await azurite.DisposeAsync();
            }
        }

        return await ReportAsync(report, context);
    }

    public static async Task<int> ReportAsync(IScenarioReport report, DriverContext context)
    {
        var stdout = Console.Out;
        report.WriteSummary(stdout);
        var path = await ResultsWriter.WriteAsync(report, context.ResultsDirectory, CancellationToken.None);
        await stdout.WriteLineAsync($"results: {path}");
        await stdout.WriteLineAsync(report.Passed ? "PASSED" : "NOT PASSED (exit code 2)");
        return report.Passed ? Passed : NotPassed;
    }
}
