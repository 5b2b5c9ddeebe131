using Community.Grains.Storage;

namespace Community.Grains.Conversations;

/// <summary>
/// The head row of a conversation's partition: its last seq and, per participant (<c>First</c> sorts before
/// <c>Second</c>), the read marker and the number of messages sent. The opening (who sent the first message, when,
/// and when the other participant first answered) feeds the responsiveness of a creator who received it.
/// </summary>
public sealed record ConversationHead(
    string First,
    string Second,
    DateTimeOffset OpenedAt,
    long LastSeq = 0,
    long FirstRead = 0,
    long SecondRead = 0,
    long FirstSent = 0,
    long SecondSent = 0,
    string? Opener = null,
    DateTimeOffset? OpeningAt = null,
    DateTimeOffset? AnsweredAt = null,
    bool OpeningCounted = false) : ISeqHead
{
    public long ReadOf(string user) => user == First ? FirstRead : SecondRead;

    public long SentBy(string user) => user == First ? FirstSent : SecondSent;

    public ConversationHead WithRead(string user, long seq) =>
        user == First ? this with { FirstRead = Math.Max(FirstRead, seq) } : this with { SecondRead = Math.Max(SecondRead, seq) };

    /// <summary>The creator who received the opening, when it counts for their responsiveness.</summary>
    public string? CountedFor => OpeningCounted && Opener is not null ? (Opener == First ? Second : First) : null;

    /// <summary>Whether a message by <paramref name="author"/> now would open the conversation or first answer its opening.</summary>
    public bool ChangesOpening(string author) => LastSeq == 0 || (author != Opener && AnsweredAt is null);

    /// <summary>
    /// A message by <paramref name="author"/> at <paramref name="seq"/>; sending marks everything before it read for
    /// the author. The first message opens the conversation; the other participant's first message answers it.
    /// </summary>
    public ConversationHead WithMessage(string author, long seq, DateTimeOffset at, bool recipientIsCreator)
    {
        var next = author == First
            ? this with { LastSeq = seq, FirstSent = FirstSent + 1, FirstRead = seq }
            : this with { LastSeq = seq, SecondSent = SecondSent + 1, SecondRead = seq };
        if (LastSeq == 0)
        {
            return next with { Opener = author, OpeningAt = at, OpeningCounted = recipientIsCreator };
        }

        return author != Opener && AnsweredAt is null ? next with { AnsweredAt = at } : next;
    }
}
