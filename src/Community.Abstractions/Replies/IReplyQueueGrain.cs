using Community.Posts;

namespace Community.Replies;

/// <summary>
/// One creator's replies to fans, keyed by the creator's handle: the queue of fans' comments awaiting a reply, and
/// how responsive the creator is. Posts report their comments after storing them; a report may repeat
/// (idempotent by post and seq).
/// </summary>
public interface IReplyQueueGrain : IGrainWithStringKey
{
    /// <summary>Comments of <paramref name="postId"/> stored since the last report, in seq order.</summary>
    Task Observe(string postId, IReadOnlyList<Comment> comments);

    /// <summary>The oldest <paramref name="limit"/> comments still awaiting a reply, and how many await in all.</summary>
    Task<UnansweredPage> Unanswered(int limit);

    /// <summary>
    /// A conversation someone else opened with this creator: when its first message was sent, and when the creator
    /// first answered (null while they have not). Idempotent: conversations re-send it when unsure it arrived.
    /// </summary>
    Task ObserveOpening(string conversationId, DateTimeOffset startedAt, DateTimeOffset? answeredAt);

    /// <summary>Reply rate and response times over the rolling window, as of now.</summary>
    Task<Responsiveness> Responsiveness();
}
