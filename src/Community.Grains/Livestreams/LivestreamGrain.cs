using Community.Errors;
using Community.Grains.Realtime;
using Community.Grains.Storage;
using Community.Identity;
using Community.Livestreams;
using Community.Realtime;
using Community.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Community.Grains.Livestreams;

/// <summary>
/// A co-hosted livestream: one partition holds the room (head), its chat (a row per message, gap-free seqs),
/// client ids, a row per user who chatted or was restricted (<see cref="LiveUsers"/>), and the moderation log. Every
/// change, from a chat message to a ban or the end of the stream, is one op of a <see cref="Journal{THead}"/>, so it is
/// stored atomically with its audit record, ordered with the chat, and acknowledged only once stored. Ops are planned
/// again on the head they meet, so racing changes (a ban and a message, two ends) stay consistent.
/// This grain holds the room's lifecycle and hosts; the chat rules are <see cref="LiveChat"/>'s, moderation
/// <see cref="LiveModeration"/>'s and presence <see cref="LivePresence"/>'s.
/// Reentrant: chat, moderation and viewer reports queue into the next batch while one is being stored.
/// </summary>
[Reentrant]
public sealed partial class LivestreamGrain : Grain, ILivestreamGrain, IStreamOwner<LiveHead>
{
    public const string Table = "livestreams";

    private readonly ILogStore _store;
    private readonly TimeProvider _time;
    private readonly LivestreamOptions _options;
    private readonly ILogger _logger;
    private readonly RealtimeFanout _fanout;
    private readonly Journal<LiveHead> _journal;
    private readonly ItemStream<LiveHead, ChatMessage> _chatLog;
    private readonly LiveUsers _users;
    private readonly LiveChat _chat;
    private readonly LiveModeration _moderation;
    private readonly LivePresence _presence;
    private ChatMessage? _pinned;

    public LivestreamGrain(ILogStoreFactory stores, RelayRegistry relays, TimeProvider time, IOptions<LivestreamOptions> options, ILogger<LivestreamGrain> logger, RoomTimers timers)
    {
        _store = stores.Get(Table);
        _fanout = new RealtimeFanout(relays, logger);
        _chatLog = new ItemStream<LiveHead, ChatMessage>(_store, LiveId, this, m => m.Seq, ChatRowFormat.Instance, _fanout, RequireHeadAsync, logger);
        _time = time;
        _options = options.Value;
        _logger = logger;
        _journal = _chatLog.Journal;
        _journal.Reloaded += OnReloaded;
        _users = new LiveUsers(_store, LiveId);
        _chat = new LiveChat(LiveId, time, _options, GrainFactory, _users);
        _moderation = new LiveModeration(_store, LiveId, time, _users);
        _presence = new LivePresence(LiveId, time, _options, _fanout, timers);
    }

    private string LiveId => this.GetPrimaryKeyString();

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _presence.Stop();
        // The peak rides along with every stored batch; store it now if viewers peaked after the last one.
        if (_journal.Head is { } head && _presence.PeakedAbove(head))
        {
            try
            {
                await _journal.Submit<bool>(new RoomOp(h => h, publish: false));
            }
            catch (Exception ex)
            {
                LogPeakNotStored(_logger, ex, LiveId);
            }
        }
    }

    public async Task<LiveRoom> Create(string host, string title, string? campaignId)
    {
        var head = new LiveHead(LiveLimits.Title(title), LiveLimits.CampaignId(campaignId), _time.GetUtcNow(), [Handle.Require(host)]);
        await HostRules.RequireCreatorAsync(GrainFactory, host, () => CommunityException.Forbidden(
            $"Only creators can host a livestream: create your creator profile first (PUT /api/creators/{host})."));
        await HostRules.RequireCampaignCreatorAsync(GrainFactory, head.CampaignId, host);
        await _journal.CreateAsync(head, $"Livestream '{LiveId}' already exists.");
        return await RoomAsync();
    }

    public Task<LiveRoom> GetRoom() => RoomAsync();

    public async Task<LiveInvite> Invite(string host, string handle)
    {
        Handle.Require(handle, "co-host handle");
        var head = await RequireHeadAsync();
        var invited = head.WithInvite(host, handle, _options.MaxHosts);
        await HostRules.RequireCreatorAsync(GrainFactory, handle, () => CommunityException.Invalid(
            $"{handle} has no creator profile; only creators can co-host a livestream."));
        HostRules.RequireInvitable(await _users.GetAsync(handle), handle);
        if (ReferenceEquals(invited, head))
        {
            // Inviting again is idempotent and notifies no one again, so repeats cannot flood the invitee.
            return new LiveInvite(LiveId, head.Title, handle, host, head.Hosts, _time.GetUtcNow());
        }

        await _journal.Submit<bool>(new RoomOp(h => h.WithInvite(host, handle, _options.MaxHosts)));
        var invite = new LiveInvite(LiveId, head.Title, handle, host, _journal.Head!.Hosts, _time.GetUtcNow());
        _fanout.Publish(Topics.User(handle), invite);
        return invite;
    }

    public async Task<LiveRoom> AcceptInvite(string handle)
    {
        HostRules.RequireMayAccept(await _users.GetAsync(handle));
        return await ChangeRoomAsync(h => h.WithHost(handle, _options.MaxHosts));
    }

    public Task<LiveRoom> Start(string host) => ChangeRoomAsync(h => h.Started(host, _time.GetUtcNow()));

    public Task<LiveRoom> End(string host) => ChangeRoomAsync(h => h.Ended(host, _time.GetUtcNow()));

    public async Task<LiveJoin> Join(string viewer, string? via, long afterSeq)
    {
        var head = await RequireHeadAsync();
        var resolved = head.ResolveVia(viewer, via);
        var (missed, hasMore) = await _chatLog.CatchUpAsync(afterSeq);
        return new LiveJoin(head.LastSeq, missed, head.ToRoom(LiveId, _presence.Viewers, _pinned), hasMore, resolved);
    }

    public async Task<ChatMessage> SendChat(string author, string text, string? via, string? clientId)
    {
        await RequireHeadAsync();
        text = Limits.Text(text, "chat message");
        var client = ClientKey.Of(author, Limits.ClientId(clientId));
        if (_journal.Repeat<ChatMessage>(client) is { } repeat)
        {
            return await repeat;
        }

        return await _journal.Submit<ChatMessage>(await _chat.PrepareAsync(() => _journal.Head!, author, text, via, client));
    }

    public Task<long> Attach(string topic, string hostId, long stamp) => _chatLog.AttachAsync(topic, hostId, stamp);

    public Task<IReadOnlyList<RealtimeEvent>> Replay(string topic, long afterSeq, long toSeq) => _chatLog.ReplayAsync(topic, afterSeq, toSeq);

    public async Task<ChatPage> GetChat(long afterSeq, int limit)
    {
        var head = await RequireHeadAsync();
        return new ChatPage(await _chatLog.PageAsync(afterSeq, limit), head.LastSeq);
    }

    public async Task<ModerationRecord> Moderate(string by, ModerationRequest request)
    {
        var command = ModerationRules.Parse(LiveId, request);
        await RequireHeadAsync();
        return await _journal.Submit<ModerationRecord>(await _moderation.PrepareAsync(() => _journal.Head!, by, command, GetMessageAsync));
    }

    public async Task<ModerationLog> GetModeration(string caller, long afterSeq, int limit) =>
        await _moderation.ReadAsync(await RequireHeadAsync(), caller, afterSeq, limit);

    public async Task ReportViewers(string hostId, IReadOnlyDictionary<string, int> viewersByVia)
    {
        await _journal.EnsureLoadedAsync();
        if (_journal.Head is null)
        {
            return;
        }

        _presence.Start(this, Flush);
        _presence.Report(hostId, viewersByVia);
        Flush();
    }

    private async Task<LiveRoom> ChangeRoomAsync(Func<LiveHead, LiveHead> change)
    {
        var head = await RequireHeadAsync();
        if (!ReferenceEquals(change(head), head))
        {
            await _journal.Submit<bool>(new RoomOp(change));
        }

        return await RoomAsync();
    }

    private async Task<LiveRoom> RoomAsync()
    {
        var head = await RequireHeadAsync();
        return head.ToRoom(LiveId, _presence.Viewers, _pinned);
    }

    private async Task<LiveHead> RequireHeadAsync()
    {
        await _journal.EnsureLoadedAsync();
        var head = _journal.Head ?? throw CommunityException.NotFound($"There is no livestream '{LiveId}'.");
        _presence.Start(this, Flush);
        if (head.PinnedSeq != 0 && _pinned?.Seq != head.PinnedSeq)
        {
            _pinned = await _chatLog.FindAsync(head.PinnedSeq);
            head = _journal.Head!;
        }

        return head;
    }

    private async Task<ChatMessage> GetMessageAsync(long seq) =>
        await _chatLog.FindAsync(seq)
            ?? throw CommunityException.NotFound($"There is no chat message {ChatKey.Format(LiveId, seq)}.");

    private void OnReloaded()
    {
        _users.Clear();
        _pinned = null;
        if (_journal.Head is { } head)
        {
            _presence.Viewers.RaisePeak(head.PeakViewers);
            _fanout.PublishHead(Topics.Live(LiveId), head.LastSeq);
        }
    }

    private void Flush()
    {
        if (_journal.Head is { } head)
        {
            _presence.Flush(head, _pinned);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the peak viewers of livestream {LiveId} on deactivation.")]
    private static partial void LogPeakNotStored(ILogger logger, Exception ex, string liveId);
}
