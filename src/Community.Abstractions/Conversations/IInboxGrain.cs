namespace Community.Conversations;

/// <summary>One user's inbox, keyed by handle: a summary of each of their conversations, most recent first.</summary>
public interface IInboxGrain : IGrainWithStringKey
{
    /// <summary>Merges a conversation's latest state (idempotent, order-independent); returns once stored.</summary>
    Task Apply(InboxUpdate update);

    /// <summary>Up to <paramref name="limit"/> conversations, most recent first, after the cursor <paramref name="before"/>.</summary>
    Task<InboxPage> List(int limit, string? before);
}
