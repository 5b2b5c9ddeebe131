using Community.Errors;
using Community.Identity;

namespace Community.Conversations;

/// <summary>
/// A conversation's id is its two participants' handles, sorted (ordinal) and joined by <c>~</c>: one pair, one
/// conversation, and the id names its participants without a lookup.
/// </summary>
public static class ConversationKey
{
    public const char Separator = '~';

    public static string Of(string user1, string user2) =>
        string.CompareOrdinal(user1, user2) < 0 ? $"{user1}{Separator}{user2}" : $"{user2}{Separator}{user1}";

    /// <summary>Whether <paramref name="conversationId"/> is two different valid handles in sorted order.</summary>
    public static bool TryParse(string? conversationId, out string first, out string second)
    {
        first = "";
        second = "";
        var at = conversationId?.IndexOf(Separator) ?? -1;
        if (at < 0)
        {
            return false;
        }

        first = conversationId![..at];
        second = conversationId[(at + 1)..];
        return Handle.IsValid(first) && Handle.IsValid(second) && string.CompareOrdinal(first, second) < 0;
    }

    /// <summary>
    /// The other participant when <paramref name="caller"/> is one of the conversation's two. A malformed id and
    /// someone else's conversation get the same 404, so a caller learns nothing about conversations not theirs;
    /// the caller's own handle twice is a 400 (messaging oneself).
    /// </summary>
    public static string RequireParticipant(string? conversationId, string caller)
    {
        if (conversationId is not null && conversationId == $"{caller}{Separator}{caller}")
        {
            throw CommunityException.Invalid("You cannot message yourself: a conversation is between two different users.");
        }

        if (TryParse(conversationId, out var first, out var second))
        {
            if (first == caller)
            {
                return second;
            }

            if (second == caller)
            {
                return first;
            }
        }

        throw NotYours(conversationId);
    }

    public static CommunityException NotYours(string? conversationId) =>
        CommunityException.NotFound($"You have no conversation '{Truncate(conversationId)}'. A conversation id is two handles, sorted and joined by '~', one of them yours.");

    private static string Truncate(string? value) =>
        value is null ? "" : value.Length <= 70 ? value : value[..70] + "…";
}

/// <summary>A message id is its conversation id and its seq: <c>{conversationId}-{seq}</c> (handles have no '-').</summary>
public static class MessageKey
{
    public static string Format(string conversationId, long seq) => $"{conversationId}-{seq}";
}
