using Community.Client;

namespace Community.UnitTests.Client;

public class BackoffTests
{
    private static readonly TimeSpan s_initial = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan s_max = TimeSpan.FromSeconds(10);

    [Fact]
    public void The_first_retry_after_a_drop_goes_out_at_once()
    {
        Assert.Equal(TimeSpan.Zero, Backoff.Delay(0, s_initial, s_max, 0.99));
    }

    [Theory]
    [InlineData(1, 125, 250)]
    [InlineData(2, 250, 500)]
    [InlineData(3, 500, 1_000)]
    [InlineData(7, 5_000, 10_000)]
    [InlineData(1_000, 5_000, 10_000)]
    public void Later_retries_wait_twice_as_long_each_time_up_to_the_cap_drawn_from_the_upper_half(int attempt, double lowMs, double highMs)
    {
        Assert.Equal(lowMs, Backoff.Delay(attempt, s_initial, s_max, 0).TotalMilliseconds, 3);
        var longest = Backoff.Delay(attempt, s_initial, s_max, 0.999_999).TotalMilliseconds;
        Assert.InRange(longest, highMs * 0.999, highMs);
    }

    [Fact]
    public void Hosts_are_tried_round_and_round()
    {
        Assert.Equal([1, 2, 0, 1], new[] { 0, 1, 2, 0 }.Select(i => Backoff.NextHost(i, 3)));
    }
}
