namespace Community.Grains.Livestreams;

/// <summary>
/// Coalesces changes into events sent at most once per interval: a change right after a quiet period goes out
/// at once; changes within the interval wait for the next tick and go out together as the latest state.
/// </summary>
public sealed class UpdateThrottle(TimeSpan interval)
{
    private DateTimeOffset? _lastSent;

    public bool Pending { get; private set; }

    public void Changed() => Pending = true;

    /// <summary>Whether to send the pending change now; if so, the change counts as sent.</summary>
    public bool TryTake(DateTimeOffset now)
    {
        if (!Pending || (_lastSent is { } last && now - last < interval))
        {
            return false;
        }

        Pending = false;
        _lastSent = now;
        return true;
    }
}
