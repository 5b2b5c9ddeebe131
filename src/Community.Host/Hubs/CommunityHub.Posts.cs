using Community.Host.Hosting;
using Community.Posts;
using Community.Realtime;
using Community.Validation;

namespace Community.Host.Hubs;

public sealed partial class CommunityHub
{
    /// <summary>Joins the post's live feed and returns what the caller missed after <paramref name="afterSeq"/>.</summary>
    [HubRead]
    public async Task<CommentCatchUp> SubscribePost(string postId, long? afterSeq)
    {
        var post = grains.GetGrain<IPostGrain>(PostKey.Require(postId));
        var after = Limits.AfterSeq(afterSeq);
        // Join first, then read: an event racing the read arrives twice (clients skip seq ≤ lastSeq), never zero times.
        await relay.SubscribeAsync(Context.ConnectionId, Topics.Post(postId));
        try
        {
            var caughtUp = await post.CatchUp(after);
            var (missed, complete) = catchUp.Take(caughtUp.Missed);
            return complete ? caughtUp : caughtUp with { Missed = missed, HasMore = true };
        }
        catch
        {
            relay.Unsubscribe(Context.ConnectionId, Topics.Post(postId));
            throw;
        }
    }

    [HubRead]
    public void UnsubscribePost(string postId) =>
        relay.Unsubscribe(Context.ConnectionId, Topics.Post(PostKey.Require(postId)));

    public Task<Comment> Comment(string postId, string text, string? replyTo, string? clientId) =>
        grains.GetGrain<IPostGrain>(PostKey.Require(postId))
            .AddComment(Me, text, replyTo, clientId);

    public Task<PostCounters> React(string postId, string kind) =>
        grains.GetGrain<IPostGrain>(PostKey.Require(postId)).React(Me, Reactions.Parse(kind));
}
