namespace Community.Conversations;

/// <summary>One conversation in a user's inbox: <c>{ conversationId, with, lastMessage, unread, lastAt }</c> (+ lastSeq, readSeq).</summary>
[GenerateSerializer, Immutable]
[Alias("community.inbox-entry")]
public sealed record InboxEntry(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] string With,
    [property: Id(2)] Message LastMessage,
    [property: Id(3)] long Unread,
    [property: Id(4)] DateTimeOffset LastAt,
    [property: Id(5)] long LastSeq,
    [property: Id(6)] long ReadSeq);

/// <summary>A page of an inbox, most recent first. <see cref="Next"/> is the cursor of the next page (null on the last).</summary>
[GenerateSerializer, Immutable]
[Alias("community.inbox-page")]
public sealed record InboxPage(
    [property: Id(0)] IReadOnlyList<InboxEntry> Items,
    [property: Id(1)] long Unread,
    [property: Id(2)] string? Next);

/// <summary>
/// A conversation's state as one participant's inbox should show it. Both fields only grow, so an inbox can
/// apply updates in any order and any number of times (it keeps the larger of each).
/// </summary>
[GenerateSerializer, Immutable]
[Alias("community.inbox-update")]
public sealed record InboxUpdate(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] string With,
    [property: Id(2)] Message LastMessage,
    [property: Id(3)] long ReadSeq);
