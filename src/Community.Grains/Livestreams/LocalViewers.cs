namespace Community.Grains.Livestreams;

/// <summary>One room's viewers on one Community host, per host of the room they joined through.</summary>
public sealed record RoomViewers(string LiveId, IReadOnlyDictionary<string, int> ByVia);

/// <summary>
/// The viewers connected to this Community host, per room and per host they joined through (<c>via</c>).
/// A viewer is a user, not a connection: one user with twenty tabs in a room counts once, for the host of their
/// latest join. The hub records joins, leaves and disconnects here; a reporter sends each room's counts to its grain
/// once per interval, so a room with thousands of viewers costs its grain one call per host per interval.
/// Thread-safe: hub calls and the reporter run concurrently.
/// </summary>
public sealed class LocalViewers
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<string, Seat>> _byConnection = new(StringComparer.Ordinal);

    // Per room, per user: the user's connections in the room in the order they joined; the last one says the via.
    private readonly Dictionary<string, Dictionary<string, List<Seat>>> _byRoom = new(StringComparer.Ordinal);
    private readonly HashSet<string> _changed = new(StringComparer.Ordinal);

    /// <summary>
    /// Counts <paramref name="user"/> as a viewer of <paramref name="liveId"/> through <paramref name="via"/>, by way of
    /// <paramref name="connectionId"/> (a second join of the connection moves it).
    /// </summary>
    public void Join(string connectionId, string user, string liveId, string via)
    {
        lock (_lock)
        {
            if (!_byConnection.TryGetValue(connectionId, out var rooms))
            {
                rooms = new Dictionary<string, Seat>(StringComparer.Ordinal);
                _byConnection.Add(connectionId, rooms);
            }

            if (rooms.TryGetValue(liveId, out var previous))
            {
                if (previous.Via == via)
                {
                    return;
                }

                Unseat(liveId, previous);
            }

            var seat = new Seat(connectionId, user, via);
            rooms[liveId] = seat;
            if (!_byRoom.TryGetValue(liveId, out var users))
            {
                users = new Dictionary<string, List<Seat>>(StringComparer.Ordinal);
                _byRoom.Add(liveId, users);
            }

            if (!users.TryGetValue(user, out var seats))
            {
                seats = [];
                users.Add(user, seats);
            }

            seats.Add(seat);
            _changed.Add(liveId);
        }
    }

    public void Leave(string connectionId, string liveId)
    {
        lock (_lock)
        {
            if (_byConnection.TryGetValue(connectionId, out var rooms) && rooms.Remove(liveId, out var seat))
            {
                Unseat(liveId, seat);
                if (rooms.Count == 0)
                {
                    _byConnection.Remove(connectionId);
                }
            }
        }
    }

    public void Disconnected(string connectionId)
    {
        lock (_lock)
        {
            if (_byConnection.Remove(connectionId, out var rooms))
            {
                foreach (var (liveId, seat) in rooms)
                {
                    Unseat(liveId, seat);
                }
            }
        }
    }

    /// <summary>The host <paramref name="connectionId"/> joined <paramref name="liveId"/> through, or null when it has not joined.</summary>
    public string? ViaOf(string connectionId, string liveId)
    {
        lock (_lock)
        {
            return _byConnection.TryGetValue(connectionId, out var rooms) ? rooms.GetValueOrDefault(liveId)?.Via : null;
        }
    }

    /// <summary>
    /// What to report now: every room with viewers here (reports must be refreshed or they expire), and once,
    /// with no viewers, each room whose last viewer here left since the previous call.
    /// </summary>
    public IReadOnlyList<RoomViewers> Collect()
    {
        lock (_lock)
        {
            var reports = _byRoom.Select(r => new RoomViewers(r.Key, Count(r.Value))).ToList();
            foreach (var emptied in _changed.Where(liveId => !_byRoom.ContainsKey(liveId)))
            {
                reports.Add(new RoomViewers(emptied, new Dictionary<string, int>()));
            }

            _changed.Clear();
            return reports;
        }
    }

    /// <summary>Every room with viewers here, reported as empty: what a host that stops sends on its way out.</summary>
    public IReadOnlyList<RoomViewers> CollectEmpty()
    {
        lock (_lock)
        {
            return _byRoom.Keys.Select(liveId => new RoomViewers(liveId, new Dictionary<string, int>())).ToList();
        }
    }

    private static Dictionary<string, int> Count(Dictionary<string, List<Seat>> users)
    {
        var byVia = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var seats in users.Values)
        {
            var via = seats[^1].Via;
            byVia[via] = byVia.GetValueOrDefault(via) + 1;
        }

        return byVia;
    }

    private void Unseat(string liveId, Seat seat)
    {
        var users = _byRoom[liveId];
        var seats = users[seat.User];
        seats.Remove(seat);
        if (seats.Count == 0)
        {
            users.Remove(seat.User);
            if (users.Count == 0)
            {
                _byRoom.Remove(liveId);
            }
        }

        _changed.Add(liveId);
    }

    private sealed record Seat(string ConnectionId, string User, string Via);
}
