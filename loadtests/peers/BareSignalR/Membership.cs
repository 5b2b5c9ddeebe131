using System.Collections.Concurrent;

namespace Community.LoadTests.Peers.BareSignalR;

/// <summary>
/// Which connections are in which group, kept beside SignalR's own groups only so that a fault can pick one receiver
/// of a broadcast (<see cref="IDeliveryFaults"/>); broadcasts themselves go through SignalR's groups.
/// </summary>
public sealed class Membership
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _byGroup = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _byConnection = new(StringComparer.Ordinal);

    public void Add(string group, string connectionId)
    {
        _byGroup.GetOrAdd(group, static _ => new(StringComparer.Ordinal))[connectionId] = 0;
        _byConnection.GetOrAdd(connectionId, static _ => new(StringComparer.Ordinal))[group] = 0;
    }

    public void Remove(string group, string connectionId)
    {
        if (_byGroup.TryGetValue(group, out var members))
        {
            members.TryRemove(connectionId, out _);
        }

        if (_byConnection.TryGetValue(connectionId, out var groups))
        {
            groups.TryRemove(group, out _);
        }
    }

    /// <summary>Forgets a closed connection; returns the groups it was in.</summary>
    public IReadOnlyCollection<string> RemoveConnection(string connectionId)
    {
        if (!_byConnection.TryRemove(connectionId, out var groups))
        {
            return [];
        }

        foreach (var group in groups.Keys)
        {
            if (_byGroup.TryGetValue(group, out var members))
            {
                members.TryRemove(connectionId, out _);
            }
        }

        return groups.Keys.ToList();
    }

    public bool Contains(string group, string connectionId) =>
        _byGroup.TryGetValue(group, out var members) && members.ContainsKey(connectionId);

    /// <summary>The member of the group a fault hits: the lowest connection id, so the choice is stable.</summary>
    public string? Victim(string group) =>
        _byGroup.TryGetValue(group, out var members) ? members.Keys.Order(StringComparer.Ordinal).FirstOrDefault() : null;
}
