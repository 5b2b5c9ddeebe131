using Community.Grains.Livestreams;
using Microsoft.Extensions.Time.Testing;

namespace Community.UnitTests.Livestreams;

public class UpdateThrottleTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly UpdateThrottle _throttle = new(TimeSpan.FromSeconds(1));

    [Fact]
    public void Nothing_is_sent_without_a_change()
    {
        Assert.False(_throttle.TryTake(_time.GetUtcNow()));
    }

    [Fact]
    public void A_change_after_a_quiet_period_is_sent_at_once_and_only_once()
    {
        _throttle.Changed();

        Assert.True(_throttle.TryTake(_time.GetUtcNow()));
        Assert.False(_throttle.TryTake(_time.GetUtcNow()));
    }

    [Fact]
    public void Changes_within_the_interval_wait_for_its_end_and_go_out_together()
    {
        _throttle.Changed();
        _throttle.TryTake(_time.GetUtcNow());

        _time.Advance(TimeSpan.FromMilliseconds(300));
        _throttle.Changed();
        Assert.False(_throttle.TryTake(_time.GetUtcNow()));
        _time.Advance(TimeSpan.FromMilliseconds(300));
        _throttle.Changed();
        Assert.False(_throttle.TryTake(_time.GetUtcNow()));

        _time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.True(_throttle.TryTake(_time.GetUtcNow()));
        Assert.False(_throttle.Pending);
    }

    [Fact]
    public void A_stream_of_changes_goes_out_at_most_once_per_interval()
    {
        var sent = 0;
        for (var tick = 0; tick < 100; tick++)
        {
            _throttle.Changed();
            sent += _throttle.TryTake(_time.GetUtcNow()) ? 1 : 0;
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(10, sent);
    }
}
