namespace Community.Posts;

/// <summary>One post, keyed by post id: its counters and its ordered, durable comment stream.</summary>
public interface IPostGrain : IGrainWithStringKey, Community.Realtime.IRealtimeSource
{
    Task<Post> Create(string creator, string text, string? campaignId);

    /// <summary>The post, or null when no post has this id.</summary>
    Task<Post?> Get();

    /// <summary>Appends a comment; returns once it is durably stored. The same (author, clientId) returns the first comment.</summary>
    Task<Comment> AddComment(string author, string text, string? replyTo, string? clientId);

    Task<PostCounters> React(string user, ReactionKind kind);

    Task<CommentPage> GetComments(long afterSeq, int limit);

    Task<CommentCatchUp> CatchUp(long afterSeq);

    /// <summary>Counts a view of <paramref name="user"/> (once per user within the view-repeat time); returns the counters.</summary>
    Task<PostCounters> View(string user);

    /// <summary>The post's live scores: windows since the post became active, heat, and its rate.</summary>
    Task<Community.Engagement.EngagementScores> GetEngagement();
}
