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

/// <summary>Names on the hub, as listed in the API contract.</summary>
public static class HubNames
{
    public const string Path = "/hubs/community";
    public const string SubscribePost = nameof(SubscribePost);
    public const string Comment = nameof(Comment);
    public const string CommentAdded = nameof(CommentAdded);
}
