using Community.Realtime;

namespace Community.Conversations;

/// <summary>
/// One conversation between two users, keyed by <see cref="ConversationKey"/>: an ordered, durable message stream
/// and both participants' read markers. Every method takes the caller and refuses anyone but the two participants.
/// </summary>
public interface IConversationGrain : IGrainWithStringKey
{
    /// <summary>Opens the conversation (idempotent) if <paramref name="caller"/> may write to the other participant.</summary>
    Task<ConversationInfo> Open(string caller);

    /// <summary>Appends a message; returns once it is durably stored. The same (author, clientId) returns the first message.</summary>
    Task<Message> Send(string author, string text, string? clientId);

    Task<MessagePage> GetMessages(string caller, long afterSeq, int limit);

    /// <summary>Moves <paramref name="reader"/>'s read marker up to <paramref name="seq"/> (never back).</summary>
    Task<ReadReceipt> MarkRead(string reader, long seq);

    /// <summary>Tells both participants that <paramref name="user"/> is typing (never stored; rate-limited).</summary>
    Task Typing(string user);

    /// <summary>
    /// For a host, not a client: the messages with seq in (<paramref name="afterSeq"/>, <paramref name="toSeq"/>] as the
    /// <see cref="ClientEvents.MessageReceived"/> events that published them to <paramref name="user"/>'s topic, for a
    /// host that missed them. Up to the seq the host names (another activation may have stored it); at most 1,000.
    /// </summary>
    Task<IReadOnlyList<RealtimeEvent>> Replay(string user, long afterSeq, long toSeq);
}
