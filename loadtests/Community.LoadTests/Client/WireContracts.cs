namespace Community.LoadTests.Client;

// The driver is a black-box client: it codes against the public contract (shared API.md), not against the
// server's assemblies, and reads only the fields it needs. System.Text.Json ignores the rest.

public sealed record TokenResponse(string Token, DateTimeOffset ExpiresAt);

public sealed record CreatorProfileRequest(string DisplayName, IReadOnlyList<string> Niches, string? Bio);

public sealed record PostRequest(string Text);

public sealed record PostResponse(string PostId, long LastSeq);

/// <summary>A comment, as pushed in <c>CommentAdded</c> and returned by <c>Comment</c>.</summary>
public sealed record CommentMessage(string PostId, long Seq, string Id, string Author, string Text);

/// <summary>The answer to <c>SubscribePost</c>.</summary>
public sealed record CommentCatchUp(long LastSeq, IReadOnlyList<CommentMessage> Missed, bool HasMore);

/// <summary>Names on the hub (and the Socket.IO peer's event names), as listed in the API contract.</summary>
public static class HubNames
{
    public const string Path = "/hubs/community";
    public const string SubscribePost = nameof(SubscribePost);
    public const string Comment = nameof(Comment);
    public const string CommentAdded = nameof(CommentAdded);
    public const string React = nameof(React);
    public const string JoinLive = nameof(JoinLive);
    public const string LeaveLive = nameof(LeaveLive);
    public const string SendChat = nameof(SendChat);
    public const string ChatReceived = nameof(ChatReceived);
    public const string SendMessage = nameof(SendMessage);
    public const string MessageReceived = nameof(MessageReceived);
    public const string WatchCampaign = nameof(WatchCampaign);
    public const string CampaignUpdated = nameof(CampaignUpdated);
}

public sealed record LiveRequest(string Title);

/// <summary>The answer to <c>POST /api/livestreams</c> (and <c>/start</c>): only the id is needed.</summary>
public sealed record LiveResponse(string LiveId);

/// <summary>A chat message, as pushed in <c>ChatReceived</c> and returned by <c>SendChat</c>.</summary>
public sealed record ChatMessage(string LiveId, long Seq, string Id, string Author, string Text, string? Via, bool Removed);

/// <summary>The answer to <c>JoinLive</c>: <c>{ lastSeq, missed, live, hasMore? }</c>.</summary>
public sealed record LiveJoin(long LastSeq, IReadOnlyList<ChatMessage>? Missed, bool HasMore);

public sealed record ConversationRequest(string With);

public sealed record ConversationResponse(string ConversationId);

/// <summary>A direct message, as pushed in <c>MessageReceived</c> and returned by <c>SendMessage</c>.</summary>
public sealed record DirectMessage(string ConversationId, long Seq, string Id, string Author, string Text);

public sealed record CampaignRequest(string Name, IReadOnlyList<string> Creators);

public sealed record CampaignTotals(long Likes, long Comments, long Shares, long Saves);

/// <summary>A campaign snapshot (<c>WatchCampaign</c>, <c>CampaignUpdated</c>, <c>GET /api/campaigns/{id}</c>), reduced to what the driver reads.</summary>
public sealed record CampaignSnapshot(string CampaignId, CampaignTotals Totals, long Interactions);

public sealed record PostCampaignRequest(string Text, string CampaignId);

/// <summary>A post's counters as <c>React</c> and <c>GET /api/posts/{id}</c> return them.</summary>
public sealed record PostCounters(string PostId, long Likes, long Comments, long Shares, long Saves);
