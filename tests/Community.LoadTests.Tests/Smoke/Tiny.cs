using Community.LoadTests.Cli;
using Community.LoadTests.Client;
using Community.LoadTests.Metrics;
using Community.LoadTests.Scenarios;
using Community.LoadTests.Workload;

namespace Community.LoadTests.Tests.Smoke;

/// <summary>Scenario settings small enough for the normal test command: a few connections, well under a second of load.</summary>
public static class Tiny
{
    public static readonly RunSettings Run = new(
        Rate: 60,
        Duration: TimeSpan.FromSeconds(0.6),
        Warmup: TimeSpan.FromSeconds(0.2),
        // A longest wait, not a pause: a run drains as soon as everything arrived. The suite runs beside the integration
        // tests on two cores, where a delivery can be a second late without anything being lost.
        Drain: TimeSpan.FromSeconds(5),
        SetupTimeout: TimeSpan.FromSeconds(30),
        Step: null,
        StepDuration: TimeSpan.FromSeconds(0.5),
        StepWarmup: TimeSpan.FromSeconds(0.1));

    public static DriverContext Context(InProcessPeer peer, ReceiverKind receiver = ReceiverKind.Raw) =>
        new(peer.Url, new DirectoryInfo(Path.Combine(Path.GetTempPath(), "community-loadtests-smoke")), SystemKind.SignalR, Environment.ProcessId)
        {
            Receiver = receiver,
        };

    public static async Task<LoadReport> RunAsync(IScenario scenario)
    {
        using var timeout = new CancellationTokenSource(scenario.HardDeadline);
        return (LoadReport)await scenario.RunAsync(timeout.Token);
    }

    /// <summary>Asserts the run completed, sent and acknowledged what it should, and lost, duplicated and reordered nothing.</summary>
    public static void AssertClean(LoadReport report)
    {
        Assert.True(report.Completed, report.Failure);
        var phase = Assert.Single(report.Phases);
        Assert.Empty(phase.Errors.ByMessage);
        Assert.True(phase.Sends.Sent >= 40, $"sent {phase.Sends.Sent}");
        Assert.Equal(phase.Sends.Sent, phase.Sends.Acked);
        Assert.Equal(0, phase.Delivery.Lost);
        Assert.Equal(0, phase.Delivery.Duplicated);
        Assert.Equal(0, phase.Delivery.OutOfOrder);
        Assert.True(report.Passed);
        Assert.NotNull(phase.Server);
    }

    /// <summary>Asserts the driver saw exactly the one dropped, one duplicated and one reordered delivery of <see cref="DropOneDuplicateOneReorderOne"/>.</summary>
    public static void AssertOneLostOneDuplicatedOneReordered(LoadReport report)
    {
        Assert.True(report.Completed, report.Failure);
        var phase = Assert.Single(report.Phases);
        Assert.Equal(1, phase.Delivery.Lost);
        Assert.Equal(1, phase.Delivery.Duplicated);
        Assert.Equal(1, phase.Delivery.OutOfOrder);
        Assert.Equal(1, phase.Delivery.ReceiversWithLoss);
        Assert.Equal([3], phase.Delivery.FirstMissing);
        Assert.False(report.Passed);
    }
}
