using Community.Grains.Livestreams;

namespace Community.UnitTests.Livestreams;

public class ChatRefusalTests
{
    [Theory]
    [InlineData(0.2, "1 s")]
    [InlineData(12.0, "12 s")]
    [InlineData(12.1, "13 s")]
    [InlineData(60.0, "1 min")]
    [InlineData(243.0, "4 min 3 s")]
    [InlineData(3_600.0, "1 h")]
    [InlineData(7_500.0, "2 h 5 min")]
    [InlineData(86_400.0, "1 d")]
    [InlineData(14 * 86_400.0, "14 d")]
    [InlineData(3 * 86_400.0 + 4 * 3_600.0, "3 d 4 h")]
    public void A_wait_reads_in_the_largest_sensible_units_rounded_up_to_the_second(double seconds, string words)
    {
        Assert.Equal(words, ChatRefusal.Describe(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Slow_mode_says_the_interval_and_the_wait_and_carries_it_as_retry_after()
    {
        var ex = ChatRefusal.SlowMode(30, TimeSpan.FromSeconds(18));

        Assert.Equal(Community.Errors.ErrorKind.RateLimited, ex.Kind);
        Assert.Equal(TimeSpan.FromSeconds(18), ex.RetryAfter);
        Assert.Equal("Slow mode is on: one message every 30 s. You may write again in 18 s.", ex.Message);
    }
}
