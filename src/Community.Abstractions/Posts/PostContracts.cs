using Community.Realtime;

namespace Community.Posts;

public enum ReactionKind
{
    Like,
    Share,
    Save,
}

[GenerateSerializer, Immutable]
[Alias("community.post")]
public sealed record Post(
    [property: Id(0)] string PostId,
    [property: Id(1)] string Creator,
    [property: Id(2)] string Text,
    [property: Id(3)] string? CampaignId,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] long Likes,
    [property: Id(6)] long Comments,
    [property: Id(7)] long Shares,
    [property: Id(8)] long Saves,
    [property: Id(9)] long CreatorReplies,
    [property: Id(10)] long LastSeq,
    [property: Id(11)] long Views = 0)
{
    public PostCounters Counters => new(PostId, Likes, Comments, Shares, Saves, CreatorReplies, Views);
}

[GenerateSerializer, Immutable]
[Alias("community.post-counters")]
public sealed record PostCounters(
    [property: Id(0)] string PostId,
    [property: Id(1)] long Likes,
    [property: Id(2)] long Comments,
    [property: Id(3)] long Shares,
    [property: Id(4)] long Saves,
    [property: Id(5)] long CreatorReplies,
    [property: Id(6)] long Views = 0)
{
    public long Interactions => Likes + Comments + Shares + Saves;
}

/// <summary>A comment: <c>{ postId, seq, id, author, text, replyTo, at, byCreator }</c>.</summary>
[GenerateSerializer, Immutable]
[Alias("community.comment")]
public sealed record Comment(
    [property: Id(0)] string PostId,
    [property: Id(1)] long Seq,
    [property: Id(2)] string Id,
    [property: Id(3)] string Author,
    [property: Id(4)] string Text,
    [property: Id(5)] string? ReplyTo,
    [property: Id(6)] DateTimeOffset At,
    [property: Id(7)] bool ByCreator) : IClientEvent
{
    static string IClientEvent.EventName => ClientEvents.CommentAdded;
}

[GenerateSerializer, Immutable]
[Alias("community.comment-page")]
public sealed record CommentPage(
    [property: Id(0)] IReadOnlyList<Comment> Items,
    [property: Id(1)] long LastSeq);

/// <summary>What a subscriber missed: every comment after its <c>afterSeq</c> (up to a cap; <see cref="HasMore"/> then says to page the rest).</summary>
[GenerateSerializer, Immutable]
[Alias("community.comment-catch-up")]
public sealed record CommentCatchUp(
    [property: Id(0)] long LastSeq,
    [property: Id(1)] IReadOnlyList<Comment> Missed,
    [property: Id(2)] bool HasMore);

/// <summary>The <c>ReactionAdded</c> event: who reacted how, and the counters after it.</summary>
[GenerateSerializer, Immutable]
[Alias("community.reaction-added")]
public sealed record ReactionAdded(
    [property: Id(0)] string PostId,
    [property: Id(1)] string User,
    [property: Id(2)] string Kind,
    [property: Id(3)] PostCounters Counters) : IClientEvent
{
    static string IClientEvent.EventName => ClientEvents.ReactionAdded;
}
