using Community.LoadTests.Cli;
using Community.LoadTests.Metrics;
using Community.LoadTests.Workload;

namespace Community.LoadTests.Scenarios;

/// <summary>What every scenario command does around the scenario itself: deadline, summary, result file, exit code.</summary>
public static class ScenarioRunner
{
    public const int Passed = 0;
    public const int NotPassed = 2;

    public static async Task<int> RunAsync(IScenario scenario, DriverContext context, CancellationToken cancellationToken)
    {
        using var deadline = new HardDeadline(scenario.HardDeadline);
        // Ctrl-C/SIGTERM cancel System.CommandLine's token from inside its signal handler, and cancelling inline ran the
        // scenario's whole continuation chain there: the process then exited at once with 143 and no result. Relayed
        // onto the pool, the cancellation lets the scenario stop sending, close its connections and report.
        using var stop = new CancellationTokenSource();
        using var relay = cancellationToken.Register(() => ThreadPool.QueueUserWorkItem(static s => s.Cancel(), stop, preferLocal: false));
        var report = await scenario.RunAsync(stop.Token);

        var stdout = Console.Out;
        report.WriteSummary(stdout);
        var path = await ResultsWriter.WriteAsync(report, context.ResultsDirectory, CancellationToken.None);
        await stdout.WriteLineAsync($"result: {path}");
        await stdout.WriteLineAsync(report.Passed ? "PASSED" : "NOT PASSED (exit code 2)");
        return report.Passed ? Passed : NotPassed;
    }
}
