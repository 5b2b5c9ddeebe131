namespace Community.Grains.Livestreams;

/// <summary>
/// Per-user token buckets that protect a room from floods: a user may send <c>burst</c> messages at once, then
/// one per <c>refillInterval</c>. A full bucket is the same as no bucket, so full ones are forgotten.
/// </summary>
public sealed class ChatRateLimiter(TimeProvider time, int burst, TimeSpan refillInterval)
{
    private const int MinPruneSize = 1_024;

    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private int _pruneAt = MinPruneSize;

    /// <summary>How long <paramref name="user"/> must wait for their next message; null when they may send now.</summary>
    public TimeSpan? Wait(string user)
    {
        if (!_buckets.TryGetValue(user, out var bucket))
        {
            return null;
        }

        var tokens = Tokens(bucket, time.GetUtcNow());
        return tokens >= 1 ? null : refillInterval * (1 - tokens);
    }

    /// <summary>Spends one of <paramref name="user"/>'s tokens (check <see cref="Wait"/> first).</summary>
    public void Take(string user)
    {
        var now = time.GetUtcNow();
        var tokens = _buckets.TryGetValue(user, out var bucket) ? Tokens(bucket, now) : burst;
        _buckets[user] = new Bucket(Math.Max(0, tokens - 1), now);
        if (_buckets.Count >= _pruneAt)
        {
            foreach (var full in _buckets.Where(b => Tokens(b.Value, now) >= burst).Select(b => b.Key).ToList())
            {
                _buckets.Remove(full);
            }

            _pruneAt = Math.Max(MinPruneSize, _buckets.Count * 2);
        }
    }

    public int Tracked => _buckets.Count;

    private double Tokens(Bucket bucket, DateTimeOffset now) =>
        Math.Min(burst, bucket.Tokens + (now - bucket.At) / refillInterval);

    private readonly record struct Bucket(double Tokens, DateTimeOffset At);
}
