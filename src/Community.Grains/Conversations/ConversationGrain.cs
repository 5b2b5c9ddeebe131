using System.Globalization;
using Community.Conversations;
using Community.Creators;
using Community.Errors;
using Community.Grains.Realtime;
using Community.Grains.Storage;
using Community.Realtime;
using Community.Replies;
using Community.Validation;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Community.Grains.Conversations;

/// <summary>
/// A conversation between two users, built like a post's comment stream: messages are group-committed through a
/// <see cref="Journal{THead}"/> (the conversation's partition: head = read markers and counts, a row per message
/// and per client id), so every acknowledged message is stored and has a gap-free seq. Events go to both
/// participants' user topics, which reach every connection of each of them on any host, without subscribing.
/// After each change the participants' inboxes get the conversation's latest summary (<see cref="InboxSync"/>):
/// the caller hears back once they have it, but a message stays acknowledged even if an inbox is briefly
/// unreachable, since the summary is re-sent, idempotently, on the next change and whenever the grain activates.
/// Reentrant so that sends queue into the next batch while one is being stored.
/// </summary>
[Reentrant]
public sealed partial class ConversationGrain : Grain, IConversationGrain, IJournalOwner<ConversationHead>
{
    public const string Table = "conversations";

    private readonly ILogStore _store;
    private readonly TimeProvider _time;
    private readonly RealtimeFanout _fanout;
    private readonly Journal<ConversationHead> _journal;
    private readonly SeqWindow<Message> _recent = new(m => m.Seq, MessageRowFormat.Instance);
    private readonly ClientIdIndex _clientIds;
    private readonly Dictionary<string, TypingGate> _typing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InboxSync> _inboxes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long LastSeq, long ReadSeq)> _pushed = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly string _first;
    private readonly string _second;
    private Task? _creating;

    public ConversationGrain(ILogStoreFactory stores, RelayRegistry relays, TimeProvider time, ILogger<ConversationGrain> logger)
    {
        _store = stores.Get(Table);
        _time = time;
        _logger = logger;
        _fanout = new RealtimeFanout(relays, logger);
        _journal = new Journal<ConversationHead>(_store, Id, this, logger);
        _clientIds = new ClientIdIndex(_store, Id);
        _journal.Reloaded += OnReloaded;

        // A grain with a malformed key has no participants; every method refuses its callers before using these.
        ConversationKey.TryParse(Id, out _first, out _second);
        foreach (var participant in new[] { _first, _second })
        {
            _inboxes[participant] = new InboxSync(() => PushInboxAsync(participant), time);
        }
    }

    private string Id => this.GetPrimaryKeyString();

    public async Task<ConversationInfo> Open(string caller)
    {
        var other = ConversationKey.RequireParticipant(Id, caller);
        await RequireMayWriteAsync(caller, other);
        await EnsureCreatedAsync();
        var head = _journal.Head!;
        return new ConversationInfo(Id, other, head.LastSeq, head.ReadOf(caller), head.ReadOf(other));
    }

    public async Task<Message> Send(string author, string text, string? clientId)
    {
        var recipient = ConversationKey.RequireParticipant(Id, author);
        text = Limits.Text(text, "message");
        clientId = Limits.ClientId(clientId);
        var dedupeKey = ClientIdIndex.KeyOf(author, clientId);
        if (_clientIds.TryGetSeq(dedupeKey, out var knownSeq))
        {
            return await GetMessageAsync(knownSeq);
        }

        if (dedupeKey is not null && _journal.FindPending<MessageOp>(p => p.DedupeKey == dedupeKey) is { } inFlight)
        {
            return await inFlight.Task;
        }

        var access = await RequireMayWriteAsync(author, recipient);
        await EnsureCreatedAsync();
        var op = new MessageOp(author, text, clientId, dedupeKey, access.RecipientIsCreator);
        var message = await _journal.Submit(op);
        await Task.WhenAll(SyncInboxesAsync(_first, _second), op.ChangesOpening ? ReportOpeningAsync() : Task.CompletedTask);
        return message;
    }

    public async Task<MessagePage> GetMessages(string caller, long afterSeq, int limit)
    {
        var other = ConversationKey.RequireParticipant(Id, caller);
        await _journal.EnsureLoadedAsync();
        if (_journal.Head is not { } head)
        {
            return new MessagePage([], 0, 0, 0);
        }

        var items = await _recent.ReadAsync(_store, Id, afterSeq, head.LastSeq, limit);
        return new MessagePage(items, head.LastSeq, head.ReadOf(caller), head.ReadOf(other));
    }

    public async Task<ReadReceipt> MarkRead(string reader, long seq)
    {
        ConversationKey.RequireParticipant(Id, reader);
        if (seq < 0)
        {
            throw CommunityException.Invalid($"seq must be 0 or more; it was {seq}.");
        }

        await _journal.EnsureLoadedAsync();
        var head = _journal.Head;
        var lastSeq = head?.LastSeq ?? 0;
        if (seq > lastSeq)
        {
            throw CommunityException.Invalid($"seq {seq} is beyond the last message of this conversation ({lastSeq}); mark read up to a seq you have received.");
        }

        var current = head?.ReadOf(reader) ?? 0;
        if (head is null || seq <= current)
        {
            // Read markers never move back: a stale or repeated receipt changes nothing and tells nobody.
            return new ReadReceipt(Id, reader, current, _time.GetUtcNow());
        }

        var receipt = await _journal.Submit(new ReadOp(reader, seq));
        await SyncInboxesAsync(reader);
        return receipt;
    }

    public async Task Typing(string user)
    {
        var other = ConversationKey.RequireParticipant(Id, user);
        await RequireMayWriteAsync(user, other);
        if (!_typing.TryGetValue(user, out var gate))
        {
            gate = new TypingGate(_time);
            _typing.Add(user, gate);
        }

        var decision = gate.Next();
        switch (decision.Outcome)
        {
            case TypingOutcome.RateLimited:
                throw CommunityException.RateLimited(
                    $"Too many typing notices: send at most one every {TypingGate.ForwardEvery.TotalSeconds:0} seconds while the user types.",
                    decision.RetryAfter);
            case TypingOutcome.Forward:
                PublishToBoth(ClientEvents.Typing, new TypingNotice(Id, user, decision.ExpiresAt));
                break;
        }
    }

    ConversationHead IJournalOwner<ConversationHead>.Plan(ConversationHead head, JournalOp op, List<LogWrite> writes)
    {
        switch (op)
        {
            case MessageOp m:
                var seq = head.LastSeq + 1;
                m.Planned = new Message(Id, seq, MessageKey.Format(Id, seq), m.Author, m.Text, _time.GetUtcNow());
                m.ChangesOpening = head.ChangesOpening(m.Author);
                writes.Add(LogWrite.Insert(LogKeys.Seq(seq), MessageRowFormat.Instance.Write(m.Planned)));
                if (m.ClientId is not null)
                {
                    writes.Add(ClientIdIndex.Row(m.Author, m.ClientId, seq));
                }

                return head.WithMessage(m.Author, seq, m.Planned.At, m.RecipientIsCreator);
            case ReadOp r:
                return head.WithRead(r.Reader, Math.Min(r.Seq, head.LastSeq));
            default:
                throw new ArgumentException($"Unknown op {op.GetType().Name}.", nameof(op));
        }
    }

    void IJournalOwner<ConversationHead>.Committed(IReadOnlyList<JournalOp> batch, ConversationHead head)
    {
        foreach (var op in batch)
        {
            switch (op)
            {
                case MessageOp m:
                    var message = m.Planned!;
                    _recent.Add(message);
                    _clientIds.Remember(m.DedupeKey, message.Seq);

                    if (_typing.TryGetValue(m.Author, out var gate))
                    {
                        gate.MessageSent();
                    }

                    m.Succeed(message);
                    PublishToBoth(ClientEvents.MessageReceived, message);
                    break;
                case ReadOp r:
                    var receipt = new ReadReceipt(Id, r.Reader, head.ReadOf(r.Reader), _time.GetUtcNow());
                    r.Succeed(receipt);
                    PublishToBoth(ClientEvents.MessagesRead, receipt);
                    break;
            }
        }
    }

    async Task IJournalOwner<ConversationHead>.ResolveConflictAsync(JournalOp op, LogWrite write)
    {
        if (op is MessageOp m)
        {
            // The client id row exists: a retry of a message stored earlier. Answer with that one.
            m.Succeed(await GetMessageAsync(await _clientIds.ResolveAsync(m.Author, m.ClientId!)));
        }
    }

    /// <summary>
    /// Refuses <paramref name="sender"/> unless <paramref name="recipient"/> takes their messages (asked on every
    /// open, send and typing notice, so a new block or policy applies at once). A creator who has written in this
    /// conversation has invited the answer, whatever their policy; a block always holds.
    /// </summary>
    private async Task<MessageAccess> RequireMayWriteAsync(string sender, string recipient)
    {
        var access = await GrainFactory.GetGrain<ICreatorGrain>(recipient).CanMessage(sender);
        if (access.Permission is MessagePermission.FollowersOnly or MessagePermission.Nobody)
        {
            await _journal.EnsureLoadedAsync();
            if (_journal.Head?.SentBy(recipient) > 0)
            {
                return access with { Permission = MessagePermission.Allowed };
            }
        }

        return access.Permission switch
        {
            MessagePermission.Allowed => access,
            MessagePermission.Blocked => throw CommunityException.Forbidden($"You cannot message {recipient}: they have blocked you."),
            MessagePermission.Nobody => throw CommunityException.Forbidden($"{recipient} does not take messages: they have turned direct messages off."),
            _ => throw CommunityException.Forbidden($"{recipient} takes messages from followers only: follow them to write to them."),
        };
    }

    private void PublishToBoth(string method, object payload)
    {
        _fanout.Publish(Topics.User(_first), method, payload);
        _fanout.Publish(Topics.User(_second), method, payload);
    }

    private void OnReloaded()
    {
        _recent.Clear();
        _pushed.Clear();
        if (_journal.Head is { LastSeq: > 0 })
        {
            // The last update of an inbox, or of the opening's report, may have been lost with a silo: re-send (idempotent).
            _ = SyncInboxesAsync(_first, _second);
        }

        if (_journal.Head is { CountedFor: not null, OpeningAt: { } openedAt } && openedAt > _time.GetUtcNow() - Engagement.ResponsivenessMath.Window)
        {
            _ = ReportOpeningAsync();
        }
    }

    /// <summary>Tells the creator who received the opening when it started and when they answered. Best effort: analytics never fail a message.</summary>
    private async Task ReportOpeningAsync()
    {
        if (_journal.Head is not { CountedFor: { } creator, OpeningAt: { } openedAt } head)
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<IReplyQueueGrain>(creator).ObserveOpening(Id, openedAt, head.AnsweredAt);
        }
        catch (Exception ex)
        {
            LogOpeningNotReported(_logger, ex, Id);
        }
    }

    /// <summary>Brings the participants' inboxes up to date. The change itself is stored whatever happens here.</summary>
    private async Task SyncInboxesAsync(params string[] participants)
    {
        try
        {
            await Task.WhenAll(participants.Select(p => _inboxes[p].RequestAsync()));
        }
        catch (Exception ex)
        {
            LogInboxBehind(_logger, ex, Id);
        }
    }

    private async Task PushInboxAsync(string participant)
    {
        if (_journal.Head is not { LastSeq: > 0 } head)
        {
            return;
        }

        var state = (head.LastSeq, head.ReadOf(participant));
        if (_pushed.TryGetValue(participant, out var pushed) && pushed == state)
        {
            return;
        }

        var last = await GetMessageAsync(state.LastSeq);
        var with = participant == _first ? _second : _first;
        await GrainFactory.GetGrain<IInboxGrain>(participant).Apply(new InboxUpdate(Id, with, last, state.Item2));
        _pushed[participant] = state;
    }

    /// <summary>Stores the head of a new conversation once, however many callers race to open it.</summary>
    private async Task EnsureCreatedAsync()
    {
        await _journal.EnsureLoadedAsync();
        while (_journal.Head is null)
        {
            var creating = _creating ??= CreateAsync();
            try
            {
                await creating;
            }
            finally
            {
                if (_creating == creating)
                {
                    _creating = null;
                }
            }
        }
    }

    private async Task CreateAsync()
    {
        try
        {
            await _journal.CreateAsync(new ConversationHead(_first, _second, _time.GetUtcNow()), "exists");
        }
        catch (CommunityException e) when (e.Kind == ErrorKind.Conflict)
        {
            // Opened at the same moment through another activation: use the stored head.
            await _journal.EnsureLoadedAsync();
        }
    }

    private async Task<Message> GetMessageAsync(long seq) =>
        await _recent.GetAsync(_store, Id, seq)
            ?? throw CommunityException.NotFound($"Message {MessageKey.Format(Id, seq)} does not exist.");

    private sealed class MessageOp(string author, string text, string? clientId, string? dedupeKey, bool recipientIsCreator) : JournalOp<Message>
    {
        public bool RecipientIsCreator { get; } = recipientIsCreator;

        public bool ChangesOpening { get; set; }

        public string Author { get; } = author;

        public string Text { get; } = text;

        public string? ClientId { get; } = clientId;

        public string? DedupeKey { get; } = dedupeKey;

        public Message? Planned { get; set; }

        public override int Writes => ClientId is null ? 1 : 2;
    }

    private sealed class ReadOp(string reader, long seq) : JournalOp<ReadReceipt>
    {
        public string Reader { get; } = reader;

        public long Seq { get; } = seq;

        public override int Writes => 0;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The opening of conversation {ConversationId} was not reported to the creator's responsiveness.")]
    private static partial void LogOpeningNotReported(ILogger logger, Exception ex, string conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An inbox of conversation {ConversationId} is behind; it catches up on the next change.")]
    private static partial void LogInboxBehind(ILogger logger, Exception ex, string conversationId);
}
