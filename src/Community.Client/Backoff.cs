namespace Community.Client;

/// <summary>
/// When to try the next host. The first retry goes to the next host at once (another host is most likely up);
/// after that the wait doubles from <c>initial</c> up to <c>max</c>, each wait drawn from its upper half so that
/// the clients of a failed host do not all come back at the same instant.
/// </summary>
public static class Backoff
{
    /// <param name="attempt">0 for the first retry after a drop.</param>
    /// <param name="random01">A random number in [0, 1).</param>
    public static TimeSpan Delay(int attempt, TimeSpan initial, TimeSpan max, double random01)
    {
        if (attempt <= 0)
        {
            return TimeSpan.Zero;
        }

        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (random01 / 2)));
    }

    /// <summary>The host to try after <paramref name="current"/>: the next one in the list, round and round.</summary>
    public static int NextHost(int current, int hostCount) => (current + 1) % hostCount;
}
