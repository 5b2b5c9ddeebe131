namespace Community.Grains.Conversations;

public enum TypingOutcome
{
    /// <summary>Tell the participants; the notice holds until <see cref="TypingDecision.ExpiresAt"/>.</summary>
    Forward,

    /// <summary>Accepted, but a notice sent moments ago still holds: nothing to send.</summary>
    Coalesced,

    /// <summary>Too many notices: refuse with 429 and <see cref="TypingDecision.RetryAfter"/>.</summary>
    RateLimited,
}

public readonly record struct TypingDecision(TypingOutcome Outcome, DateTimeOffset ExpiresAt, TimeSpan RetryAfter);

/// <summary>
/// One participant's typing notices in one conversation (never stored). A token bucket refuses floods
/// (<see cref="Burst"/> notices at once, then one per <see cref="RefillEvery"/>); of the accepted notices, at most
/// one per <see cref="ForwardEvery"/> is sent on, and each sent notice expires after <see cref="Expiry"/>, so a
/// client that renews every two or three seconds while its user types keeps the indicator on without gaps.
/// </summary>
public sealed class TypingGate(TimeProvider time)
{
    public const int Burst = 5;
    public static readonly TimeSpan RefillEvery = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan ForwardEvery = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(6);

    private double _tokens = Burst;
    private DateTimeOffset _refilledAt = time.GetUtcNow();
    private DateTimeOffset? _forwardedAt;

    public TypingDecision Next()
    {
        var now = time.GetUtcNow();
        var elapsed = now - _refilledAt;
        if (elapsed > TimeSpan.Zero)
        {
            _tokens = Math.Min(Burst, _tokens + (elapsed / RefillEvery));
            _refilledAt = now;
        }

        if (_tokens < 1)
        {
            return new TypingDecision(TypingOutcome.RateLimited, default, (1 - _tokens) * RefillEvery);
        }

        _tokens -= 1;
        if (_forwardedAt is { } last && now - last < ForwardEvery)
        {
            return new TypingDecision(TypingOutcome.Coalesced, last + Expiry, TimeSpan.Zero);
        }

        _forwardedAt = now;
        return new TypingDecision(TypingOutcome.Forward, now + Expiry, TimeSpan.Zero);
    }

    /// <summary>The typer sent their message: clients drop the indicator, so the next notice must go out at once.</summary>
    public void MessageSent() => _forwardedAt = null;
}
