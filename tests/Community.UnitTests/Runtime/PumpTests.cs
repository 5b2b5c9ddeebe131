using Community.Grains.Runtime;

namespace Community.UnitTests.Runtime;

public sealed class PumpTests
{
    [Fact]
    public async Task Items_added_while_a_batch_is_in_flight_go_together_in_the_next_batch_in_order()
    {
        var batches = new List<List<int>>();
        var gate = new TaskCompletionSource();
        var pump = new Pump<int>(async batch =>
        {
            batches.Add(batch);
            if (batches.Count == 1)
            {
                await gate.Task;
            }
        });

        pump.Add(1);
        pump.Add(2);
        pump.Add(3);
        Assert.True(pump.Busy);
        gate.SetResult();
        await WaitIdle(pump);

        Assert.Equal([[1], [2, 3]], batches);
    }

    [Fact]
    public async Task A_batch_stays_within_its_budget_by_weight_but_always_takes_one_item()
    {
        var batches = new List<List<int>>();
        var gate = new TaskCompletionSource();
        var pump = new Pump<int>(async batch =>
        {
            batches.Add(batch);
            await gate.Task;
        }, budget: 5, weight: i => i);

        pump.Add(1);
        foreach (var i in new[] { 2, 3, 9, 1 })
        {
            pump.Add(i);
        }

        gate.SetResult();
        await WaitIdle(pump);

        Assert.Equal([[1], [2, 3], [9], [1]], batches);
    }

    [Fact]
    public async Task A_full_queue_drops_its_oldest_waiting_items_and_says_how_many()
    {
        var batches = new List<List<int>>();
        var gate = new TaskCompletionSource();
        var pump = new Pump<int>(async batch =>
        {
            batches.Add(batch);
            await gate.Task;
        }, maxQueued: 2);

        pump.Add(0);
        Assert.Equal(0, pump.Add(1));
        Assert.Equal(0, pump.Add(2));
        Assert.Equal(1, pump.Add(3));
        gate.SetResult();
        await WaitIdle(pump);

        Assert.Equal([[0], [2, 3]], batches);
    }

    [Fact]
    public async Task A_failing_batch_is_reported_and_the_next_batch_still_runs()
    {
        var failed = new List<int>();
        var done = new List<int>();
        var gate = new TaskCompletionSource();
        var pump = new Pump<int>(async batch =>
        {
            await gate.Task;
            if (batch.Contains(0))
            {
                throw new InvalidOperationException("storage down");
            }

            done.AddRange(batch);
        }, failed: (_, batch) => failed.AddRange(batch));

        pump.Add(0);
        pump.Add(1);
        gate.SetResult();
        await WaitIdle(pump);

        Assert.Equal([0], failed);
        Assert.Equal([1], done);
        pump.Add(2);
        await WaitIdle(pump);
        Assert.Equal([1, 2], done);
    }

    private static async Task WaitIdle<T>(Pump<T> pump)
    {
        for (var i = 0; i < 500 && (pump.Busy || pump.Pending.Count > 0); i++)
        {
            await Task.Delay(10);
        }

        Assert.False(pump.Busy);
    }
}
