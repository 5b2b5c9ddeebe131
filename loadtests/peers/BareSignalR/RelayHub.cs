using Microsoft.AspNetCore.SignalR;

namespace Community.LoadTests.Peers.BareSignalR;

/// <summary>
/// <c>/hubs/community</c> with Community's method and event names, relaying in memory: no storage, no ordering service,
/// no scoring. Arguments bind by position as on Community (optional ones are passed as null).
/// </summary>
public sealed class RelayHub(PeerState state, Membership membership, IDeliveryFaults faults, HeldDeliveries held) : Hub
{
    private const int MaxText = 2_000;
    private const int MaxClientId = 64;
    private const string UserKey = "user";

    private string Me => (string)Context.Items[UserKey]!;

    public override async Task OnConnectedAsync()
    {
        var me = PeerUser.Of(Context.GetHttpContext()!);
        Context.Items[UserKey] = me;
        await Groups.AddToGroupAsync(Context.ConnectionId, Topics.User(me));
        membership.Add(Topics.User(me), Context.ConnectionId);
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        foreach (var group in membership.RemoveConnection(Context.ConnectionId))
        {
            if (group.StartsWith("live:", StringComparison.Ordinal) && state.Rooms.TryGetValue(group["live:".Length..], out var room))
            {
                room.ViewerLeft();
            }
        }

        return Task.CompletedTask;
    }

    public async Task<LiveJoin> JoinLive(string liveId, string? via, long? afterSeq)
    {
        var room = Room(liveId);
        var topic = Topics.Live(liveId);
        await Groups.AddToGroupAsync(Context.ConnectionId, topic);
        if (!membership.Contains(topic, Context.ConnectionId))
        {
            membership.Add(topic, Context.ConnectionId);
            room.ViewerJoined();
        }

        // No history: a (re)join learns the last seq and nothing before it.
        return new LiveJoin(room.Chat.LastSeq, [], room.View(), false, via ?? room.Host);
    }

    public async Task LeaveLive(string liveId)
    {
        var room = Room(liveId);
        var topic = Topics.Live(liveId);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, topic);
        if (membership.Contains(topic, Context.ConnectionId))
        {
            membership.Remove(topic, Context.ConnectionId);
            room.ViewerLeft();
        }
    }

    public async Task<ChatMessage> SendChat(string liveId, string text, string? clientId)
    {
        var room = Room(liveId);
        var me = Me;
        var body = Text(text);
        var (message, published) = room.Chat.Append(
            me,
            ClientId(clientId),
            seq => new ChatMessage(liveId, seq, $"{liveId}-{seq}", me, body, state.Time.GetUtcNow(), room.Host, false),
            (m, seq) => Publish(liveId, seq, Topics.Live(liveId), "ChatReceived", m));
        await published;
        return message;
    }

    public async Task<CommentCatchUp> SubscribePost(string postId, long? afterSeq)
    {
        var post = Post(postId);
        var topic = Topics.Post(postId);
        await Groups.AddToGroupAsync(Context.ConnectionId, topic);
        membership.Add(topic, Context.ConnectionId);
        return new CommentCatchUp(post.Comments.LastSeq, [], false);
    }

    public async Task UnsubscribePost(string postId)
    {
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, Topics.Post(postId));
        membership.Remove(Topics.Post(postId), Context.ConnectionId);
    }

    public async Task<CommentMessage> Comment(string postId, string text, string? replyTo, string? clientId)
    {
        var post = Post(postId);
        var me = Me;
        var body = Text(text);
        var (comment, published) = post.Comments.Append(
            me,
            ClientId(clientId),
            seq => new CommentMessage(postId, seq, $"{postId}-{seq}", me, body, replyTo, state.Time.GetUtcNow(), me == post.Creator),
            (c, seq) => Publish(postId, seq, Topics.Post(postId), "CommentAdded", c));
        await published;
        if (post.CampaignId is not null && state.Campaigns.TryGetValue(post.CampaignId, out var campaign))
        {
            campaign.Add(new Totals(0, 1, 0, 0));
        }

        return comment;
    }

    public Task<Counters> React(string postId, string kind)
    {
        var post = Post(postId);
        if (kind is not ("like" or "share" or "save"))
        {
            throw new HubException($"400 Invalid input: Unknown reaction '{kind}': use like, share or save.");
        }

        var (counters, delta) = post.React(Me, kind, faults.TimesCounted(postId));
        if (post.CampaignId is not null && state.Campaigns.TryGetValue(post.CampaignId, out var campaign))
        {
            campaign.Add(delta);
        }

        return Task.FromResult(counters);
    }

    public async Task<Message> SendMessage(string conversationId, string text, string? clientId)
    {
        var me = Me;
        if (!PeerState.TryParticipants(conversationId, out var first, out var second) || (me != first && me != second))
        {
            throw new HubException($"404 Not found: You have no conversation '{conversationId}'.");
        }

        var body = Text(text);
        var conversation = state.Conversations.GetOrAdd(conversationId, static id => new OrderedStream<Message>(id));
        var (message, published) = conversation.Append(
            me,
            ClientId(clientId),
            seq => new Message(conversationId, seq, $"{conversationId}-{seq}", me, body, state.Time.GetUtcNow()),
            (m, seq) => Task.WhenAll(
                Publish(conversationId, seq, Topics.User(first), "MessageReceived", m),
                Clients.Group(Topics.User(second)).SendAsync("MessageReceived", m)));
        await published;
        return message;
    }

    public async Task<CampaignSnapshot> WatchCampaign(string campaignId)
    {
        if (!state.Campaigns.TryGetValue(campaignId, out var campaign))
        {
            throw new HubException($"404 Not found: There is no campaign '{campaignId}'.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, Topics.Campaign(campaignId));
        return campaign.Snapshot(state.Time.GetUtcNow());
    }

    public Task UnwatchCampaign(string campaignId) =>
        Groups.RemoveFromGroupAsync(Context.ConnectionId, Topics.Campaign(campaignId));

    /// <summary>
    /// Sends to the whole group, unless a test's fault plan says one member misses it, gets it twice, or gets it only
    /// after the topic's next item. Runs under the stream's lock, so "after" holds on the wire.
    /// </summary>
    private Task Publish(string streamId, long seq, string topic, string method, object item)
    {
        var fault = faults.Plan(streamId, seq);
        var victim = fault == DeliveryFault.None ? null : membership.Victim(topic);
        var sent = (fault, victim) switch
        {
            (DeliveryFault.DropForOne or DeliveryFault.HoldBackForOne, not null) => Clients.GroupExcept(topic, [victim]).SendAsync(method, item),
            (DeliveryFault.DuplicateForOne, not null) => Task.WhenAll(
                Clients.Group(topic).SendAsync(method, item),
                Clients.Client(victim).SendAsync(method, item)),
            _ => Clients.Group(topic).SendAsync(method, item),
        };
        if (fault == DeliveryFault.HoldBackForOne && victim is not null)
        {
            held.Hold(topic, victim, method, item);
        }
        else if (held.TryTake(topic, out var late))
        {
            sent = Task.WhenAll(sent, Clients.Client(late.ConnectionId).SendAsync(late.Method, late.Item));
        }

        return sent;
    }

    private LiveRoom Room(string liveId) =>
        state.Rooms.TryGetValue(liveId ?? "", out var room)
            ? room
            : throw new HubException($"404 Not found: There is no livestream '{liveId}'.");

    private Post Post(string postId) =>
        state.Posts.TryGetValue(postId ?? "", out var post)
            ? post
            : throw new HubException($"404 Not found: There is no post '{postId}'.");

    private static string Text(string? text)
    {
        var trimmed = text?.Trim() ?? "";
        return trimmed.Length switch
        {
            0 => throw new HubException("400 Invalid input: The text is empty."),
            > MaxText => throw new HubException($"413 Too large: The text has {trimmed.Length} characters; the limit is {MaxText}."),
            _ => trimmed,
        };
    }

    private static string? ClientId(string? clientId) => clientId switch
    {
        null => null,
        { Length: > 0 and <= MaxClientId } => clientId,
        _ => throw new HubException($"400 Invalid input: clientId must be 1 to {MaxClientId} characters."),
    };
}
