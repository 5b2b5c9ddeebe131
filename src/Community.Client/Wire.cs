using System.Text.Json;

namespace Community.Client;

// The hub's wire records as a client reads them (docs/api.md). Declared here, not taken from Community.Abstractions,
// so that an app needs no Orleans; the integration tests read them from a real host.

/// <summary>A comment, as <c>CommentAdded</c> and <c>SubscribePost</c> carry it.</summary>
public sealed record Comment(string PostId, long Seq, string Id, string Author, string Text, string? ReplyTo, DateTimeOffset At, bool ByCreator);

/// <summary>A livestream chat message, as <c>ChatReceived</c> and <c>JoinLive</c> carry it (a removed one is a tombstone).</summary>
public sealed record ChatMessage(string LiveId, long Seq, string Id, string Author, string Text, DateTimeOffset At, string Via, bool Removed, double OffsetSeconds);

/// <summary>A direct message, as <c>MessageReceived</c> and the conversation's history carry it.</summary>
public sealed record Message(string ConversationId, long Seq, string Id, string Author, string Text, DateTimeOffset At);

/// <summary>What <c>SubscribePost</c> returns.</summary>
public sealed record CommentCatchUp(long LastSeq, IReadOnlyList<Comment> Missed, bool HasMore);

/// <summary>What <c>JoinLive</c> returns; <see cref="Live"/> is the room (docs/api.md, "A room").</summary>
public sealed record LiveJoin(long LastSeq, IReadOnlyList<ChatMessage> Missed, JsonElement Live, bool HasMore, string Via);

/// <summary>A page of <c>GET /api/conversations/{id}/messages</c>.</summary>
public sealed record MessagePage(IReadOnlyList<Message> Items, long LastSeq);
