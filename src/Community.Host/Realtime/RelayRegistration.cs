using Community.Grains.Realtime;
using Community.Realtime;
using Orleans.Runtime;

namespace Community.Host.Realtime;

/// <summary>
/// Keeps this host listed in the relay directory and its <see cref="RelayRegistry"/> (which holds the membership rules)
/// fed: registers before the host takes connections, re-registers on a heartbeat (a directory that moved silos is
/// rebuilt within one beat), and tells the registry as soon as cluster membership declares a silo dead.
/// </summary>
public sealed partial class RelayRegistration(
    IGrainFactory grains,
    HostRelay relay,
    RelayRegistry registry,
    ILocalSiloDetails silo,
    IClusterMembershipService membership,
    ILogger<RelayRegistration> logger) : BackgroundService
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan QuickBeat = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan GoodbyeTimeout = TimeSpan.FromSeconds(2);
    private RelayEntry? _entry;

    private IRelayDirectoryGrain Directory => grains.GetGrain<IRelayDirectoryGrain>(0);

    /// <summary>Registers before returning, so the host is listed before it takes its first connection.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _entry = new RelayEntry(relay.HostId, silo.SiloAddress, grains.CreateObjectReference<IRealtimeRelay>(relay));
        registry.Update(await Directory.Register(_entry));
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stops the beats first (the cancellation is immediate), so none re-registers after the goodbye.
        var stopped = base.StopAsync(cancellationToken);
        if (_entry is not null)
        {
            try
            {
                await Directory.Unregister(_entry.HostId).WaitAsync(GoodbyeTimeout, cancellationToken);
            }
            catch (Exception ex)
            {
                LogUnregisterFailed(logger, ex);
            }
        }

        await stopped;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(HeartbeatAsync(stoppingToken), WatchMembershipAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        // Beats every 10 s, and every second while an active silo has no relay in the registry.
        using var timer = new PeriodicTimer(QuickBeat);
        var sinceBeat = TimeSpan.Zero;
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            sinceBeat += QuickBeat;
            if (sinceBeat < Heartbeat && !registry.Misses(ActiveSilos()))
            {
                continue;
            }

            sinceBeat = TimeSpan.Zero;
            try
            {
                registry.Update(await Directory.Register(_entry!));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogHeartbeatFailed(logger, ex);
            }
        }
    }

    private IEnumerable<SiloAddress> ActiveSilos() =>
        membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress);

    private async Task WatchMembershipAsync(CancellationToken cancellationToken)
    {
        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
        {
            var dead = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress).ToList();
            if (!registry.RemoveSilos(dead))
            {
                continue;
            }

            try
            {
                // The directory may have lived on the silo that died and come back empty elsewhere:
                // register again now rather than at the next heartbeat, so no host goes unlisted for long.
                await Directory.Register(_entry!);
                registry.Update(await Directory.Prune(dead));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogHeartbeatFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relay heartbeat failed; will retry.")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not unregister the relay on stop.")]
    private static partial void LogUnregisterFailed(ILogger logger, Exception ex);
}
