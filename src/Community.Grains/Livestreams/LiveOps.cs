using Community.Grains.Storage;
using Community.Livestreams;

namespace Community.Grains.Livestreams;

/// <summary>A change to a room, stored through its journal. Ops say what was asked; their planners decide.</summary>
internal abstract class LiveOp : StreamOp
{
    /// <summary>The handle whose row this op writes, if any (a conflict on that row re-plans the op).</summary>
    public virtual string? UserHandle => null;
}

/// <summary>A chat message. <see cref="Loaded"/> is the author's row as read before submitting, in case it left the recent users meanwhile.</summary>
internal sealed class ChatOp(string author, string text, string via, LiveUser loaded) : LiveOp
{
    public string Author { get; } = author;

    public string Text { get; } = text;

    public string Via { get; } = via;

    public LiveUser Loaded { get; } = loaded;

    public override string? UserHandle => Author;
}

/// <summary>A moderation command, with the message it targets (remove, pin) or the target's row (timeout, ban, unban) as read before submitting.</summary>
internal sealed class ModerationOp(string by, ModerationCommand command, ChatMessage? message, LiveUser? loaded) : LiveOp
{
    public string By { get; } = by;

    public ModerationCommand Command { get; } = command;

    public ChatMessage? Message { get; } = message;

    public LiveUser? Loaded { get; } = loaded;

    public override string? UserHandle => Loaded is null ? null : Command.Target;
}

/// <summary>A change of the room itself (hosts, invites, start, end); <see cref="Publish"/> false for one only the store needs (the peak).</summary>
internal sealed class RoomOp(Func<LiveHead, LiveHead> change, bool publish = true) : LiveOp
{
    public Func<LiveHead, LiveHead> Change { get; } = change;

    public bool Publish { get; } = publish;
}

/// <summary>What a stored chat message changes besides the chat: the author's row, when it is their first message (through this host).</summary>
internal sealed record ChatEffect(LiveUser? UserAfter);

/// <summary>What a stored moderation command changes besides its audit record.</summary>
internal sealed record ModerationEffect(LiveUser? UserAfter, ChatMessage? Tombstone, bool ChangesRoom);
