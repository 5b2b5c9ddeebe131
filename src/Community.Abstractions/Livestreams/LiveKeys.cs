using Community.Errors;
using Community.Posts;

namespace Community.Livestreams;

/// <summary>
/// Livestream ids have the form of post ids (12 random lowercase base-32 characters), and a chat message id
/// the form of a comment id (<c>{liveId}-{seq}</c>): every sequenced stream names its items the same way,
/// so the one implementation in <see cref="PostKey"/> and <see cref="CommentKey"/> serves both.
/// </summary>
public static class LiveKey
{
    public static string New() => PostKey.New();

    public static bool IsValid(string? liveId) => PostKey.IsValid(liveId);

    /// <summary>Unknown-looking ids are simply not found: a malformed id can name no livestream.</summary>
    public static string Require(string? liveId) =>
        IsValid(liveId) ? liveId! : throw CommunityException.NotFound($"There is no livestream '{liveId}'.");
}

/// <summary>A chat message id is its livestream id and its seq: <c>{liveId}-{seq}</c>.</summary>
public static class ChatKey
{
    public static string Format(string liveId, long seq) => CommentKey.Format(liveId, seq);

    public static bool TryParse(string? messageId, out string liveId, out long seq) => CommentKey.TryParse(messageId, out liveId, out seq);
}
