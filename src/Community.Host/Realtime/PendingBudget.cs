namespace Community.Host.Realtime;

/// <summary>
/// The bytes of events waiting, across every connection of this host, for clients that fell behind. Each connection is
/// bounded on its own (<see cref="RealtimeOptions.MaxPendingBytes"/>); this bounds them together
/// (<see cref="RealtimeOptions.MaxPendingBytesPerHost"/>), so that thousands of slow clients, each within its own bound,
/// cannot together hold the host's memory. A connection that must queue while the host is over budget is closed as a
/// slow consumer: only connections that are already behind queue, so fast ones are never the ones closed.
/// </summary>
public sealed class PendingBudget(long maxBytes)
{
    private long _bytes;

    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Counts <paramref name="bytes"/> more waiting; false when the host is now over its budget.</summary>
    public bool Add(long bytes) => Interlocked.Add(ref _bytes, bytes) <= maxBytes;

    /// <summary>Counts <paramref name="bytes"/> written or dropped.</summary>
    public void Release(long bytes)
    {
        if (bytes != 0)
        {
            Interlocked.Add(ref _bytes, -bytes);
        }
    }
}
