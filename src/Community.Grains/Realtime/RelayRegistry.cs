using Community.Realtime;

namespace Community.Grains.Realtime;

/// <summary>
/// This silo's view of every host's relay, kept current by the directory's pushes and the host's
/// heartbeat. Grains read it synchronously on every publish, so it is a single volatile snapshot.
/// </summary>
public sealed class RelayRegistry
{
    private volatile RelaySet _current = RelaySet.Empty;

    public RelaySet Current => _current;

    public void Update(RelaySet relays) => _current = relays;

    /// <summary>Forgets the relays of silos that membership has declared dead, before the directory says so.</summary>
    public void RemoveSilos(IReadOnlyCollection<SiloAddress> deadSilos)
    {
        var current = _current;
        if (current.Relays.Any(r => deadSilos.Contains(r.Silo)))
        {
            _current = current with { Relays = current.Relays.Where(r => !deadSilos.Contains(r.Silo)).ToList() };
        }
    }
}
