namespace Community.Grains.Conversations;

/// <summary>
/// The head row of a conversation's partition: its last seq and, per participant (<c>First</c> sorts before
/// <c>Second</c>), the read marker and the number of messages sent.
/// </summary>
public sealed record ConversationHead(
    string First,
    string Second,
    DateTimeOffset OpenedAt,
    long LastSeq = 0,
    long FirstRead = 0,
    long SecondRead = 0,
    long FirstSent = 0,
    long SecondSent = 0)
{
    public long ReadOf(string user) => user == First ? FirstRead : SecondRead;

    public long SentBy(string user) => user == First ? FirstSent : SecondSent;

    public ConversationHead WithRead(string user, long seq) =>
        user == First ? this with { FirstRead = Math.Max(FirstRead, seq) } : this with { SecondRead = Math.Max(SecondRead, seq) };

    /// <summary>A message by <paramref name="author"/> at <paramref name="seq"/>; sending marks everything before it read for the author.</summary>
    public ConversationHead WithMessage(string author, long seq) => author == First
        ? this with { LastSeq = seq, FirstSent = FirstSent + 1, FirstRead = seq }
        : this with { LastSeq = seq, SecondSent = SecondSent + 1, SecondRead = seq };
}
