using System.Collections.Concurrent;
using Community.Grains.Realtime;
using Community.Realtime;

namespace Community.Host.Realtime;

/// <summary>
/// Direct messages on the user topics this host delivers. Per user with a connection here and per conversation, it
/// forwards each message once, in seq order and without gaps (<see cref="StreamOrders"/>): a message that skips ahead,
/// or a head announced beyond the last one forwarded, has the missing range fetched from the conversation first; other
/// conversations and events without a seq (typing, read receipts) go on. The baseline is the first message of a
/// conversation this host forwards to the user after the user's first connection here: nothing before it is owed
/// (the client read the conversation when it connected). What a host keeps of a user goes with the user's last
/// connection here, and covers at most <see cref="MaxConversationsPerUser"/> conversations.
/// </summary>
public sealed class UserStreams
{
    /// <summary>The most conversations per user a host orders at once; beyond it the least lately heard one is forgotten.</summary>
    public const int MaxConversationsPerUser = 256;

    private readonly ConcurrentDictionary<string, UserState> _users = new(StringComparer.Ordinal);
    private readonly RealtimeConnections _connections;
    private readonly Func<string, string, SeqRange, Task<IReadOnlyList<RealtimeEvent>>> _replay;
    private readonly Action<IReadOnlyList<RealtimeEvent>, ConnectionOutbox[]> _send;

    /// <param name="replay">Reads (user, conversation id, range) from the conversation; never throws (nothing when it cannot).</param>
    /// <param name="send">Hands events to the outboxes of the user's connections; never waits.</param>
    public UserStreams(
        RealtimeConnections connections,
        Func<string, string, SeqRange, Task<IReadOnlyList<RealtimeEvent>>> replay,
        Action<IReadOnlyList<RealtimeEvent>, ConnectionOutbox[]> send)
    {
        _connections = connections;
        _replay = replay;
        _send = send;
        connections.Disconnected += (outbox, _) =>
        {
            if (outbox.UserId is { } user)
            {
                Forget(user);
            }
        };
    }

    /// <summary>Whether this host keeps the order of <paramref name="user"/>'s messages (only while the user has a connection here).</summary>
    public bool Tracks(string user) => _users.ContainsKey(user);

    /// <summary>
    /// A batch's events for <paramref name="user"/>'s topic: they go to every connection of the user here, in one write,
    /// each conversation's messages in its order (held back behind a fetch when one is missing).
    /// </summary>
    public void Deliver(string user, IReadOnlyList<RealtimeEvent> events)
    {
        // Most hosts have no connection of a given user: they keep nothing for it.
        if (_connections.OfUser(user).Length == 0)
        {
            return;
        }

        var items = false;
        var heads = false;
        foreach (var evt in events)
        {
            items |= IsItem(evt);
            heads |= evt.IsHead;
        }

        // Every activation of a conversation announces its head to both participants on every host: no state for them.
        if (!items && (!heads || !_users.ContainsKey(user)))
        {
            Send(user, heads ? [.. events.Where(e => !e.IsHead)] : events);
            return;
        }

        var forward = new List<RealtimeEvent>(events.Count);
        while (true)
        {
            var state = _users.GetOrAdd(user, static _ => new UserState());
            lock (state.Lock)
            {
                if (state.Retired)
                {
                    continue;
                }

                // Read under the lock, so a state made after the user's last connection went is dropped here, not kept.
                var outboxes = _connections.OfUser(user);
                if (outboxes.Length == 0)
                {
                    Retire(user, state);
                    return;
                }

                foreach (var evt in events)
                {
                    if (evt.Stream is { } stream && evt.Seq > 0)
                    {
                        if (state.Orders.Accept(stream, evt, forward) is { } missing)
                        {
                            _ = FetchAsync(user, state, stream, missing);
                        }
                    }
                    else if (!evt.IsHead)
                    {
                        forward.Add(evt);
                    }
                }

                _send(forward, outboxes);
                return;
            }
        }
    }

    // A message of a conversation's stream, which the host orders.
    private static bool IsItem(RealtimeEvent evt) => evt.Stream is not null && evt.Seq > 0 && !evt.IsHead;

    private void Send(string user, IReadOnlyList<RealtimeEvent> events)
    {
        if (events.Count > 0 && _connections.OfUser(user) is { Length: > 0 } outboxes)
        {
            _send(events, outboxes);
        }
    }

    private async Task FetchAsync(string user, UserState state, string stream, SeqRange range)
    {
        var fetched = await _replay(user, stream, range);
        var forward = new List<RealtimeEvent>();
        lock (state.Lock)
        {
            if (state.Retired)
            {
                return;
            }

            if (state.Orders.Filled(stream, range, fetched, forward) is { } next)
            {
                _ = FetchAsync(user, state, stream, next);
            }

            Send(user, forward);
        }
    }

    private void Forget(string user)
    {
        if (_connections.OfUser(user).Length > 0 || !_users.TryGetValue(user, out var state))
        {
            return;
        }

        lock (state.Lock)
        {
            if (_connections.OfUser(user).Length == 0)
            {
                Retire(user, state);
            }
        }
    }

    private void Retire(string user, UserState state)
    {
        state.Retired = true;
        _users.TryRemove(new KeyValuePair<string, UserState>(user, state));
    }

    private sealed class UserState
    {
        public Lock Lock { get; } = new();

        public StreamOrders Orders { get; } = new(MaxConversationsPerUser);

        public bool Retired { get; set; }
    }
}
