using System.ComponentModel.DataAnnotations;
using Community.Grains.Engagement;
using Microsoft.Extensions.Time.Testing;

namespace Community.UnitTests.Engagement;

public class EngagementTrackerTests
{
    [Fact]
    public void Events_fill_every_window_and_leave_the_short_ones_first()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var tracker = new EngagementTracker(new EngagementOptions());
        tracker.Record(EngagementCounter.Likes, 2, time.GetUtcNow().UtcTicks);

        time.Advance(TimeSpan.FromMinutes(5));
        var now = time.GetUtcNow().UtcTicks;

        Assert.Equal([0L, 2, 2, 2], tracker.Windows.Select(w => w.Total((int)EngagementCounter.Likes, now)));
    }

    [Fact]
    public void Heat_weighs_each_kind_by_its_default_weight()
    {
        // 1 like + 1 comment + 1 share + 1 save + 1 creator reply + 10 views = 1 + 2 + 3 + 3 + 5 + 0 = 14
        var time = new FakeTimeProvider();
        var tracker = new EngagementTracker(new EngagementOptions());
        var now = time.GetUtcNow().UtcTicks;

        tracker.Record([10, 1, 1, 1, 1, 1], now);

        Assert.Equal(14, tracker.Heat.ValueAt(now), 12);
    }

    [Fact]
    public void Configured_weights_and_half_life_are_used()
    {
        var time = new FakeTimeProvider();
        var tracker = new EngagementTracker(new EngagementOptions { ViewWeight = 0.5, HalfLife = TimeSpan.FromMinutes(10) });
        tracker.Record(EngagementCounter.Views, 4, time.GetUtcNow().UtcTicks);

        time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(1, tracker.Heat.ValueAt(time.GetUtcNow().UtcTicks), 12);
    }

    [Fact]
    public void A_saved_tracker_loads_with_the_same_windows_and_heat()
    {
        var time = new FakeTimeProvider();
        var tracker = new EngagementTracker(new EngagementOptions());
        tracker.Record(EngagementCounter.Shares, 3, time.GetUtcNow().UtcTicks);
        var copy = new EngagementTracker(new EngagementOptions());

        copy.Load(tracker.Save());

        var now = time.GetUtcNow().UtcTicks;
        Assert.Equal(9, copy.Heat.ValueAt(now), 12);
        Assert.All(copy.Windows, w => Assert.Equal(3, w.Total((int)EngagementCounter.Shares, now)));
    }

    [Fact]
    public void Recording_events_allocates_nothing()
    {
        var time = new FakeTimeProvider();
        var tracker = new EngagementTracker(new EngagementOptions());
        tracker.Record(EngagementCounter.Likes, 1, time.GetUtcNow().UtcTicks);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            tracker.Record((EngagementCounter)(i % EngagementCounters.Count), 1, time.GetUtcNow().UtcTicks + i * TimeSpan.TicksPerSecond);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void The_default_options_are_valid()
    {
        Assert.Empty(Validate(new EngagementOptions()));
    }

    [Fact]
    public void Negative_weights_and_a_zero_half_life_are_refused()
    {
        var errors = Validate(new EngagementOptions { LikeWeight = -1, HalfLife = TimeSpan.Zero, PushInterval = TimeSpan.FromMinutes(5) });

        Assert.Equal(["LikeWeight", "HalfLife", "PushInterval"], errors.SelectMany(e => e.MemberNames));
    }

    private static List<ValidationResult> Validate(EngagementOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
