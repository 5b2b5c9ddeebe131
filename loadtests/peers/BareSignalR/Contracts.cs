namespace Community.LoadTests.Peers.BareSignalR;

// The same wire shapes as Community's API (shared API.md), reduced to what the load driver reads. The JSON protocol of
// SignalR and the REST endpoints write them camelCase, as Community does.

public sealed record TokenRequest(string? User);

public sealed record TokenResponse(string Token, DateTimeOffset ExpiresAt);

public sealed record CreatorRequest(string? DisplayName, IReadOnlyList<string>? Niches, string? Bio);

public sealed record CreatorResponse(string Handle, string DisplayName, IReadOnlyList<string> Niches, string? Bio);

public sealed record LiveRequest(string? Title, string? CampaignId);

public sealed record LiveRoomView(string LiveId, string Title, string Status, IReadOnlyList<string> Hosts, int Viewers, long LastSeq);

/// <summary>A chat message: <c>{ liveId, seq, id, author, text, at, via, removed }</c>.</summary>
public sealed record ChatMessage(string LiveId, long Seq, string Id, string Author, string Text, DateTimeOffset At, string Via, bool Removed);

/// <summary>What <c>JoinLive</c> returns. This relay keeps no history, so <c>missed</c> is always empty.</summary>
public sealed record LiveJoin(long LastSeq, IReadOnlyList<ChatMessage> Missed, LiveRoomView Live, bool HasMore, string Via);

public sealed record PostRequest(string? Text, string? CampaignId);

public sealed record PostView(string PostId, string Creator, string Text, string? CampaignId, long LastSeq, long Likes, long Comments, long Shares, long Saves);

public sealed record CommentMessage(string PostId, long Seq, string Id, string Author, string Text, string? ReplyTo, DateTimeOffset At, bool ByCreator);

public sealed record CommentCatchUp(long LastSeq, IReadOnlyList<CommentMessage> Missed, bool HasMore);

public sealed record Counters(string PostId, long Likes, long Comments, long Shares, long Saves, long Interactions);

public sealed record ConversationRequest(string? With);

public sealed record ConversationView(string ConversationId, string With, long LastSeq);

public sealed record Message(string ConversationId, long Seq, string Id, string Author, string Text, DateTimeOffset At);

public sealed record CampaignRequest(string? Name, IReadOnlyList<string>? Creators);

public sealed record Totals(long Likes, long Comments, long Shares, long Saves);

/// <summary>A campaign snapshot, reduced to its totals: <c>{ campaignId, name, owner, totals, interactions, at }</c>.</summary>
public sealed record CampaignSnapshot(string CampaignId, string Name, string Owner, Totals Totals, long Interactions, DateTimeOffset At);

public sealed record Problem(int Status, string Title, string Detail);
