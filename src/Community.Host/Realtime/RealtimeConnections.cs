using System.Collections.Concurrent;
using Community.Host.Hubs;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Community.Host.Realtime;

/// <summary>
/// This host's hub connections, each with its <see cref="ConnectionOutbox"/>, found by id and by user.
/// SignalR's default manager still serves the hub's own calls; every event from grains goes out through the
/// outboxes, so no connection's pace reaches another's.
/// </summary>
public sealed class RealtimeConnections : DefaultHubLifetimeManager<CommunityHub>
{
    private readonly ConcurrentDictionary<string, ConnectionOutbox> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConnectionOutbox[]> _byUser = new(StringComparer.Ordinal);
    private readonly Lock _usersLock = new();
    private readonly RealtimeOptions _options;
    private readonly TimeProvider _time;
    private readonly RealtimeMetrics _metrics;
    private readonly ILogger<ConnectionOutbox> _outboxLogger;
    private readonly DeliveryLanes _lanes;
    private readonly PendingBudget _budget;

    public RealtimeConnections(
        IOptions<RealtimeOptions> options,
        TimeProvider time,
        RealtimeMetrics metrics,
        DeliveryLanes lanes,
        ILogger<DefaultHubLifetimeManager<CommunityHub>> logger,
        ILogger<ConnectionOutbox> outboxLogger)
        : base(logger)
    {
        _options = options.Value;
        _time = time;
        _metrics = metrics;
        _outboxLogger = outboxLogger;
        _lanes = lanes;
        _budget = new PendingBudget(_options.MaxPendingBytesPerHost);
        metrics.Observe(() => _byId.Count, () => _budget.Bytes);
    }

    /// <summary>Bytes of events waiting for this host's slow connections, all together.</summary>
    public long PendingBytes => _budget.Bytes;

    /// <summary>Called when a connection goes, after its outbox stopped: the relay drops it from its topics.</summary>
    public event Action<ConnectionOutbox, string[]>? Disconnected;

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        var outbox = new ConnectionOutbox(connection, _lanes.Assign(), _options, _budget, _time, _metrics, _outboxLogger);
        _byId[connection.ConnectionId] = outbox;
        if (outbox.UserId is { } user)
        {
            lock (_usersLock)
            {
                _byUser[user] = _byUser.TryGetValue(user, out var others) ? [.. others, outbox] : [outbox];
            }
        }

        return base.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        if (_byId.TryRemove(connection.ConnectionId, out var outbox))
        {
            if (outbox.UserId is { } user)
            {
                lock (_usersLock)
                {
                    if (_byUser.TryGetValue(user, out var others))
                    {
                        var rest = others.Where(o => o != outbox).ToArray();
                        if (rest.Length == 0)
                        {
                            _byUser.TryRemove(user, out _);
                        }
                        else
                        {
                            _byUser[user] = rest;
                        }
                    }
                }
            }

            Disconnected?.Invoke(outbox, outbox.TakeTopics());
        }

        return base.OnDisconnectedAsync(connection);
    }

    public ConnectionOutbox? Find(string connectionId) => _byId.GetValueOrDefault(connectionId);

    public ConnectionOutbox[] OfUser(string user) => _byUser.GetValueOrDefault(user) ?? [];

    public void CloseStale()
    {
        foreach (var outbox in _byId.Values)
        {
            outbox.CloseIfStale();
        }
    }
}

/// <summary>Closes, about once a second, connections whose oldest waiting event has waited past the bound, though nothing new arrives for them.</summary>
public sealed class StaleConnectionSweeper(RealtimeConnections connections, IOptions<RealtimeOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromTicks(Math.Min(options.Value.MaxPendingAge.Ticks, TimeSpan.TicksPerSecond)), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                connections.CloseStale();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
