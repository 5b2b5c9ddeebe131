using CsCheck;
using Community.Grains.Engagement;
using Microsoft.Extensions.Time.Testing;

namespace Community.UnitTests.Engagement;

public class DecayingSumTests
{
    private static readonly TimeSpan HalfLife = TimeSpan.FromHours(1);

    [Fact]
    public void The_running_value_equals_the_brute_force_sum_of_decayed_weights()
    {
        var step = Gen.Select(Gen.Long[0, 2 * HalfLife.Ticks], Gen.Frequency((3, Gen.Const(0L)), (1, Gen.Long[0, 3 * HalfLife.Ticks])), Gen.Double[0, 10], Gen.Bool);
        step.Array[1, 200].Sample(steps =>
        {
            var time = new FakeTimeProvider();
            var heat = new DecayingSum(HalfLife);
            var added = new List<(long Ticks, double Weight)>();
            foreach (var (advance, late, weight, read) in steps)
            {
                time.Advance(TimeSpan.FromTicks(advance));
                var now = time.GetUtcNow().UtcTicks;
                if (read)
                {
                    var latest = added.Count == 0 ? now : Math.Max(now, added.Max(a => a.Ticks));
                    var oracle = added.Sum(a => a.Weight * Math.Pow(2, -(latest - a.Ticks) / (double)HalfLife.Ticks));
                    Assert.Equal(oracle, heat.ValueAt(latest), 1e-9 * Math.Max(1, oracle));
                }
                else
                {
                    added.Add((now - late, weight));
                    heat.Add(weight, now - late);
                }
            }
        }, iter: 300);
    }

    [Fact]
    public void A_weight_halves_every_half_life()
    {
        var time = new FakeTimeProvider();
        var heat = new DecayingSum(HalfLife);
        heat.Add(8, time.GetUtcNow().UtcTicks);

        time.Advance(TimeSpan.FromHours(3));

        Assert.Equal(1, heat.ValueAt(time.GetUtcNow().UtcTicks), 12);
    }

    [Fact]
    public void A_like_now_and_a_comment_an_hour_ago_make_two()
    {
        // 1 × 2^0 + 2 × 2^−1 = 2
        var time = new FakeTimeProvider();
        var heat = new DecayingSum(HalfLife);
        heat.Add(2, time.GetUtcNow().UtcTicks);
        time.Advance(HalfLife);
        heat.Add(1, time.GetUtcNow().UtcTicks);

        Assert.Equal(2, heat.ValueAt(time.GetUtcNow().UtcTicks), 12);
    }

    [Fact]
    public void A_saved_sum_loads_with_the_same_value_and_refuses_nonsense()
    {
        var time = new FakeTimeProvider();
        var heat = new DecayingSum(HalfLife);
        heat.Add(5, time.GetUtcNow().UtcTicks);
        var copy = new DecayingSum(HalfLife);

        copy.Load(heat.Save());
        Assert.Equal(5, copy.ValueAt(time.GetUtcNow().UtcTicks));

        copy.Load(new DecayingSumState(double.NaN, 0));
        Assert.Equal(0, copy.ValueAt(time.GetUtcNow().UtcTicks));
    }
}
