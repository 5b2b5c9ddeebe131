using System.Security.Claims;
using Community.Creators;
using Community.Engagement;
using Community.Grains.Engagement;
using Community.Host.Auth;
using Community.Host.Hosting;
using Community.Posts;
using Community.Validation;

namespace Community.Host.Api;

public static class PostsApi
{
    public sealed record CommentInput(string? Text, string? ReplyTo, string? ClientId);

    public sealed record ReactionInput(string? Kind);

    /// <summary><see cref="Heat"/>, <see cref="Windows"/> and <see cref="At"/> are additions: the post's live scores (docs/engagement.md).</summary>
    public sealed record PostEngagement(long Interactions, double EngagementRate, double Heat, EngagementWindows Windows, DateTimeOffset At);

    public sealed record PostView(
        string PostId,
        string Creator,
        string Text,
        string? CampaignId,
        DateTimeOffset At,
        long Likes,
        long Comments,
        long Shares,
        long Saves,
        long CreatorReplies,
        long LastSeq,
        long Views,
        PostEngagement Engagement);

    public static IEndpointRouteBuilder MapPostsApi(this IEndpointRouteBuilder app)
    {
        var posts = app.MapGroup("/api/posts/{postId}").RequireAuthorization();

        posts.MapGet("/", async (string postId, IGrainFactory grains) =>
        {
            var post = await Grain(grains, postId).Get()
                ?? throw Errors.CommunityException.NotFound($"There is no post '{postId}'.");
            return TypedResults.Ok(await ViewAsync(post, grains));
        });

        posts.MapGet("/comments", async (string postId, long? afterSeq, int? limit, IGrainFactory grains) =>
            TypedResults.Ok(await Grain(grains, postId).GetComments(Limits.AfterSeq(afterSeq), Limits.PageSize(limit))));

        posts.MapPost("/comments", async (string postId, CommentInput input, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            var comment = await Grain(grains, postId).AddComment(
                user.Handle(), input.Text ?? "", input.ReplyTo, input.ClientId);
            return TypedResults.Created($"/api/posts/{postId}/comments?afterSeq={comment.Seq - 1}&limit=1", comment);
        });

        posts.MapPost("/reactions", async (string postId, ReactionInput input, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(await Grain(grains, postId).React(user.Handle(), Reactions.Parse(input.Kind))));

        posts.MapPost("/views", async (string postId, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(await Grain(grains, postId).View(user.Handle())));

        return app;
    }

    public static async Task<PostView> ViewAsync(Post post, IGrainFactory grains)
    {
        var creatorTask = grains.GetGrain<ICreatorGrain>(post.Creator).GetProfile();
        var liveTask = grains.GetGrain<IPostGrain>(post.PostId).GetEngagement();
        var creator = await creatorTask;
        var live = await liveTask;
        var interactions = post.Counters.Interactions;
        return new PostView(post.PostId, post.Creator, post.Text, post.CampaignId, post.At, post.Likes, post.Comments, post.Shares, post.Saves,
            post.CreatorReplies, post.LastSeq, post.Views,
            new PostEngagement(interactions, EngagementMath.PostRate(interactions, creator?.Followers ?? 0), live.Heat, live.Windows, live.At));
    }

    private static IPostGrain Grain(IGrainFactory grains, string postId) => grains.GetGrain<IPostGrain>(PostKey.Require(postId));
}
