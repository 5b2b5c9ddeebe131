using Community.Errors;
using Community.Grains.Storage;
using Community.Livestreams;
using Community.Realtime;

namespace Community.Grains.Livestreams;

/// <summary>The room as its journal's owner: how each op is planned on the head it meets, and what a stored batch changes here.</summary>
public sealed partial class LivestreamGrain
{
    Decision<LiveHead> IStreamOwner<LiveHead>.Plan(LiveHead head, StreamOp op) => Plan(head, op);

    void IStreamOwner<LiveHead>.Committed(LiveHead head, IReadOnlyList<(StreamOp Op, Decision<LiveHead> Decision)> accepted)
    {
        var topic = Topics.Live(LiveId);
        foreach (var (op, decision) in accepted)
        {
            switch (decision.Effect)
            {
                case ChatEffect chat:
                    var message = (ChatMessage)decision.Result!;
                    _chatLog.Recent.Add(message);
                    if (chat.UserAfter is { } chatter)
                    {
                        _users.Stored(message.Author, chatter);
                        _presence.ViewersChanged();
                    }

                    _fanout.Publish(topic, message, message.Seq);
                    break;
                case ModerationEffect moderation:
                    var m = (ModerationOp)op;
                    if (moderation.UserAfter is { } target)
                    {
                        _users.Stored(m.Command.Target!, target);
                    }

                    if (moderation.Tombstone is { } tombstone)
                    {
                        _moderation.Removed(tombstone.Seq);
                        _chatLog.Recent.Replace(tombstone);
                        _fanout.Publish(topic, new ChatRemoved(LiveId, tombstone.Seq, tombstone.Id));
                    }

                    if (m.Command.Action == ModerationAction.Pin)
                    {
                        _pinned = m.Message;
                    }

                    if (moderation.ChangesRoom)
                    {
                        _presence.RoomChanged();
                    }

                    break;
                case null when op is RoomOp { Publish: true }:
                    _presence.RoomChanged();
                    break;
            }
        }

        Flush();
    }

    async Task<object?> IStreamOwner<LiveHead>.StoredAsync(long seq) => await GetMessageAsync(seq);

    async Task<object?> IStreamOwner<LiveHead>.ResolveConflictAsync(StreamOp op, LogWrite write)
    {
        if (op is LiveOp { UserHandle: { } user } && write.Key == LiveUsers.Key(user))
        {
            // The user's row exists although this activation had not seen it (another activation wrote it):
            // learn it and plan the op again, now replacing the row.
            await _users.RelearnAsync(user);
            return null;
        }

        throw CommunityException.Unavailable("This livestream is being written elsewhere; try again.");
    }

    private Decision<LiveHead> Plan(LiveHead head, StreamOp op)
    {
        try
        {
            var decision = op switch
            {
                ChatOp c => _chat.Plan(head, c),
                ModerationOp m => _moderation.Plan(head, m),
                RoomOp r => new Decision<LiveHead>(r.Change(head), [], true),
                _ => throw new ArgumentException($"Unknown op {op.GetType().Name}.", nameof(op)),
            };
            return decision with { Head = _presence.WithPeak(decision.Head) };
        }
        catch (CommunityException ex)
        {
            // Refused on the head it meets (a ban or the end landed first): it writes nothing and fails once the batch is stored.
            return Decision<LiveHead>.Refuse(head, ex);
        }
    }
}
