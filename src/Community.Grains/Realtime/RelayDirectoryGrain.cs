using Community.Realtime;
using Microsoft.Extensions.Logging;

namespace Community.Grains.Realtime;

/// <summary>
/// Knows every host's relay. Hosts register at start and re-register on a heartbeat, so a directory that
/// lost its activation (its silo died) is whole again within one heartbeat. Every change is pushed to all
/// hosts, which is how a new host starts receiving events before it takes its first connection.
/// </summary>
public sealed partial class RelayDirectoryGrain(TimeProvider time, ILogger<RelayDirectoryGrain> logger) : Grain, IRelayDirectoryGrain
{
    private readonly Dictionary<string, RelayEntry> _relays = new(StringComparer.Ordinal);
    private RelaySet _set = RelaySet.Empty;

    public Task<RelaySet> Register(RelayEntry entry)
    {
        if (_relays.TryGetValue(entry.HostId, out var existing) && existing.Silo.Equals(entry.Silo) && existing.Relay.Equals(entry.Relay))
        {
            return Task.FromResult(_set);
        }

        _relays[entry.HostId] = entry;
        LogRegistered(logger, entry.HostId, entry.Silo);
        return Task.FromResult(Changed());
    }

    public Task Unregister(string hostId)
    {
        if (_relays.Remove(hostId))
        {
            Changed();
        }

        return Task.CompletedTask;
    }

    public Task<RelaySet> Prune(IReadOnlyList<SiloAddress> deadSilos)
    {
        var dead = _relays.Values.Where(r => deadSilos.Contains(r.Silo)).Select(r => r.HostId).ToList();
        foreach (var hostId in dead)
        {
            _relays.Remove(hostId);
        }

        return Task.FromResult(dead.Count > 0 ? Changed() : _set);
    }

    public Task<RelaySet> Get() => Task.FromResult(_set);

    private RelaySet Changed()
    {
        // Versions come from the clock so that a re-activated directory still moves forward.
        var version = Math.Max(_set.Version + 1, time.GetUtcNow().UtcTicks);
        _set = new RelaySet(version, _relays.Values.OrderBy(r => r.HostId, StringComparer.Ordinal).ToList());
        foreach (var entry in _set.Relays)
        {
            _ = NotifyAsync(entry, _set);
        }

        return _set;
    }

    private async Task NotifyAsync(RelayEntry entry, RelaySet set)
    {
        try
        {
            await entry.Relay.RelaysChanged(set);
        }
        catch (Exception ex)
        {
            LogNotifyFailed(logger, ex, entry.HostId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Relay of host {HostId} on silo {Silo} registered.")]
    private static partial void LogRegistered(ILogger logger, string hostId, SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell host {HostId} about the relay set.")]
    private static partial void LogNotifyFailed(ILogger logger, Exception ex, string hostId);
}
