using System.Globalization;
using Community.Conversations;

namespace Community.Grains.Conversations;

/// <summary>
/// How an inbox folds in conversation updates. An update carries the conversation's last message and the owner's
/// read marker, both of which only grow; the inbox keeps the larger of each. That makes applying updates
/// idempotent and order-independent (a join in a lattice), so a conversation can re-send its summary whenever it
/// is unsure the last one arrived, and concurrent updates can never lose an increment or push unread below zero.
/// </summary>
public static class InboxMath
{
    private const string TimePrefix = "t:";

    /// <summary>Keys of the listing rows sort most recent first: inverted ticks, then the conversation id.</summary>
    public const string ListingStart = TimePrefix;

    public const string ListingEnd = "t;";

    public static InboxEntry Merge(InboxEntry? current, InboxUpdate update)
    {
        var last = current is null || update.LastMessage.Seq > current.LastSeq ? update.LastMessage : current.LastMessage;
        var read = Math.Max(current?.ReadSeq ?? 0, update.ReadSeq);
        return new InboxEntry(update.ConversationId, update.With, last, last.Seq - read, last.At, last.Seq, read);
    }

    /// <summary>An update a conversation could have sent: a read marker never passes the last message.</summary>
    public static bool IsValid(InboxUpdate update) =>
        update.ReadSeq >= 0 && update.ReadSeq <= update.LastMessage.Seq && update.LastMessage.Seq > 0
        && update.LastMessage.ConversationId == update.ConversationId;

    /// <summary>The row key that lists <paramref name="entry"/> in time order (newest first).</summary>
    public static string ListingKey(InboxEntry entry) => TimePrefix + Cursor(entry);

    /// <summary>The opaque paging cursor that resumes a listing after <paramref name="entry"/>.</summary>
    public static string Cursor(InboxEntry entry) =>
        (DateTimeOffset.MaxValue.UtcTicks - entry.LastAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + ":" + entry.ConversationId;

    /// <summary>Where a listing after <paramref name="cursor"/> starts; false when it is not a cursor this inbox gave out.</summary>
    public static bool TryListingStartAfter(string cursor, out string fromKey)
    {
        fromKey = "";
        if (cursor.Length < 21 || cursor[19] != ':' || !cursor.AsSpan(0, 19).ContainsOnlyDigits()
            || !ConversationKey.TryParse(cursor[20..], out _, out _))
        {
            return false;
        }

        // Every character of a listing key sorts after '!', so this is the first key after the cursor's own.
        fromKey = TimePrefix + cursor + "!";
        return true;
    }

    private static bool ContainsOnlyDigits(this ReadOnlySpan<char> span) => !span.ContainsAnyExceptInRange('0', '9');
}
