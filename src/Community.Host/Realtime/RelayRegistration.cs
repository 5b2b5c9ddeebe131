using Community.Grains.Realtime;
using Community.Realtime;
using Orleans.Runtime;

namespace Community.Host.Realtime;

/// <summary>
/// Registers this host's relay with the directory before the host takes connections, re-registers on a
/// heartbeat (a directory that moved silos is rebuilt within one beat), and drops dead hosts as soon as
/// cluster membership declares their silo dead.
/// </summary>
public sealed partial class RelayRegistration(
    IGrainFactory grains,
    HostRelay relay,
    RelayRegistry registry,
    ILocalSiloDetails silo,
    IClusterMembershipService membership,
    ILogger<RelayRegistration> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan QuickBeat = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource _stopping = new();
    private RelayEntry? _entry;
    private Task? _background;

    private IRelayDirectoryGrain Directory => grains.GetGrain<IRelayDirectoryGrain>(0);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var reference = grains.CreateObjectReference<IRealtimeRelay>(relay);
        _entry = new RelayEntry(relay.HostId, silo.SiloAddress, reference);
        registry.Update(await Directory.Register(_entry));
        _background = Task.WhenAll(HeartbeatAsync(_stopping.Token), WatchMembershipAsync(_stopping.Token));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_entry is not null)
        {
            try
            {
                await Directory.Unregister(_entry.HostId).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            }
            catch (Exception ex)
            {
                LogUnregisterFailed(logger, ex);
            }
        }

        if (_background is not null)
        {
            await _background.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        // Beats every 10 s, and every second while the known relays miss an active silo: while a silo joins, the
        // directory can briefly be active twice (each copy knowing one host), and re-registering reaches the copy that lives on.
        using var timer = new PeriodicTimer(QuickBeat);
        var sinceBeat = TimeSpan.Zero;
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            sinceBeat += QuickBeat;
            if (sinceBeat < Heartbeat && !MissesActiveSilo())
            {
                continue;
            }

            sinceBeat = TimeSpan.Zero;
            try
            {
                var set = await Directory.Register(_entry!);
                if (set.Version >= registry.Current.Version)
                {
                    registry.Update(set);
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogHeartbeatFailed(logger, ex);
            }
        }
    }

    private bool MissesActiveSilo()
    {
        var relays = registry.Current.Relays;
        return membership.CurrentSnapshot.Members.Values.Any(m => m.Status == SiloStatus.Active && !relays.Any(r => r.Silo.Equals(m.SiloAddress)));
    }

    private async Task WatchMembershipAsync(CancellationToken cancellationToken)
    {
        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
        {
            var dead = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress).ToList();
            if (dead.Count == 0 || !registry.Current.Relays.Any(r => dead.Contains(r.Silo)))
            {
                continue;
            }

            registry.RemoveSilos(dead);
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

    public void Dispose() => _stopping.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relay heartbeat failed; will retry.")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not unregister the relay on stop.")]
    private static partial void LogUnregisterFailed(ILogger logger, Exception ex);
}
