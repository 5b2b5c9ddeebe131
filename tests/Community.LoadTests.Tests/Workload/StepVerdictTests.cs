using Community.LoadTests.Metrics;
using Community.LoadTests.Workload;

namespace Community.LoadTests.Tests.Workload;

public class StepVerdictTests
{
    private static readonly StepSettings Settings = StepSettings.Default with { P99BoundMs = 250 };

    private static PhaseFigures Step(
        double p99 = 20, long lost = 0, long duplicated = 0, long outOfOrder = 0, long errors = 0, double delivered = 10_000, bool completed = true) => new()
    {
        Rate = 100,
        Completed = completed,
        Failure = completed ? null : "cancelled",
        Throughput = new ThroughputFigures(100, 100, delivered, 10_000),
        Sends = new SendFigures(100, 100, 100, 0, 0),
        AckLatencyMs = new LatencySummary(100, 1, 2, 3, 4, 5),
        DeliveryLatencyMs = new LatencySummary(10_000, 5, 10, p99, p99, p99),
        Delivery = new DeliveryFigures(10_000, lost, duplicated, outOfOrder, lost > 0 ? 1 : 0, 0, []),
        Errors = errors == 0 ? ErrorFigures.None : new ErrorFigures(errors, new Dictionary<string, long> { ["write: boom"] = errors }),
        Driver = new DriverFigures(2, LatencySummary.Empty, 0.5, 0, false),
    };

    [Fact]
    public void A_clean_step_within_the_bound_is_sustained()
    {
        Assert.True(StepVerdict.Judge(Step(p99: 250), Settings).Sustained);
    }

    [Fact]
    public void A_p99_over_the_bound_is_not_sustained_and_the_reason_names_both_figures()
    {
        var verdict = StepVerdict.Judge(Step(p99: 251), Settings);

        Assert.False(verdict.Sustained);
        Assert.Contains("251", verdict.Reason);
        Assert.Contains("250", verdict.Reason);
    }

    [Theory]
    [InlineData(1, 0, 0)]
    [InlineData(0, 1, 0)]
    [InlineData(0, 0, 1)]
    public void Anything_lost_duplicated_or_reordered_fails_the_step_whatever_the_latency(long lost, long duplicated, long outOfOrder)
    {
        var verdict = StepVerdict.Judge(Step(p99: 1, lost: lost, duplicated: duplicated, outOfOrder: outOfOrder), Settings);

        Assert.False(verdict.Sustained);
        Assert.Contains("lost", verdict.Reason);
    }

    [Fact]
    public void An_error_fails_the_step()
    {
        var verdict = StepVerdict.Judge(Step(errors: 2), Settings);

        Assert.False(verdict.Sustained);
        Assert.Contains("write: boom", verdict.Reason);
    }

    [Fact]
    public void Deliveries_falling_behind_the_offered_rate_fail_the_step()
    {
        var verdict = StepVerdict.Judge(Step(delivered: 8_000), Settings);

        Assert.False(verdict.Sustained);
        Assert.Contains("falling behind", verdict.Reason);
    }

    [Fact]
    public void A_step_that_did_not_complete_is_not_sustained()
    {
        Assert.False(StepVerdict.Judge(Step(completed: false), Settings).Sustained);
    }

    [Theory]
    [InlineData(0.5, 0.9, 1.2, "SERVER-BOUND")]
    [InlineData(0.95, 0.9, 1.2, "lower bound")]
    [InlineData(0.5, 1.3, 1.2, "DRIVER-BOUND")]
    public void The_driver_line_calls_the_server_the_limit_only_when_the_receivers_slept_and_cost_less_per_delivery(
        double receiverBusy, double driverMicros, double serverMicros, string expected)
    {
        const double deliveries = 1_000_000;
        var phase = Step(delivered: deliveries) with
        {
            Throughput = new ThroughputFigures(100, 100, deliveries, deliveries),
            Driver = new DriverFigures(2, LatencySummary.Empty, driverMicros, 0, false, driverMicros, receiverBusy),
            Server = new ServerFigures(1, serverMicros, 0, 0, 0),
        };

        Assert.Contains(expected, CpuVerdict.Driver(phase));
    }
}
