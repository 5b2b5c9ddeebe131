using Community.WriteBudgets;

namespace Community.Grains.WriteBudgets;

/// <summary>
/// A token bucket on a <see cref="TimeProvider"/>: <see cref="WriteBudget.Burst"/> tokens, refilled continuously at
/// <see cref="WriteBudget.PerSecond"/>. (System.Threading.RateLimiting's bucket reads the Stopwatch even when replenished
/// by hand, so it cannot follow a fake clock.) Grants part of a request when only part is left: a host that asks for
/// five tokens and gets two can still serve two writes.
/// </summary>
public sealed class WriteBucket(WriteBudget budget, TimeProvider time)
{
    private double _tokens = budget.Burst;
    private long _refilledAt = time.GetTimestamp();

    public WriteBudget Budget { get; } = budget;

    public WriteGrant Take(int wanted)
    {
        var now = time.GetTimestamp();
        _tokens = Math.Min(Budget.Burst, _tokens + time.GetElapsedTime(_refilledAt, now).TotalSeconds * Budget.PerSecond);
        _refilledAt = now;
        var granted = (int)Math.Min(wanted, Math.Floor(_tokens));
        if (granted > 0)
        {
            _tokens -= granted;
            return new WriteGrant(granted, TimeSpan.Zero);
        }

        return new WriteGrant(0, TimeSpan.FromSeconds((1 - _tokens) / Budget.PerSecond));
    }
}
