namespace Community.LoadTests.Peers.BareSignalR;

/// <summary>
/// One ordered stream in memory: items numbered 1, 2, 3 … without gaps, deduplicated by (author, clientId) over the
/// most recent <see cref="RememberedClientIds"/> ids. Thread-safe.
/// </summary>
/// <remarks>
/// The publish callback runs under the stream's lock, right after the seq is assigned: SignalR queues a group send on
/// each connection before <c>SendAsync</c> returns, so starting the sends in seq order is what keeps every receiver's
/// order. Sending after the lock would let two writers' messages overtake each other.
/// </remarks>
public sealed class OrderedStream<T>(string id)
    where T : class
{
    public const int RememberedClientIds = 100_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Author, string ClientId), T> _byClientId = [];
    private readonly Queue<(string Author, string ClientId)> _clientIdOrder = new();
    private long _lastSeq;

    public string Id { get; } = id;

    public long LastSeq
    {
        get
        {
            lock (_lock)
            {
                return _lastSeq;
            }
        }
    }

    /// <summary>
    /// Appends the item <paramref name="create"/> makes for the next seq and starts publishing it, or returns the item
    /// already created for the same (author, clientId) without publishing anything.
    /// </summary>
    public (T Item, Task Published) Append(string author, string? clientId, Func<long, T> create, Func<T, long, Task> publish)
    {
        lock (_lock)
        {
            if (clientId is not null && _byClientId.TryGetValue((author, clientId), out var existing))
            {
                return (existing, Task.CompletedTask);
            }

            var seq = ++_lastSeq;
            var item = create(seq);
            if (clientId is not null)
            {
                if (_clientIdOrder.Count >= RememberedClientIds)
                {
                    _byClientId.Remove(_clientIdOrder.Dequeue());
                }

                _byClientId[(author, clientId)] = item;
                _clientIdOrder.Enqueue((author, clientId));
            }

            return (item, publish(item, seq));
        }
    }
}
