using System.Globalization;
using Community.Errors;
using Community.Grains.Storage;
using Community.Livestreams;

namespace Community.Grains.Livestreams;

/// <summary>
/// A room's moderation: commands are checked against the head they are planned on (a host or moderator, a target that
/// may be restricted, a message not already removed), and stored with their audit record (<c>m:{seq}</c>) in the same
/// batch as their effect (a tombstone, the target's row, the room's settings). Used from the room grain's context.
/// </summary>
internal sealed class LiveModeration(ILogStore store, string liveId, TimeProvider time, LiveUsers users)
{
    // Seqs removed by this activation, in case the removed message left the recent window before a second remove.
    private readonly HashSet<long> _removed = [];

    /// <summary>
    /// Reads what the command targets (the message, or the user's row) and fails fast on what the room refuses as it is
    /// then (<paramref name="room"/>), without a storage round trip; the journal plans it again on the head it meets.
    /// </summary>
    public async Task<ModerationOp> PrepareAsync(Func<LiveHead> room, string by, ModerationCommand command, Func<long, Task<ChatMessage>> message)
    {
        var head = room();
        head.RequireModerator(by, command);
        ChatMessage? target = null;
        LiveUser? user = null;
        if (command.MessageSeq is { } seq)
        {
            target = seq <= head.LastSeq
                ? await message(seq)
                : throw CommunityException.NotFound($"There is no chat message {ChatKey.Format(liveId, seq)}.");
        }
        else if (command.Action is ModerationAction.Timeout or ModerationAction.Ban or ModerationAction.Unban)
        {
            user = await users.GetAsync(command.Target!);
        }

        var op = new ModerationOp(by, command, target, user);
        Plan(room(), op);
        return op;
    }

    public Decision<LiveHead> Plan(LiveHead head, ModerationOp m)
    {
        var now = time.GetUtcNow();
        var command = m.Command;
        head.RequireModerator(m.By, command);
        var next = head.Apply(command) with { LastModerationSeq = head.LastModerationSeq + 1 };
        var changesRoom = command.Action is ModerationAction.SlowMode or ModerationAction.FollowersOnly or ModerationAction.Pin
            or ModerationAction.Unpin or ModerationAction.AddModerator or ModerationAction.RemoveModerator || !ReferenceEquals(next.Invited, head.Invited);
        ChatMessage? tombstone = null;
        LiveUser? userAfter = null;
        DateTimeOffset? until = null;
        List<LogWrite> rows = [];
        switch (command.Action)
        {
            case ModerationAction.Remove:
                RequireNotRemoved(m.Message!, "It was already removed.");
                tombstone = m.Message! with { Removed = true, Text = "" };
                rows.Add(LogWrite.Upsert(LogKeys.Seq(tombstone.Seq), ChatRowFormat.Instance.Write(tombstone)));
                if (head.PinnedSeq == tombstone.Seq)
                {
                    next = next with { PinnedSeq = 0 };
                    changesRoom = true;
                }

                break;
            case ModerationAction.Pin:
                RequireNotRemoved(m.Message!, "A removed message cannot be pinned.");
                break;
            case ModerationAction.Timeout or ModerationAction.Ban or ModerationAction.Unban:
                var target = command.Target!;
                var user = users.Current(target, m.Loaded!);
                if (command.Action == ModerationAction.Unban)
                {
                    userAfter = user with { Banned = false, TimeoutUntil = null, Stored = true };
                }
                else
                {
                    head.RequireRestrictable(target);
                    until = command.Action == ModerationAction.Timeout ? now.AddSeconds(command.Seconds!.Value) : null;
                    userAfter = command.Action == ModerationAction.Timeout
                        ? user with { TimeoutUntil = until, Stored = true }
                        : user with { Banned = true, Stored = true };
                }

                rows.Add(LiveUsers.Write(target, user, userAfter));
                break;
        }

        var messageId = command.MessageSeq is { } seq ? ChatKey.Format(liveId, seq) : null;
        var record = new ModerationRecord(liveId, next.LastModerationSeq, command.Name, m.By, now, command.Target, command.Seconds, messageId, command.Terms, command.Enabled, until);
        rows.Add(LogWrite.Insert(Key(next.LastModerationSeq), LogJson.Write(record)));
        return new(next, rows, record, Effect: new ModerationEffect(userAfter, tombstone, changesRoom));
    }

    /// <summary>A stored remove: the message stays removed for this activation whatever its window holds.</summary>
    public void Removed(long seq) => _removed.Add(seq);

    /// <summary>The audit records after <paramref name="afterSeq"/>, for the room's hosts and moderators.</summary>
    public async Task<ModerationLog> ReadAsync(LiveHead head, string caller, long afterSeq, int limit)
    {
        if (!head.CanModerate(caller))
        {
            throw CommunityException.Forbidden($"Only the hosts and moderators of this livestream may read its moderation log; {caller} is neither.");
        }

        var rows = afterSeq >= head.LastModerationSeq
            ? []
            : await store.RangeAsync(liveId, Key(afterSeq + 1), Key(head.LastModerationSeq + 1), limit);
        return new ModerationLog(rows.Select(r => LogJson.Read<ModerationRecord>(r.Data)).ToList(), head.LastModerationSeq, head.Moderators, head.BlockedTerms);
    }

    private void RequireNotRemoved(ChatMessage message, string why)
    {
        if (message.Removed || _removed.Contains(message.Seq))
        {
            throw CommunityException.Conflict($"Chat message {message.Id} was removed. {why}");
        }
    }

    private static string Key(long seq) => LogKeys.Of("m", seq.ToString("D15", CultureInfo.InvariantCulture));
}
