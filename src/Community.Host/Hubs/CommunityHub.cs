using Community.Grains.Livestreams;
using Community.Host.Auth;
using Community.Host.Realtime;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Community.Host.Hubs;

/// <summary>
/// The one hub, <c>/hubs/community</c>. Thin by design: each method authorizes, validates and calls a grain;
/// events reach clients through the per-host relay, never from here. Split by area into partial files.
/// SignalR binds arguments by position, so optional arguments are passed as null.
/// </summary>
[Authorize]
public sealed partial class CommunityHub(IGrainFactory grains, LocalViewers liveViewers, HostRelay relay, CatchUpLimit catchUp) : Hub
{
    private string Me => Context.User!.Handle();

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        liveViewers.Disconnected(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}
