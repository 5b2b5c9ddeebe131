using Community.LoadTests.Client;
using Community.LoadTests.Scenarios;
using Community.LoadTests.Workload;

namespace Community.LoadTests.Tests.Smoke;

public class LiveRoomSmokeTests
{
    private static readonly LiveRoomSettings Room = new(Viewers: 5, Chatters: 2);

    [Theory]
    [InlineData(ReceiverKind.Raw)]
    [InlineData(ReceiverKind.SignalR)]
    public async Task Against_the_bare_SignalR_peer_every_viewer_gets_every_chat_message_once_in_order(ReceiverKind receiver)
    {
        await using var peer = await InProcessPeer.StartAsync();

        var report = await Tiny.RunAsync(new LiveRoomScenario(Room, Tiny.Context(peer, receiver), Tiny.Run));

        Tiny.AssertClean(report);
        var phase = report.Phases[0];
        // Viewers and chatters are all in the room: 7 receivers of every message.
        Assert.Equal(phase.Sends.Acked * 7, phase.Delivery.Delivered);
        // One latency sample per receiver of each message sent in the measured window.
        Assert.Equal(phase.Sends.SentMeasured * 7, phase.DeliveryLatencyMs.Count);
    }

    [Fact]
    public async Task With_a_stalled_client_in_the_room_every_other_receiver_still_gets_every_chat_message_once_in_order()
    {
        await using var peer = await InProcessPeer.StartAsync();

        var report = await Tiny.RunAsync(new LiveRoomScenario(Room with { Stalled = 1 }, Tiny.Context(peer), Tiny.Run));

        Tiny.AssertClean(report);
        var phase = report.Phases[0];
        // The stalled client is in the room but not a receiver: still 7 receivers of every message.
        Assert.Equal(phase.Sends.Acked * 7, phase.Delivery.Delivered);
        Assert.Equal(phase.Sends.SentMeasured * 7, phase.DeliveryLatencyMs.Count);
        Assert.Equal(1, report.Setup.Connected["stalled"]);
        // The bare peer has no slow-consumer policy, and a second of chat fits in the socket buffers: it keeps the client.
        Assert.NotNull(report.Stalled);
        Assert.Equal((1, 0), (report.Stalled.Clients, report.Stalled.ClosedByServer));
        Assert.Equal("stalled: 1 (closed by the server: 0)", report.Stalled.Describe());
    }

    [Theory]
    [InlineData(ReceiverKind.Raw)]
    [InlineData(ReceiverKind.SignalR)]
    public async Task A_dropped_a_duplicated_and_a_reordered_chat_delivery_are_reported_as_exactly_one_lost_one_duplicated_and_one_out_of_order(ReceiverKind receiver)
    {
        await using var peer = await InProcessPeer.StartAsync(new DropOneDuplicateOneReorderOne());

        var report = await Tiny.RunAsync(new LiveRoomScenario(Room, Tiny.Context(peer, receiver), Tiny.Run));

        Tiny.AssertOneLostOneDuplicatedOneReordered(report);
    }

    [Fact]
    public async Task A_step_run_raises_the_rate_and_reports_the_highest_sustained_one_with_a_chart()
    {
        await using var peer = await InProcessPeer.StartAsync();
        // The step mechanics, not the machine: a bound no loaded run misses, and no delivery-rate verdict on 1 s windows
        // (the suite shares two cores with the integration tests).
        var run = Tiny.Run with
        {
            Step = new StepSettings(StartRate: 40, Factor: 2, MaxRate: 80, MaxSteps: 3, P99BoundMs: 10_000, RefineSteps: 0, MinDeliveredRatio: 0),
            StepDuration = TimeSpan.FromSeconds(1),
        };

        var report = await Tiny.RunAsync(new LiveRoomScenario(Room, Tiny.Context(peer), run));

        Assert.True(report.Completed, report.Failure);
        Assert.True(report.Phases.Count == 2, $"steps run: {report.Phases.Count}; stop reason: {report.Step?.StopReason}");
        Assert.Equal([40.0, 80.0], report.Phases.Select(p => p.Rate));
        Assert.NotNull(report.Step);
        Assert.Equal(80, report.Step.HighestSustainedRate);
        Assert.Contains("highest rate allowed", report.Step.StopReason);
        Assert.All(report.Phases, p => Assert.Equal(0, p.Delivery.Lost + p.Delivery.Duplicated + p.Delivery.OutOfOrder));

        var results = Directory.CreateTempSubdirectory("community-loadtests-");
        try
        {
            var exit = await ScenarioRunner.ReportAsync(report, Tiny.Context(peer) with { ResultsDirectory = results });

            Assert.Equal(ScenarioRunner.Passed, exit);
            var folder = Assert.Single(results.GetDirectories());
            Assert.Equal(["chart.svg", "result.json", "summary.md"], folder.GetFiles().Select(f => f.Name).Order());
            Assert.Contains("highest sustained rate: 80", await File.ReadAllTextAsync(Path.Combine(folder.FullName, "summary.md")));
        }
        finally
        {
            results.Delete(recursive: true);
        }
    }
}
