using System.Globalization;
using Community.Creators;
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
/// client ids, a row per user who chatted or was restricted, and the moderation log. Every change, from a chat
/// message to a ban or the end of the stream, is one op of a <see cref="Journal{THead}"/>, so it is stored
/// atomically with its audit record, ordered with the chat, and acknowledged only once stored. Ops are checked
/// again against the head they are planned on, so racing changes (a ban and a message, two ends) stay consistent.
/// Presence is not stored: each Community host reports its viewers about every second, and the grain sums the
/// reports and publishes at most one <c>ViewersUpdated</c> and one <c>LiveUpdated</c> per interval.
/// Reentrant so that calls queue into the next batch while one is being stored.
/// </summary>
[Reentrant]
public sealed partial class LivestreamGrain : Grain, ILivestreamGrain, IJournalOwner<LiveHead>
{
    public const string Table = "livestreams";
    private const int MaxCatchUp = 1_000;
    private const string UserPrefix = "u";
    private static readonly TimeSpan FollowerCacheTime = TimeSpan.FromMinutes(1);

    private readonly ILogStore _store;
    private readonly TimeProvider _time;
    private readonly LivestreamOptions _options;
    private readonly ILogger _logger;
    private readonly RealtimeFanout _fanout;
    private readonly Journal<LiveHead> _journal;
    private readonly SeqWindow<ChatMessage> _recent = new(m => m.Seq, ChatRowFormat.Instance);
    private readonly ClientIdIndex _clientIds;
    private readonly RecentMap<LiveUser> _users = new(50_000);
    private readonly RecentMap<DateTimeOffset> _followers = new(50_000);
    private readonly HashSet<long> _removed = [];
    private readonly SlowModeGate _slowMode;
    private readonly ChatRateLimiter _rateLimiter;
    private readonly ViewerTally _viewers;
    private readonly UpdateThrottle _viewerUpdates;
    private readonly UpdateThrottle _roomUpdates;
    private readonly RoomTicker _ticker;
    private ChatMessage? _pinned;

    public LivestreamGrain(ILogStoreFactory stores, RelayRegistry relays, TimeProvider time, IOptions<LivestreamOptions> options, ILogger<LivestreamGrain> logger, RoomTimers timers)
    {
        _ticker = new RoomTicker(timers, this.GetPrimaryKeyString());
        _store = stores.Get(Table);
        _time = time;
        _options = options.Value;
        _logger = logger;
        _fanout = new RealtimeFanout(relays, logger);
        _journal = new Journal<LiveHead>(_store, LiveId, this, logger);
        _clientIds = new ClientIdIndex(_store, LiveId);
        _journal.Reloaded += OnReloaded;
        _slowMode = new SlowModeGate(time);
        _rateLimiter = new ChatRateLimiter(time, _options.ChatBurst, _options.ChatRefillInterval);
        _viewers = new ViewerTally(_options.PresenceExpiry);
        _viewerUpdates = new UpdateThrottle(_options.UpdateInterval);
        _roomUpdates = new UpdateThrottle(_options.UpdateInterval);
    }

    private string LiveId => this.GetPrimaryKeyString();

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _ticker.Stop();
        // The peak rides along with every stored batch; store it now if viewers peaked after the last one.
        if (_journal.Head is { } head && _viewers.Peak > head.PeakViewers)
        {
            try
            {
                await _journal.Submit(new RoomOp(h => h, publish: false));
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
        if (!await IsCreatorAsync(host))
        {
            throw CommunityException.Forbidden($"Only creators can host a livestream: create your creator profile first (PUT /api/creators/{host}).");
        }

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
        if (!await IsCreatorAsync(handle))
        {
            throw CommunityException.Invalid($"{handle} has no creator profile; only creators can co-host a livestream.");
        }

        HostRules.RequireInvitable(await UserAsync(handle), handle);
        if (ReferenceEquals(invited, head))
        {
            // Inviting again is idempotent and notifies no one again, so repeats cannot flood the invitee.
            return new LiveInvite(LiveId, head.Title, handle, host, head.Hosts, _time.GetUtcNow());
        }

        await _journal.Submit(new RoomOp(h => h.WithInvite(host, handle, _options.MaxHosts)));
        var invite = new LiveInvite(LiveId, head.Title, handle, host, _journal.Head!.Hosts, _time.GetUtcNow());
        _fanout.Publish(Topics.User(handle), ClientEvents.InviteReceived, invite);
        return invite;
    }

    public async Task<LiveRoom> AcceptInvite(string handle)
    {
        HostRules.RequireMayAccept(await UserAsync(handle));
        return await ChangeRoomAsync(h => h.WithHost(handle, _options.MaxHosts));
    }

    public Task<LiveRoom> Start(string host) => ChangeRoomAsync(h => h.Started(host, _time.GetUtcNow()));

    public Task<LiveRoom> End(string host) => ChangeRoomAsync(h => h.Ended(host, _time.GetUtcNow()));

    public async Task<LiveJoin> Join(string viewer, string? via, long afterSeq)
    {
        var head = await RequireHeadAsync();
        var resolved = head.ResolveVia(viewer, via);
        var missed = await _recent.ReadAsync(_store, LiveId, afterSeq, head.LastSeq, MaxCatchUp);
        var hasMore = (missed.Count > 0 ? missed[^1].Seq : afterSeq) < head.LastSeq;
        return new LiveJoin(head.LastSeq, missed, head.ToRoom(LiveId, _viewers, _pinned), hasMore, resolved);
    }

    public async Task<ChatMessage> SendChat(string author, string text, string? via, string? clientId)
    {
        var head = await RequireHeadAsync();
        text = Limits.Text(text, "chat message");
        clientId = Limits.ClientId(clientId);
        var dedupeKey = ClientIdIndex.KeyOf(author, clientId);
        if (_clientIds.TryGetSeq(dedupeKey, out var knownSeq))
        {
            return await GetMessageAsync(knownSeq);
        }

        if (dedupeKey is not null && _journal.FindPending<ChatOp>(p => p.DedupeKey == dedupeKey) is { } inFlight)
        {
            return await inFlight.Task;
        }

        head.RequireLiveChat();
        via = head.ResolveVia(author, via);
        var user = await UserAsync(author);
        user.EnsureMayChat(_time.GetUtcNow());
        head = _journal.Head!;
        if (!head.CanModerate(author))
        {
            await RequireMayWriteAsync(head, author, text);
        }

        return await _journal.Submit(new ChatOp(author, text, via, clientId, dedupeKey, user));
    }

    public async Task<long> Attach(string topic, string hostId, long stamp)
    {
        var head = await RequireHeadAsync();
        _fanout.Attach(topic, hostId, stamp);
        return head.LastSeq;
    }

    public async Task<IReadOnlyList<RealtimeEvent>> Replay(string topic, long afterSeq, long toSeq)
    {
        await RequireHeadAsync();
        return await _recent.ReplayAsync(_store, LiveId, topic, ClientEvents.ChatReceived, afterSeq, toSeq, MaxCatchUp);
    }

    public async Task<ChatPage> GetChat(long afterSeq, int limit)
    {
        var head = await RequireHeadAsync();
        return new ChatPage(await _recent.ReadAsync(_store, LiveId, afterSeq, head.LastSeq, limit), head.LastSeq);
    }

    public async Task<ModerationRecord> Moderate(string by, ModerationRequest request)
    {
        var command = ModerationRules.Parse(LiveId, request);
        var head = await RequireHeadAsync();
        head.RequireModerator(by, command);
        ChatMessage? message = null;
        LiveUser? user = null;
        if (command.MessageSeq is { } seq)
        {
            message = seq <= head.LastSeq
                ? await GetMessageAsync(seq)
                : throw CommunityException.NotFound($"There is no chat message {ChatKey.Format(LiveId, seq)}.");
        }
        else if (command.Action is ModerationAction.Timeout or ModerationAction.Ban or ModerationAction.Unban)
        {
            user = await UserAsync(command.Target!);
        }

        var op = new ModerationOp(by, command, message, user);
        // Fail fast on what the head already refuses, without a storage round trip; planning checks it again.
        PlanModeration(_journal.Head!, op, []);
        return await _journal.Submit(op);
    }

    public async Task<ModerationLog> GetModeration(string caller, long afterSeq, int limit)
    {
        var head = await RequireHeadAsync();
        if (!head.CanModerate(caller))
        {
            throw CommunityException.Forbidden($"Only the hosts and moderators of this livestream may read its moderation log; {caller} is neither.");
        }

        var rows = afterSeq >= head.LastModerationSeq
            ? []
            : await _store.RangeAsync(LiveId, ModerationKey(afterSeq + 1), ModerationKey(head.LastModerationSeq + 1), limit);
        return new ModerationLog(rows.Select(r => LogJson.Read<ModerationRecord>(r.Data)).ToList(), head.LastModerationSeq, head.Moderators, head.BlockedTerms);
    }

    public async Task ReportViewers(string hostId, IReadOnlyDictionary<string, int> viewersByVia)
    {
        await _journal.EnsureLoadedAsync();
        if (_journal.Head is null)
        {
            return;
        }

        _ticker.EnsureStarted(this, Flush, _options.UpdateInterval);
        if (_viewers.Report(hostId, viewersByVia, _time.GetUtcNow()))
        {
            _viewerUpdates.Changed();
        }

        Flush();
    }

    LiveHead IJournalOwner<LiveHead>.Plan(LiveHead head, JournalOp op, List<LogWrite> writes)
    {
        var liveOp = (ILiveOp)op;
        liveOp.Rejection = null;
        try
        {
            var next = op switch
            {
                ChatOp c => PlanChat(head, c, writes),
                ModerationOp m => PlanModeration(head, m, writes),
                RoomOp r => r.Change(head),
                _ => throw new ArgumentException($"Unknown op {op.GetType().Name}.", nameof(op)),
            };
            return next.PeakViewers < _viewers.Peak ? next with { PeakViewers = _viewers.Peak } : next;
        }
        catch (CommunityException ex)
        {
            // Refused on the head it meets (a ban or the end landed first): it writes nothing and fails once the batch is stored.
            liveOp.Rejection = ex;
            return head;
        }
    }

    void IJournalOwner<LiveHead>.Committed(IReadOnlyList<JournalOp> batch, LiveHead head)
    {
        var topic = Topics.Live(LiveId);
        foreach (var op in batch)
        {
            if (((ILiveOp)op).Rejection is { } rejection)
            {
                op.Fail(rejection);
                continue;
            }

            switch (op)
            {
                case ChatOp c:
                    var message = c.Planned!;
                    _recent.Add(message);
                    _clientIds.Remember(c.DedupeKey, message.Seq);

                    if (c.UserAfter is { } chatter)
                    {
                        _users.Set(c.Author, chatter);
                        _viewerUpdates.Changed();
                    }

                    c.Succeed(message);
                    _fanout.Publish(topic, ClientEvents.ChatReceived, message, message.Seq);
                    break;
                case ModerationOp m:
                    if (m.UserAfter is { } target)
                    {
                        _users.Set(m.Command.Target!, target);
                    }

                    if (m.Tombstone is { } tombstone)
                    {
                        _removed.Add(tombstone.Seq);
                        _recent.Replace(tombstone);
                        _fanout.Publish(topic, ClientEvents.ChatRemoved, new ChatRemoved(LiveId, tombstone.Seq, tombstone.Id));
                    }

                    if (m.Command.Action == ModerationAction.Pin)
                    {
                        _pinned = m.Message;
                    }

                    if (m.ChangesRoom)
                    {
                        _roomUpdates.Changed();
                    }

                    m.Succeed(m.Planned!);
                    break;
                case RoomOp r:
                    if (r.Publish)
                    {
                        _roomUpdates.Changed();
                    }

                    r.Succeed(true);
                    break;
            }
        }

        Flush();
    }

    async Task IJournalOwner<LiveHead>.ResolveConflictAsync(JournalOp op, LogWrite write)
    {
        switch (op)
        {
            case ILiveOp { UserHandle: { } user } retry when write.Key == UserKey(user):
                // The user's row exists although this activation had not seen it (another activation wrote it):
                // learn it and plan the op again, now replacing the row.
                var row = await _store.ReadAsync(LiveId, write.Key);
                _users.Set(user, (row is null ? LiveUser.None : LogJson.Read<LiveUser>(row.Data)) with { Stored = true });
                retry.Resubmit(_journal);
                break;
            case ChatOp { ClientId: { } clientId } c when ClientIdIndex.IsRow(write, c.Author, clientId):
                // A retry of a message stored earlier: answer with that one.
                c.Succeed(await GetMessageAsync(await _clientIds.ResolveAsync(c.Author, clientId)));
                break;
            default:
                throw CommunityException.Unavailable("This livestream is being written elsewhere; try again.");
        }
    }

    private LiveHead PlanChat(LiveHead head, ChatOp c, List<LogWrite> writes)
    {
        var now = _time.GetUtcNow();
        head.RequireLiveChat();
        var user = CurrentUser(c.Author, c.Loaded);
        user.EnsureMayChat(now);

        var seq = head.LastSeq + 1;
        var offset = Math.Max(0, Math.Round((now - head.StartedAt!.Value).TotalSeconds, 3));
        c.Planned = new ChatMessage(LiveId, seq, ChatKey.Format(LiveId, seq), c.Author, c.Text, now, c.Via, Removed: false, offset);
        writes.Add(LogWrite.Insert(LogKeys.Seq(seq), ChatRowFormat.Instance.Write(c.Planned)));
        if (c.ClientId is not null)
        {
            writes.Add(ClientIdIndex.Row(c.Author, c.ClientId, seq));
        }

        var next = head with { LastSeq = seq };
        c.UserAfter = null;
        if (!user.Vias.Contains(c.Via, StringComparer.Ordinal))
        {
            c.UserAfter = user with { Vias = [.. user.Vias, c.Via], Stored = true };
            writes.Add(UserWrite(c.Author, user, c.UserAfter));
            next = next.WithChatter(c.Via, firstMessage: !user.HasChatted);
        }

        return next;
    }

    private LiveHead PlanModeration(LiveHead head, ModerationOp m, List<LogWrite> writes)
    {
        var now = _time.GetUtcNow();
        var command = m.Command;
        head.RequireModerator(m.By, command);
        var next = head.Apply(command) with { LastModerationSeq = head.LastModerationSeq + 1 };
        m.Tombstone = null;
        m.UserAfter = null;
        m.ChangesRoom = command.Action is ModerationAction.SlowMode or ModerationAction.FollowersOnly or ModerationAction.Pin
            or ModerationAction.Unpin or ModerationAction.AddModerator or ModerationAction.RemoveModerator || !ReferenceEquals(next.Invited, head.Invited);
        DateTimeOffset? until = null;
        LogWrite? write = null;
        switch (command.Action)
        {
            case ModerationAction.Remove:
                RequireNotRemoved(m.Message!, "It was already removed.");
                m.Tombstone = m.Message! with { Removed = true, Text = "" };
                write = LogWrite.Upsert(LogKeys.Seq(m.Tombstone.Seq), ChatRowFormat.Instance.Write(m.Tombstone));
                if (head.PinnedSeq == m.Tombstone.Seq)
                {
                    next = next with { PinnedSeq = 0 };
                    m.ChangesRoom = true;
                }

                break;
            case ModerationAction.Pin:
                RequireNotRemoved(m.Message!, "A removed message cannot be pinned.");
                break;
            case ModerationAction.Timeout or ModerationAction.Ban or ModerationAction.Unban:
                var target = command.Target!;
                var user = CurrentUser(target, m.Loaded!);
                if (command.Action == ModerationAction.Unban)
                {
                    m.UserAfter = user with { Banned = false, TimeoutUntil = null, Stored = true };
                }
                else
                {
                    head.RequireRestrictable(target);
                    until = command.Action == ModerationAction.Timeout ? now.AddSeconds(command.Seconds!.Value) : null;
                    m.UserAfter = command.Action == ModerationAction.Timeout
                        ? user with { TimeoutUntil = until, Stored = true }
                        : user with { Banned = true, Stored = true };
                }

                write = UserWrite(target, user, m.UserAfter);
                break;
        }

        var messageId = command.MessageSeq is { } seq ? ChatKey.Format(LiveId, seq) : null;
        m.Planned = new ModerationRecord(LiveId, next.LastModerationSeq, command.Name, m.By, now, command.Target, command.Seconds, messageId, command.Terms, command.Enabled, until);
        if (write is { } w)
        {
            writes.Add(w);
        }

        writes.Add(LogWrite.Insert(ModerationKey(next.LastModerationSeq), LogJson.Write(m.Planned)));
        return next;
    }

    /// <summary>Followers-only, blocked terms, slow mode and the per-user rate limit: what hosts and moderators are exempt from.</summary>
    private async Task RequireMayWriteAsync(LiveHead head, string author, string text)
    {
        if (head.FollowersOnly && !await FollowsAnyHostAsync(head, author))
        {
            throw CommunityException.Forbidden($"This chat is followers-only: follow one of the hosts ({string.Join(", ", head.Hosts)}) to write.");
        }

        head = _journal.Head!;
        if (BlockedTerms.FindMatch(text, head.BlockedTerms) is not null)
        {
            throw CommunityException.Invalid("Your message contains a term the hosts have blocked in this chat; it was not sent. Rephrase it and try again.");
        }

        // Checked last and reserved at once (no await in between), so a refused message costs no slot and racing ones cannot share one.
        if (_slowMode.Wait(author, head.SlowModeSeconds) is { } slow)
        {
            throw ChatRefusal.SlowMode(head.SlowModeSeconds, slow);
        }

        if (_rateLimiter.Wait(author) is { } tooFast)
        {
            throw ChatRefusal.TooFast(tooFast);
        }

        _slowMode.Sent(author);
        _rateLimiter.Take(author);
    }

    private async Task<bool> FollowsAnyHostAsync(LiveHead head, string user)
    {
        var now = _time.GetUtcNow();
        if (_followers.TryGetValue(user, out var confirmed) && now - confirmed < FollowerCacheTime)
        {
            return true;
        }

        var follows = await Task.WhenAll(head.Hosts.Select(h => GrainFactory.GetGrain<ICreatorGrain>(h).IsFollower(user)));
        if (follows.Any(f => f))
        {
            _followers.Set(user, now);
            return true;
        }

        return false;
    }

    private async Task<bool> IsCreatorAsync(string handle) =>
        await GrainFactory.GetGrain<ICreatorGrain>(handle).GetProfile() is not null;

    private async Task<LiveRoom> ChangeRoomAsync(Func<LiveHead, LiveHead> change)
    {
        var head = await RequireHeadAsync();
        if (!ReferenceEquals(change(head), head))
        {
            await _journal.Submit(new RoomOp(change));
        }

        return await RoomAsync();
    }

    private async Task<LiveRoom> RoomAsync()
    {
        var head = await RequireHeadAsync();
        return head.ToRoom(LiveId, _viewers, _pinned);
    }

    private async Task<LiveHead> RequireHeadAsync()
    {
        await _journal.EnsureLoadedAsync();
        var head = _journal.Head ?? throw CommunityException.NotFound($"There is no livestream '{LiveId}'.");
        _ticker.EnsureStarted(this, Flush, _options.UpdateInterval);
        if (head.PinnedSeq != 0 && _pinned?.Seq != head.PinnedSeq)
        {
            _pinned = await _recent.GetAsync(_store, LiveId, head.PinnedSeq);
            head = _journal.Head!;
        }

        return head;
    }

    private async Task<ChatMessage> GetMessageAsync(long seq) =>
        await _recent.GetAsync(_store, LiveId, seq)
            ?? throw CommunityException.NotFound($"There is no chat message {ChatKey.Format(LiveId, seq)}.");

    /// <summary>The user's row, from memory or storage (once per activation while it stays among the recent users).</summary>
    private async Task<LiveUser> UserAsync(string user)
    {
        if (_users.TryGetValue(user, out var known))
        {
            return known;
        }

        var row = await _store.ReadAsync(LiveId, UserKey(user));
        if (_users.TryGetValue(user, out known))
        {
            return known;
        }

        var loaded = row is null ? LiveUser.None : LogJson.Read<LiveUser>(row.Data) with { Stored = true };
        _users.Set(user, loaded);
        return loaded;
    }

    private LiveUser CurrentUser(string user, LiveUser loaded) => _users.TryGetValue(user, out var current) ? current : loaded;

    private void RequireNotRemoved(ChatMessage message, string why)
    {
        if (message.Removed || _removed.Contains(message.Seq))
        {
            throw CommunityException.Conflict($"Chat message {message.Id} was removed. {why}");
        }
    }

    private void OnReloaded()
    {
        _recent.Clear();
        _users.Clear();
        _pinned = null;
        if (_journal.Head is { } head)
        {
            _viewers.RaisePeak(head.PeakViewers);
            _fanout.PublishHead(Topics.Live(LiveId), head.LastSeq);
        }
    }

    /// <summary>Expires silent hosts' viewers and publishes the room's pending updates, each at most once per interval.</summary>
    private void Flush()
    {
        if (_journal.Head is not { } head)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (_viewers.Expire(now))
        {
            _viewerUpdates.Changed();
        }

        var topic = Topics.Live(LiveId);
        if (_viewerUpdates.TryTake(now))
        {
            _fanout.Publish(topic, ClientEvents.ViewersUpdated, head.ToViewers(LiveId, _viewers));
        }

        if (_roomUpdates.TryTake(now))
        {
            _fanout.Publish(topic, ClientEvents.LiveUpdated, head.ToRoom(LiveId, _viewers, _pinned));
        }
    }

    private static string UserKey(string user) => LogKeys.Of(UserPrefix, user);

    private static string ModerationKey(long seq) => LogKeys.Of("m", seq.ToString("D15", CultureInfo.InvariantCulture));

    private static LogWrite UserWrite(string user, LiveUser before, LiveUser after) =>
        before.Stored ? LogWrite.Upsert(UserKey(user), LogJson.Write(after)) : LogWrite.Insert(UserKey(user), LogJson.Write(after));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the peak viewers of livestream {LiveId} on deactivation.")]
    private static partial void LogPeakNotStored(ILogger logger, Exception ex, string liveId);

    /// <summary>What the grain needs of every op: the refusal met when planning, and (for ops that write a user's row) the user.</summary>
    private interface ILiveOp
    {
        CommunityException? Rejection { get; set; }

        /// <summary>The handle whose row this op writes, if any.</summary>
        string? UserHandle { get; }

        void Resubmit(Journal<LiveHead> journal);
    }

    private abstract class LiveOp<TResult> : JournalOp<TResult>, ILiveOp
    {
        public CommunityException? Rejection { get; set; }

        public abstract string? UserHandle { get; }

        public void Resubmit(Journal<LiveHead> journal) => _ = journal.Submit(this);
    }

    private sealed class ChatOp(string author, string text, string via, string? clientId, string? dedupeKey, LiveUser user) : LiveOp<ChatMessage>
    {
        public string Author { get; } = author;

        public string Text { get; } = text;

        public string Via { get; } = via;

        public string? ClientId { get; } = clientId;

        public string? DedupeKey { get; } = dedupeKey;

        /// <summary>The author's row as loaded before submitting, in case it left the recent users meanwhile.</summary>
        public LiveUser Loaded { get; } = user;

        public ChatMessage? Planned { get; set; }

        /// <summary>The author's row after this message, when it changes (first message, or first through this host).</summary>
        public LiveUser? UserAfter { get; set; }

        public override string? UserHandle => Author;

        // The message, its client id and the author's row.
        public override int Writes => ClientId is null ? 2 : 3;
    }

    private sealed class ModerationOp(string by, ModerationCommand command, ChatMessage? message, LiveUser? user) : LiveOp<ModerationRecord>
    {
        public string By { get; } = by;

        public ModerationCommand Command { get; } = command;

        public ChatMessage? Message { get; } = message;

        /// <summary>The target's row as loaded before submitting (timeout, ban, unban).</summary>
        public LiveUser? Loaded { get; } = user;

        public ModerationRecord? Planned { get; set; }

        public ChatMessage? Tombstone { get; set; }

        public LiveUser? UserAfter { get; set; }

        public bool ChangesRoom { get; set; }

        public override string? UserHandle => Loaded is null ? null : Command.Target;

        // The audit record, and the tombstone or the target's row.
        public override int Writes => 2;
    }

    private sealed class RoomOp(Func<LiveHead, LiveHead> change, bool publish = true) : LiveOp<bool>
    {
        public Func<LiveHead, LiveHead> Change { get; } = change;

        public bool Publish { get; } = publish;

        public override string? UserHandle => null;

        public override int Writes => 0;
    }
}
