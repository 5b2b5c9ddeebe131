using System.Text.Json;
using Community.Host.Auth;
using Community.Host.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Community.Host.Realtime;

/// <summary>
/// Refuses a user's connection to this host beyond <see cref="RealtimeOptions.MaxConnectionsPerUser"/>: the connection is
/// closed right after its handshake with an error that names the limit. The count is <see cref="RealtimeConnections"/>'
/// own index of each user's connections, which holds the new connection already when the hub's filters run; a refused
/// connection leaves it again as it closes.
/// </summary>
public sealed class HubConnectionLimitFilter(RealtimeConnections connections, IOptions<RealtimeOptions> options) : IHubFilter
{
    private readonly int _max = options.Value.MaxConnectionsPerUser;

    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        var user = context.Context.User!.Handle();
        if (connections.OfUser(user).Length > _max)
        {
            throw ErrorMapping.ToHubException(new ErrorMapping.Failure(429,
                $"{user} already has {_max} connections to this host, the most one user may have (Realtime:MaxConnectionsPerUser). " +
                "One connection serves every post, room and campaign: close another connection, or reuse one."));
        }

        return next(context);
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
