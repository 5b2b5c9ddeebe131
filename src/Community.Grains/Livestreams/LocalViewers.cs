namespace Community.Grains.Livestreams;

/// <summary>One room's viewers on one Community host, per host of the room they joined through.</summary>
public sealed record RoomViewers(string LiveId, IReadOnlyDictionary<string, int> ByVia);

/// <summary>
/// The viewers connected to this Community host, per room and per host they joined through (<c>via</c>).
/// The hub records joins, leaves and disconnects here; a reporter sends each room's counts to its grain once
/// per interval, so a room with thousands of viewers costs its grain one call per host per interval.
/// Thread-safe: hub calls and the reporter run concurrently.
/// </summary>
public sealed class LocalViewers
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<string, string>> _byConnection = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, int>> _byRoom = new(StringComparer.Ordinal);
    private readonly HashSet<string> _changed = new(StringComparer.Ordinal);

    /// <summary>Counts <paramref name="connectionId"/> as a viewer of <paramref name="liveId"/> through <paramref name="via"/> (a second join moves it).</summary>
    public void Join(string connectionId, string liveId, string via)
    {
        lock (_lock)
        {
            if (!_byConnection.TryGetValue(connectionId, out var rooms))
            {
                rooms = new Dictionary<string, string>(StringComparer.Ordinal);
                _byConnection.Add(connectionId, rooms);
            }

            if (rooms.TryGetValue(liveId, out var previous))
            {
                if (previous == via)
                {
                    return;
                }

                Decrement(liveId, previous);
            }

            rooms[liveId] = via;
            if (!_byRoom.TryGetValue(liveId, out var counts))
            {
                counts = new Dictionary<string, int>(StringComparer.Ordinal);
                _byRoom.Add(liveId, counts);
            }

            counts[via] = counts.GetValueOrDefault(via) + 1;
            _changed.Add(liveId);
        }
    }

    public void Leave(string connectionId, string liveId)
    {
        lock (_lock)
        {
            if (_byConnection.TryGetValue(connectionId, out var rooms) && rooms.Remove(liveId, out var via))
            {
                Decrement(liveId, via);
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
                foreach (var (liveId, via) in rooms)
                {
                    Decrement(liveId, via);
                }
            }
        }
    }

    /// <summary>The host <paramref name="connectionId"/> joined <paramref name="liveId"/> through, or null when it has not joined.</summary>
    public string? ViaOf(string connectionId, string liveId)
    {
        lock (_lock)
        {
            return _byConnection.TryGetValue(connectionId, out var rooms) ? rooms.GetValueOrDefault(liveId) : null;
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
            var reports = _byRoom.Select(r => new RoomViewers(r.Key, new Dictionary<string, int>(r.Value, StringComparer.Ordinal))).ToList();
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

    private void Decrement(string liveId, string via)
    {
        var counts = _byRoom[liveId];
        if (--counts[via] == 0)
        {
            counts.Remove(via);
            if (counts.Count == 0)
            {
                _byRoom.Remove(liveId);
            }
        }

        _changed.Add(liveId);
    }
}
