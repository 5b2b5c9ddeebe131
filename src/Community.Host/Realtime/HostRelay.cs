using System.Threading.Channels;
using Community.Grains.Realtime;
using Community.Host.Hubs;
using Community.Realtime;
using Microsoft.AspNetCore.SignalR;

namespace Community.Host.Realtime;

/// <summary>
/// This host's end of the grain→client path: grains on any silo send it batches, and it writes them to
/// the SignalR connections on this host. A grain's call returns as soon as the batch is queued; one
/// reader writes batches in arrival order, so each topic's events reach clients in the order published.
/// A full queue makes callers wait, which slows busy grains down instead of dropping events.
/// </summary>
public sealed partial class HostRelay : IRealtimeRelay, IAsyncDisposable
{
    private readonly Channel<IReadOnlyList<RealtimeEvent>> _queue =
        Channel.CreateBounded<IReadOnlyList<RealtimeEvent>>(new BoundedChannelOptions(4_096) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly IHubContext<CommunityHub> _hub;
    private readonly RelayRegistry _registry;
    private readonly ILogger<HostRelay> _logger;
    private readonly Task _writer;

    public HostRelay(IHubContext<CommunityHub> hub, RelayRegistry registry, ILogger<HostRelay> logger)
    {
        _hub = hub;
        _registry = registry;
        _logger = logger;
        _writer = Task.Run(WriteLoopAsync);
    }

    public async Task Deliver(IReadOnlyList<RealtimeEvent> batch) => await _queue.Writer.WriteAsync(batch);

    public Task RelaysChanged(RelaySet relays)
    {
        if (relays.Version >= _registry.Current.Version)
        {
            _registry.Update(relays);
        }

        return Task.CompletedTask;
    }

    private async Task WriteLoopAsync()
    {
        await foreach (var batch in _queue.Reader.ReadAllAsync())
        {
            foreach (var evt in batch)
            {
                try
                {
                    var clients = evt.Topic.StartsWith(Topics.UserPrefix, StringComparison.Ordinal)
                        ? _hub.Clients.User(evt.Topic[Topics.UserPrefix.Length..])
                        : _hub.Clients.Group(evt.Topic);
                    await clients.SendAsync(evt.Method, evt.Payload);
                }
                catch (Exception ex)
                {
                    LogSendFailed(_logger, ex, evt.Method, evt.Topic);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not push {Method} to {Topic}.")]
    private static partial void LogSendFailed(ILogger logger, Exception ex, string method, string topic);
}
