using Community.Realtime;

namespace Community.Conversations;

/// <summary>A direct message: <c>{ conversationId, seq, id, author, text, at }</c>.</summary>
[GenerateSerializer, Immutable]
[Alias("community.message")]
public sealed record Message(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] long Seq,
    [property: Id(2)] string Id,
    [property: Id(3)] string Author,
    [property: Id(4)] string Text,
    [property: Id(5)] DateTimeOffset At) : IClientEvent
{
    static string IClientEvent.EventName => ClientEvents.MessageReceived;
}

/// <summary>
/// A page of a conversation's history, oldest first, with where both participants have read up to:
/// <see cref="ReadSeq"/> is the caller's marker, <see cref="WithReadSeq"/> the other participant's.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("community.message-page")]
public sealed record MessagePage(
    [property: Id(0)] IReadOnlyList<Message> Items,
    [property: Id(1)] long LastSeq,
    [property: Id(2)] long ReadSeq,
    [property: Id(3)] long WithReadSeq);

/// <summary>What opening a conversation answers: its id, the other participant and where it stands.</summary>
[GenerateSerializer, Immutable]
[Alias("community.conversation-info")]
public sealed record ConversationInfo(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] string With,
    [property: Id(2)] long LastSeq,
    [property: Id(3)] long ReadSeq,
    [property: Id(4)] long WithReadSeq);

/// <summary>The <c>MessagesRead</c> event: <see cref="Reader"/> has read everything up to <see cref="Seq"/>.</summary>
[GenerateSerializer, Immutable]
[Alias("community.read-receipt")]
public sealed record ReadReceipt(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] string Reader,
    [property: Id(2)] long Seq,
    [property: Id(3)] DateTimeOffset At) : IClientEvent
{
    static string IClientEvent.EventName => ClientEvents.MessagesRead;
}

/// <summary>The <c>Typing</c> event: <see cref="User"/> is typing; show it until <see cref="ExpiresAt"/> unless renewed.</summary>
[GenerateSerializer, Immutable]
[Alias("community.typing-notice")]
public sealed record TypingNotice(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] string User,
    [property: Id(2)] DateTimeOffset ExpiresAt) : IClientEvent
{
    static string IClientEvent.EventName => ClientEvents.Typing;
}
