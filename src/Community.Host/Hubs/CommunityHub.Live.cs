using Community.Host.Hosting;
using Community.Identity;
using Community.Livestreams;
using Community.Realtime;
using Community.Validation;

namespace Community.Host.Hubs;

public sealed partial class CommunityHub
{
    /// <summary>
    /// Joins the room as a viewer counted for <paramref name="via"/> (a host; null = the first host) and returns
    /// what the caller missed after <paramref name="afterSeq"/>, with the room's state.
    /// </summary>
    [HubRead]
    public async Task<LiveJoin> JoinLive(string liveId, string? via, long? afterSeq)
    {
        var room = grains.GetGrain<ILivestreamGrain>(LiveKey.Require(liveId));
        var after = Limits.AfterSeq(afterSeq);
        if (via is not null)
        {
            Handle.Require(via, "via");
        }

        // Join first, then read: an event racing the read arrives twice (clients skip seq ≤ lastSeq), never zero times.
        await relay.SubscribeAsync(Context.ConnectionId, Topics.Live(liveId));
        try
        {
            var joined = await room.Join(Me, via, after);
            liveViewers.Join(Context.ConnectionId, Me, liveId, joined.Via);
            var (missed, complete) = catchUp.Take(joined.Missed);
            return complete ? joined : joined with { Missed = missed, HasMore = true };
        }
        catch
        {
            relay.Unsubscribe(Context.ConnectionId, Topics.Live(liveId));
            throw;
        }
    }

    [HubRead]
    public void LeaveLive(string liveId)
    {
        LiveKey.Require(liveId);
        liveViewers.Leave(Context.ConnectionId, liveId);
        relay.Unsubscribe(Context.ConnectionId, Topics.Live(liveId));
    }

    /// <summary>Sends a chat message through the host this connection joined the room through.</summary>
    public Task<ChatMessage> SendChat(string liveId, string text, string? clientId) =>
        grains.GetGrain<ILivestreamGrain>(LiveKey.Require(liveId))
            .SendChat(Me, text, liveViewers.ViaOf(Context.ConnectionId, liveId), clientId);

    public Task<ModerationRecord> Moderate(string liveId, ModerationRequest request) =>
        grains.GetGrain<ILivestreamGrain>(LiveKey.Require(liveId)).Moderate(Me, request);
}
