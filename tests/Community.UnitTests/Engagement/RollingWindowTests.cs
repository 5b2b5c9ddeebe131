using CsCheck;
using Community.Grains.Engagement;
using Microsoft.Extensions.Time.Testing;

namespace Community.UnitTests.Engagement;

public class RollingWindowTests
{
    /// <summary>One step of a random stream: an event (possibly late) or a read, after the clock moved on.</summary>
    public readonly record struct Step(bool Read, long AdvanceTicks, long LateTicks, int Counter, long Amount);

    private static Gen<Step> Steps(TimeSpan window)
    {
        var bucket = window.Ticks / RollingWindow.BucketCount;
        // Mostly small moves (within a few buckets), sometimes a jump past the whole window.
        var advance = Gen.Frequency((12, Gen.Long[0, 3 * bucket]), (1, Gen.Long[0, 2 * window.Ticks]));
        var late = Gen.Frequency((4, Gen.Const(0L)), (1, Gen.Long[0, window.Ticks + 2 * bucket]));
        return Gen.Select(Gen.Int[0, 3], advance, late, Gen.Int[0, EngagementCounters.Count - 1], Gen.Long[1, 5])
            .Select((kind, a, l, c, n) => new Step(kind == 0, a, l, c, n));
    }

    public static TheoryData<TimeSpan> Windows => new(EngagementTracker.WindowLengths);

    [Theory]
    [MemberData(nameof(Windows))]
    public void Every_read_equals_a_brute_force_count_of_the_events_in_the_last_60_buckets(TimeSpan length)
    {
        Steps(length).Array[1, 300].Sample(steps =>
        {
            var time = new FakeTimeProvider();
            var window = new RollingWindow(length);
            var bucket = window.BucketWidth.Ticks;
            var events = new List<(long Ticks, int Counter, long Amount)>();
            var head = long.MinValue;
            foreach (var step in steps)
            {
                time.Advance(TimeSpan.FromTicks(step.AdvanceTicks));
                var now = time.GetUtcNow().UtcTicks;
                if (step.Read)
                {
                    head = Math.Max(head, now / bucket);
                    for (var c = 0; c < EngagementCounters.Count; c++)
                    {
                        var oracle = events.Where(e => e.Counter == c && e.Ticks / bucket > head - RollingWindow.BucketCount && e.Ticks / bucket <= head).Sum(e => e.Amount);
                        Assert.Equal(oracle, window.Total(c, now));
                    }
                }
                else
                {
                    var at = now - step.LateTicks;
                    head = Math.Max(head, at / bucket);
                    events.Add((at, step.Counter, step.Amount));
                    window.Add(step.Counter, step.Amount, at);
                }
            }
        }, iter: 200);
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void A_window_misses_at_most_the_events_of_one_bucket_at_its_old_end(TimeSpan length)
    {
        // In-order events: the window at `now` holds everything in (now − length + bucket, now] and nothing before now − length.
        Steps(length).Array[1, 300].Sample(steps =>
        {
            var time = new FakeTimeProvider();
            var window = new RollingWindow(length);
            var bucket = window.BucketWidth.Ticks;
            var events = new List<(long Ticks, long Amount)>();
            foreach (var step in steps)
            {
                time.Advance(TimeSpan.FromTicks(step.AdvanceTicks));
                var now = time.GetUtcNow().UtcTicks;
                if (!step.Read)
                {
                    events.Add((now, step.Amount));
                    window.Add(0, step.Amount, now);
                    continue;
                }

                var total = window.Total(0, now);
                var surely = events.Where(e => e.Ticks > now - length.Ticks + bucket).Sum(e => e.Amount);
                var atMost = events.Where(e => e.Ticks > now - length.Ticks).Sum(e => e.Amount);
                Assert.InRange(total, surely, atMost);
            }
        }, iter: 200);
    }

    [Fact]
    public void A_bucket_is_one_sixtieth_of_its_window()
    {
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(24)],
            EngagementTracker.WindowLengths.Select(l => new RollingWindow(l).BucketWidth));
    }

    [Fact]
    public void An_event_leaves_the_one_minute_window_once_its_bucket_is_sixty_seconds_old()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var window = new RollingWindow(TimeSpan.FromMinutes(1));
        window.Add(1, 3, time.GetUtcNow().UtcTicks);

        time.Advance(TimeSpan.FromSeconds(59.9));
        Assert.Equal(3, window.Total(1, time.GetUtcNow().UtcTicks));
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(0, window.Total(1, time.GetUtcNow().UtcTicks));
    }

    [Fact]
    public void An_event_older_than_the_window_is_ignored()
    {
        var time = new FakeTimeProvider();
        var window = new RollingWindow(TimeSpan.FromMinutes(1));
        var now = time.GetUtcNow().UtcTicks;
        window.Add(0, 1, now);

        window.Add(0, 5, now - TimeSpan.FromMinutes(2).Ticks);

        Assert.Equal(1, window.Total(0, now));
    }

    [Fact]
    public void The_series_lists_each_buckets_count_oldest_first()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var window = new RollingWindow(TimeSpan.FromHours(1));
        window.Add(2, 4, time.GetUtcNow().UtcTicks);
        time.Advance(TimeSpan.FromMinutes(2));
        window.Add(2, 1, time.GetUtcNow().UtcTicks);

        var series = new long[RollingWindow.BucketCount];
        window.Series(2, time.GetUtcNow().UtcTicks, series);

        Assert.Equal(4, series[57]);
        Assert.Equal(0, series[58]);
        Assert.Equal(1, series[59]);
        Assert.Equal(5, series.Sum());
        Assert.Equal(time.GetUtcNow() - TimeSpan.FromMinutes(59), window.OldestBucketStart);
    }

    [Fact]
    public void A_saved_window_loads_with_the_same_counts()
    {
        var time = new FakeTimeProvider();
        var window = new RollingWindow(TimeSpan.FromMinutes(15));
        for (var i = 0; i < 100; i++)
        {
            window.Add(i % EngagementCounters.Count, i, time.GetUtcNow().UtcTicks);
            time.Advance(TimeSpan.FromSeconds(7));
        }

        var copy = new RollingWindow(TimeSpan.FromMinutes(15));
        copy.Load(window.Save());

        var now = time.GetUtcNow().UtcTicks;
        for (var c = 0; c < EngagementCounters.Count; c++)
        {
            Assert.Equal(window.Total(c, now), copy.Total(c, now));
        }
    }

    [Fact]
    public void A_saved_window_of_another_shape_loads_empty()
    {
        var window = new RollingWindow(TimeSpan.FromMinutes(1), counters: 2);
        window.Load(new RollingWindowState(5, new long[7]));

        Assert.Equal(0, window.Total(0, 0));
    }

    [Fact]
    public void Adding_events_allocates_nothing()
    {
        var time = new FakeTimeProvider();
        var window = new RollingWindow(TimeSpan.FromMinutes(1));
        window.Add(0, 1, time.GetUtcNow().UtcTicks);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            window.Add(i % EngagementCounters.Count, 1, time.GetUtcNow().UtcTicks + i * TimeSpan.TicksPerMillisecond * 37);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_window_that_does_not_split_into_sixty_whole_buckets_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RollingWindow(TimeSpan.FromTicks(61)));
    }
}
