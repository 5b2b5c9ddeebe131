namespace Community.Grains.Engagement;

/// <summary>
/// Σ weight × 2^(−age / half-life) over everything added, kept as one value and the time it is valid at:
/// adding decays the value to the new time and adds the weight, so each add is O(1) and allocation-free.
/// An add older than the value's time is decayed to that time instead, so order does not matter.
/// </summary>
public sealed class DecayingSum(TimeSpan halfLife)
{
    private readonly double _halfLifeTicks = halfLife > TimeSpan.Zero
        ? halfLife.Ticks
        : throw new ArgumentOutOfRangeException(nameof(halfLife), halfLife, "The half-life must be positive.");

    private double _value;
    private long _atTicks;

    public TimeSpan HalfLife => TimeSpan.FromTicks((long)_halfLifeTicks);

    public void Add(double weight, long ticks)
    {
        if (weight == 0)
        {
            return;
        }

        if (ticks >= _atTicks)
        {
            _value = _value * Decay(ticks - _atTicks) + weight;
            _atTicks = ticks;
        }
        else
        {
            _value += weight * Decay(_atTicks - ticks);
        }
    }

    /// <summary>The sum as of <paramref name="ticks"/> (not before the last add).</summary>
    public double ValueAt(long ticks) => ticks <= _atTicks ? _value : _value * Decay(ticks - _atTicks);

    public DecayingSumState Save() => new(_value, _atTicks);

    public void Load(DecayingSumState? state)
    {
        _value = state is { Value: var v } && double.IsFinite(v) && v >= 0 ? v : 0;
        _atTicks = state?.AtTicks ?? 0;
    }

    private double Decay(long ageTicks) => double.Exp2(-ageTicks / _halfLifeTicks);
}

/// <summary>A <see cref="DecayingSum"/> as data.</summary>
[GenerateSerializer]
[Alias("community.decaying-sum-state")]
public sealed record DecayingSumState([property: Id(0)] double Value, [property: Id(1)] long AtTicks);
