using Community.Grains.Livestreams;
using Microsoft.Extensions.Time.Testing;

namespace Community.UnitTests.Livestreams;

public class SlowModeGateTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_users_first_message_never_waits()
    {
        Assert.Null(new SlowModeGate(_time).Wait("maya", 30));
    }

    [Fact]
    public void After_a_message_the_user_waits_the_rest_of_the_interval()
    {
        var gate = new SlowModeGate(_time);
        gate.Sent("maya");

        _time.Advance(TimeSpan.FromSeconds(12));

        Assert.Equal(TimeSpan.FromSeconds(18), gate.Wait("maya", 30));
    }

    [Fact]
    public void Once_the_interval_has_passed_the_user_may_write_again()
    {
        var gate = new SlowModeGate(_time);
        gate.Sent("maya");

        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Null(gate.Wait("maya", 30));
    }

    [Fact]
    public void Slow_mode_off_lets_everyone_write_at_once()
    {
        var gate = new SlowModeGate(_time);
        gate.Sent("maya");

        Assert.Null(gate.Wait("maya", 0));
    }

    [Fact]
    public void One_users_message_does_not_slow_down_another_user()
    {
        var gate = new SlowModeGate(_time);
        gate.Sent("maya");

        Assert.Null(gate.Wait("ben", 30));
    }

    [Fact]
    public void Users_who_wrote_longer_ago_than_any_slow_mode_are_forgotten()
    {
        var gate = new SlowModeGate(_time);
        for (var i = 0; i < 1_000; i++)
        {
            gate.Sent($"old_{i}");
        }

        _time.Advance(TimeSpan.FromSeconds(SlowModeGate.MaxSeconds + 1));
        for (var i = 0; i < 100; i++)
        {
            gate.Sent($"new_{i}");
        }

        Assert.Equal(100, gate.Tracked);
        Assert.NotNull(gate.Wait("new_0", SlowModeGate.MaxSeconds));
    }
}
