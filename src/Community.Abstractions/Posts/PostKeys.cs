using System.Security.Cryptography;
using Community.Errors;

namespace Community.Posts;

/// <summary>Post ids: 12 random lowercase base-32 characters, safe in URLs and storage keys.</summary>
public static class PostKey
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    public const int Length = 12;

    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);

    public static bool IsValid(string? postId) =>
        postId is { Length: Length } && postId.AsSpan().IndexOfAnyExcept(Alphabet) < 0;

    /// <summary>Unknown-looking ids are simply not found: a malformed id can name no post.</summary>
    public static string Require(string? postId) =>
        IsValid(postId) ? postId! : throw CommunityException.NotFound($"There is no post '{postId}'.");
}

/// <summary>A comment id is its post id and its seq: <c>{postId}-{seq}</c>, so it resolves without a lookup.</summary>
public static class CommentKey
{
    public static string Format(string postId, long seq) => $"{postId}-{seq}";

    public static bool TryParse(string? commentId, out string postId, out long seq)
    {
        postId = "";
        seq = 0;
        if (commentId is null || commentId.Length <= PostKey.Length + 1 || commentId[PostKey.Length] != '-')
        {
            return false;
        }

        postId = commentId[..PostKey.Length];
        // One comment has one id: no leading zeros.
        return PostKey.IsValid(postId)
            && commentId[PostKey.Length + 1] != '0'
            && long.TryParse(commentId.AsSpan(PostKey.Length + 1), System.Globalization.NumberStyles.None, null, out seq)
            && seq > 0;
    }
}
