using System.Diagnostics;
using Community.LoadTests.Workload;

namespace Community.LoadTests.Tests.Workload;

public class OpenLoopScheduleTests
{
    [Theory]
    [InlineData(0.01, 1)]   // under a millisecond: a whole one, never Thread.Sleep(0) (a bare yield the loop spins through)
    [InlineData(0.5, 1)]
    [InlineData(1.2, 2)]
    [InlineData(7, 7)]
    [InlineData(400, 50)]   // long waits in slices, so cancellation is seen
    public void A_wait_sleeps_whole_milliseconds_between_1_and_50(double remainingMs, int expectedMs)
    {
        Assert.Equal(expectedMs, OpenLoopSchedule.SleepFor(TimeSpan.FromMilliseconds(remainingMs)));
    }

    [Fact]
    public void Send_n_is_due_at_the_start_plus_n_over_the_rate()
    {
        var schedule = new OpenLoopSchedule(startTimestamp: 1_000, ratePerSecond: 4);

        Assert.Equal(1_000 + Stopwatch.Frequency / 4 * 3, schedule.DueTimestamp(3));
    }

    [Fact]
    public void A_wait_for_a_time_already_past_returns_at_once_and_a_near_one_waits_until_it()
    {
        var started = Stopwatch.GetTimestamp();
        OpenLoopSchedule.SleepUntil(started - Stopwatch.Frequency, CancellationToken.None);
        var due = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 1000 * 3;
        OpenLoopSchedule.SleepUntil(due, CancellationToken.None);

        Assert.True(Stopwatch.GetTimestamp() >= due);
    }
}
