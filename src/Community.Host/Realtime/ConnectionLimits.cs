using System.Text.Json;
using Community.Host.Auth;
using Community.Host.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Community.Host.Realtime;

/// <summary>
/// Refuses a user's connection to this host beyond <see cref="RealtimeOptions.MaxConnectionsPerUser"/>: the connection is
/// closed right after its handshake with an error that names the limit. Counted by connection id, so a refused
/// connection (whose hub never sees a disconnect) leaves the count as it was.
/// </summary>
public sealed class HubConnectionLimitFilter(IOptions<RealtimeOptions> options) : IHubFilter
{
    private readonly int _max = options.Value.MaxConnectionsPerUser;
    private readonly Dictionary<string, HashSet<string>> _byUser = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        var user = context.Context.User!.Handle();
        lock (_lock)
        {
            if (!_byUser.TryGetValue(user, out var connections))
            {
                connections = new HashSet<string>(StringComparer.Ordinal);
                _byUser.Add(user, connections);
            }

            if (connections.Count >= _max)
            {
                throw ErrorMapping.ToHubException(new ErrorMapping.Failure(429,
                    $"{user} already has {_max} connections to this host, the most one user may have (Realtime:MaxConnectionsPerUser). " +
                    "One connection serves every post, room and campaign: close another connection, or reuse one."));
            }

            connections.Add(context.Context.ConnectionId);
        }

        return next(context);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        try
        {
            await next(context, exception);
        }
        finally
        {
            var user = context.Context.User!.Handle();
            lock (_lock)
            {
                if (_byUser.TryGetValue(user, out var connections) && connections.Remove(context.Context.ConnectionId) && connections.Count == 0)
                {
                    _byUser.Remove(user);
                }
            }
        }
    }
}

/// <summary>
/// Bounds what one <c>SubscribePost</c> or <c>JoinLive</c> returns to about <see cref="RealtimeOptions.MaxCatchUpBytes"/> of
/// JSON, besides the grains' 1,000 items: the rest is marked <c>hasMore</c>, and the client pages it with <c>afterSeq</c>.
/// </summary>
public sealed class CatchUpLimit(IOptions<RealtimeOptions> options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly int _maxBytes = options.Value.MaxCatchUpBytes;

    /// <summary>The longest prefix of <paramref name="items"/> within the budget (at least one item), and whether it is all of them.</summary>
    public (IReadOnlyList<T> Items, bool Complete) Take<T>(IReadOnlyList<T> items)
    {
        var bytes = 0L;
        for (var i = 0; i < items.Count; i++)
        {
            bytes += JsonSerializer.SerializeToUtf8Bytes(items[i], Json).Length;
            if (bytes > _maxBytes && i > 0)
            {
                return (items.Take(i).ToList(), false);
            }
        }

        return (items, true);
    }
}
