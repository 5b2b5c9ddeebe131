using Community.Conversations;
using Community.Creators;
using Community.Errors;
using Community.Grains.Realtime;
using Community.Grains.Storage;
using Community.Realtime;
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
public sealed class ConversationGrain : Grain, IConversationGrain, IStreamOwner<ConversationHead>
{
    public const string Table = "conversations";

    private readonly TimeProvider _time;
    private readonly RealtimeFanout _fanout;
    private readonly Journal<ConversationHead> _journal;
    private readonly ItemStream<ConversationHead, Message> _messages;
    private readonly Dictionary<string, TypingGate> _typing = new(StringComparer.Ordinal);
    private readonly ConversationReports _reports;
    private readonly string _first;
    private readonly string _second;
    private Task? _creating;

    public ConversationGrain(ILogStoreFactory stores, RelayRegistry relays, TimeProvider time, ILogger<ConversationGrain> logger)
    {
        _time = time;
        _fanout = new RealtimeFanout(relays, logger);
        _messages = new ItemStream<ConversationHead, Message>(stores.Get(Table), Id, this, m => m.Seq, MessageRowFormat.Instance, _fanout, () => _messages!.Journal.EnsureLoadedAsync(), logger);
        _journal = _messages.Journal;

        // A grain with a malformed key has no participants; every method refuses its callers before using these.
        ConversationKey.TryParse(Id, out _first, out _second);
        _reports = new ConversationReports(Id, _first, _second, () => _journal.Head, GetMessageAsync, GrainFactory, time, logger);
        _journal.Reloaded += _reports.Reloaded;

        // A new activation (or one that met another's write) tells both participants' hosts how far the conversation
        // goes, so a host that forwarded less of it (the previous activation died before publishing) fetches the rest.
        _journal.Reloaded += () =>
        {
            var lastSeq = _journal.Head?.LastSeq ?? 0;
            _fanout.PublishHead(Topics.User(_first), lastSeq, Id);
            _fanout.PublishHead(Topics.User(_second), lastSeq, Id);
        };
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
        var client = ClientKey.Of(author, Limits.ClientId(clientId));
        if (_journal.Repeat<Message>(client) is { } repeat)
        {
            return await repeat;
        }

        var access = await RequireMayWriteAsync(author, recipient);
        await EnsureCreatedAsync();
        var message = await _journal.Submit<Message>(new MessageOp(author, text, access.RecipientIsCreator) { Client = client });
        await Task.WhenAll(_reports.InboxesAsync(_first, _second), _reports.Opening);
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

        return new MessagePage(await _messages.PageAsync(afterSeq, limit), head.LastSeq, head.ReadOf(caller), head.ReadOf(other));
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

        var receipt = await _journal.Submit<ReadReceipt>(new ReadOp(reader, seq));
        await _reports.InboxesAsync(reader);
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
                PublishToBoth(new TypingNotice(Id, user, decision.ExpiresAt));
                break;
        }
    }

    public Task<IReadOnlyList<RealtimeEvent>> Replay(string user, long afterSeq, long toSeq)
    {
        ConversationKey.RequireParticipant(Id, user);
        return _messages.ReplayAsync(Topics.User(user), afterSeq, toSeq);
    }

    Decision<ConversationHead> IStreamOwner<ConversationHead>.Plan(ConversationHead head, StreamOp op)
    {
        switch (op)
        {
            case MessageOp m:
                var seq = head.LastSeq + 1;
                var message = new Message(Id, seq, MessageKey.Format(Id, seq), m.Author, m.Text, _time.GetUtcNow());
                var next = head.WithMessage(m.Author, seq, message.At, m.RecipientIsCreator);
                var row = LogWrite.Insert(LogKeys.Seq(seq), MessageRowFormat.Instance.Write(message));
                return new(next, [row], message, seq, Effect: head.ChangesOpening(m.Author));
            case ReadOp r:
                var read = head.WithRead(r.Reader, Math.Min(r.Seq, head.LastSeq));
                return new(read, [], new ReadReceipt(Id, r.Reader, read.ReadOf(r.Reader), _time.GetUtcNow()));
            default:
                throw new ArgumentException($"Unknown op {op.GetType().Name}.", nameof(op));
        }
    }

    void IStreamOwner<ConversationHead>.Committed(ConversationHead head, IReadOnlyList<(StreamOp Op, Decision<ConversationHead> Decision)> accepted)
    {
        foreach (var (op, decision) in accepted)
        {
            switch (decision.Result)
            {
                case Message message:
                    _messages.Recent.Add(message);
                    if (_typing.TryGetValue(message.Author, out var gate))
                    {
                        gate.MessageSent();
                    }

                    if (decision.Effect is true)
                    {
                        // Its sender hears back once the opening is reported (best effort: a failed report fails no message).
                        _reports.OpeningChanged();
                    }

                    PublishToBoth(message, message.Seq);
                    break;
                case ReadReceipt receipt:
                    PublishToBoth(receipt);
                    break;
            }
        }
    }

    async Task<object?> IStreamOwner<ConversationHead>.StoredAsync(long seq) => await GetMessageAsync(seq);

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

    /// <summary>A message goes with its <paramref name="seq"/> in the conversation's stream, so each host forwards the conversation's messages in order and fetches any it missed.</summary>
    private void PublishToBoth<T>(T payload, long seq = 0)
        where T : class, IClientEvent
    {
        var stream = seq > 0 ? Id : null;
        _fanout.Publish(Topics.User(_first), payload, seq, stream);
        _fanout.Publish(Topics.User(_second), payload, seq, stream);
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
        await _messages.FindAsync(seq)
            ?? throw CommunityException.NotFound($"Message {MessageKey.Format(Id, seq)} does not exist.");

    private sealed class MessageOp(string author, string text, bool recipientIsCreator) : StreamOp
    {
        public string Author { get; } = author;

        public string Text { get; } = text;

        public bool RecipientIsCreator { get; } = recipientIsCreator;
    }

    private sealed class ReadOp(string reader, long seq) : StreamOp
    {
        public string Reader { get; } = reader;

        public long Seq { get; } = seq;
    }}
