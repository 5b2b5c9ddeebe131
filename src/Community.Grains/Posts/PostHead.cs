using Community.Grains.Storage;
using Community.Posts;

namespace Community.Grains.Posts;

/// <summary>The head row of a post's partition: the post itself, its counters and its last comment seq.</summary>
public sealed record PostHead(
    string Creator,
    string Text,
    string? CampaignId,
    DateTimeOffset At,
    long LastSeq = 0,
    long Likes = 0,
    long Comments = 0,
    long Shares = 0,
    long Saves = 0,
    long CreatorReplies = 0,
    long Views = 0) : ISeqHead
{
    public Post ToPost(string postId) =>
        new(postId, Creator, Text, CampaignId, At, Likes, Comments, Shares, Saves, CreatorReplies, LastSeq, Views);

    public PostCounters Counters(string postId) => new(postId, Likes, Comments, Shares, Saves, CreatorReplies, Views);
}
