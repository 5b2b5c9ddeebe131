namespace Community.Grains.Livestreams;

/// <summary>
/// Slow mode: each user waits the room's interval between two accepted messages. Remembers when each user
/// last wrote; entries older than the longest slow mode can never matter again and are pruned.
/// </summary>
public sealed class SlowModeGate(TimeProvider time)
{
    public const int MaxSeconds = 120;
    private const int MinPruneSize = 1_024;

    private readonly Dictionary<string, DateTimeOffset> _lastSent = new(StringComparer.Ordinal);
    private int _pruneAt = MinPruneSize;

    /// <summary>How long <paramref name="user"/> must still wait under a slow mode of <paramref name="seconds"/> (0 = off); null when they may write.</summary>
    public TimeSpan? Wait(string user, int seconds)
    {
        if (seconds <= 0 || !_lastSent.TryGetValue(user, out var last))
        {
            return null;
        }

        var wait = last + TimeSpan.FromSeconds(seconds) - time.GetUtcNow();
        return wait > TimeSpan.Zero ? wait : null;
    }

    /// <summary>Records an accepted message (recorded when accepted, not when stored, so two racing messages cannot both pass).</summary>
    public void Sent(string user)
    {
        var now = time.GetUtcNow();
        _lastSent[user] = now;
        if (_lastSent.Count >= _pruneAt)
        {
            var horizon = now - TimeSpan.FromSeconds(MaxSeconds);
            foreach (var stale in _lastSent.Where(e => e.Value <= horizon).Select(e => e.Key).ToList())
            {
                _lastSent.Remove(stale);
            }

            _pruneAt = Math.Max(MinPruneSize, _lastSent.Count * 2);
        }
    }

    public int Tracked => _lastSent.Count;
}
