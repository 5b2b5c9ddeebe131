using Community.Grains.Livestreams;
using Microsoft.Extensions.Time.Testing;

namespace Community.UnitTests.Livestreams;

public class ChatRateLimiterTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_user_may_send_a_burst_at_once_and_then_must_wait_for_the_next_token()
    {
        var limiter = new ChatRateLimiter(_time, burst: 3, refillInterval: TimeSpan.FromSeconds(2));
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(limiter.Wait("maya"));
            limiter.Take("maya");
        }

        Assert.Equal(TimeSpan.FromSeconds(2), limiter.Wait("maya"));
    }

    [Fact]
    public void Tokens_come_back_one_per_refill_interval()
    {
        var limiter = new ChatRateLimiter(_time, burst: 2, refillInterval: TimeSpan.FromSeconds(1));
        limiter.Take("maya");
        limiter.Take("maya");

        _time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.Equal(TimeSpan.FromMilliseconds(600), limiter.Wait("maya"));

        _time.Advance(TimeSpan.FromMilliseconds(600));
        Assert.Null(limiter.Wait("maya"));
        limiter.Take("maya");
        Assert.NotNull(limiter.Wait("maya"));
    }

    [Fact]
    public void A_quiet_user_never_saves_up_more_than_one_burst()
    {
        var limiter = new ChatRateLimiter(_time, burst: 2, refillInterval: TimeSpan.FromSeconds(1));
        limiter.Take("maya");

        _time.Advance(TimeSpan.FromHours(1));
        limiter.Take("maya");
        limiter.Take("maya");

        Assert.NotNull(limiter.Wait("maya"));
    }

    [Fact]
    public void Each_user_has_their_own_bucket()
    {
        var limiter = new ChatRateLimiter(_time, burst: 1, refillInterval: TimeSpan.FromSeconds(1));
        limiter.Take("maya");

        Assert.NotNull(limiter.Wait("maya"));
        Assert.Null(limiter.Wait("ben"));
    }

    [Fact]
    public void Users_whose_bucket_is_full_again_are_forgotten()
    {
        var limiter = new ChatRateLimiter(_time, burst: 5, refillInterval: TimeSpan.FromSeconds(1));
        for (var i = 0; i < 1_000; i++)
        {
            limiter.Take($"old_{i}");
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 100; i++)
        {
            limiter.Take($"new_{i}");
        }

        Assert.Equal(100, limiter.Tracked);
    }
}
