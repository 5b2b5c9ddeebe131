using Community.Realtime;

namespace Community.Grains.Realtime;

/// <summary>
/// A list of every host's relay, and every rule of relay membership in one place. The directory grain keeps the
/// authoritative list (<see cref="Register"/>, <see cref="Unregister"/>, <see cref="Prune"/>: each change gets a larger
/// version); each silo keeps a copy (one instance per silo) that follows it (<see cref="Update"/> takes no older
/// version) and drops the relays of silos that membership declared dead before the directory says so
/// (<see cref="RemoveSilos"/>; a set that still lists them leaves them out). Grains read <see cref="Current"/>
/// on every publish, so it is a single volatile snapshot; changes are serialized by a lock.
/// </summary>
public sealed class RelayRegistry(TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private volatile RelaySet _current = RelaySet.Empty;
    private IReadOnlyCollection<SiloAddress> _dead = [];

    public RelaySet Current => _current;

    /// <summary>Takes <paramref name="relays"/> unless an older version than the one held; returns whether it did.</summary>
    public bool Update(RelaySet relays)
    {
        lock (_lock)
        {
            if (relays.Version < _current.Version)
            {
                return false;
            }

            _current = relays.Relays.Any(r => _dead.Contains(r.Silo)) ? relays with { Relays = Alive(relays.Relays, _dead) } : relays;
            return true;
        }
    }

    /// <summary>
    /// Forgets the relays of silos that membership has declared dead (the whole list of them, as membership knows it),
    /// before the directory says so. Returns whether any relay was dropped.
    /// </summary>
    public bool RemoveSilos(IReadOnlyCollection<SiloAddress> deadSilos)
    {
        lock (_lock)
        {
            _dead = deadSilos;
            var current = _current;
            if (!current.Relays.Any(r => deadSilos.Contains(r.Silo)))
            {
                return false;
            }

            _current = current with { Relays = Alive(current.Relays, deadSilos) };
            return true;
        }
    }

    /// <summary>
    /// Whether an active silo has no relay here: a host joining, or, while a silo joins, the directory briefly active
    /// twice with each copy knowing one host (re-registering reaches the copy that lives on).
    /// </summary>
    public bool Misses(IEnumerable<SiloAddress> activeSilos)
    {
        var relays = _current.Relays;
        return activeSilos.Any(silo => !relays.Any(r => r.Silo.Equals(silo)));
    }

    /// <summary>The directory's side: lists <paramref name="entry"/> (a heartbeat repeats it); returns whether the set changed.</summary>
    public bool Register(RelayEntry entry)
    {
        lock (_lock)
        {
            var relays = _current.Relays;
            if (relays.Any(r => r.HostId == entry.HostId && r.Silo.Equals(entry.Silo) && r.Relay.Equals(entry.Relay)))
            {
                return false;
            }

            return Change([.. relays.Where(r => r.HostId != entry.HostId), entry]);
        }
    }

    /// <summary>The directory's side: a host that stops.</summary>
    public bool Unregister(string hostId)
    {
        lock (_lock)
        {
            return _current.Relays.Any(r => r.HostId == hostId) && Change([.. _current.Relays.Where(r => r.HostId != hostId)]);
        }
    }

    /// <summary>The directory's side: drops the relays of <paramref name="deadSilos"/>.</summary>
    public bool Prune(IReadOnlyCollection<SiloAddress> deadSilos)
    {
        lock (_lock)
        {
            return _current.Relays.Any(r => deadSilos.Contains(r.Silo)) && Change(Alive(_current.Relays, deadSilos));
        }
    }

    private bool Change(IEnumerable<RelayEntry> relays)
    {
        // Versions come from the clock so that a re-activated directory still moves forward.
        var version = Math.Max(_current.Version + 1, _time.GetUtcNow().UtcTicks);
        _current = new RelaySet(version, relays.OrderBy(r => r.HostId, StringComparer.Ordinal).ToList());
        return true;
    }

    private static List<RelayEntry> Alive(IEnumerable<RelayEntry> relays, IReadOnlyCollection<SiloAddress> deadSilos) =>
        relays.Where(r => !deadSilos.Contains(r.Silo)).ToList();
}
