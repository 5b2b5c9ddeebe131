using Community.Realtime;
using Microsoft.Extensions.Logging;

namespace Community.Grains.Realtime;

/// <summary>
/// Keeps the authoritative list of every host's relay (a <see cref="RelayRegistry"/>, which holds the rules) and pushes
/// each change to all hosts, which is how a new host starts receiving events before it takes its first connection.
/// Hosts register at start and re-register on a heartbeat, so a directory that lost its activation (its silo died)
/// is whole again within one heartbeat.
/// </summary>
public sealed partial class RelayDirectoryGrain(TimeProvider time, ILogger<RelayDirectoryGrain> logger) : Grain, IRelayDirectoryGrain
{
    private readonly RelayRegistry _relays = new(time);

    public Task<RelaySet> Register(RelayEntry entry)
    {
        if (_relays.Register(entry))
        {
            LogRegistered(logger, entry.HostId, entry.Silo);
            NotifyAll();
        }

        return Get();
    }

    public Task Unregister(string hostId)
    {
        if (_relays.Unregister(hostId))
        {
            NotifyAll();
        }

        return Task.CompletedTask;
    }

    public Task<RelaySet> Prune(IReadOnlyList<SiloAddress> deadSilos)
    {
        if (_relays.Prune(deadSilos))
        {
            NotifyAll();
        }

        return Get();
    }

    public Task<RelaySet> Get() => Task.FromResult(_relays.Current);

    private void NotifyAll()
    {
        var set = _relays.Current;
        foreach (var entry in set.Relays)
        {
            _ = NotifyAsync(entry, set);
        }
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
