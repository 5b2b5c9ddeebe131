using System.Security.Claims;
using Community.Creators;
using Community.Engagement;
using Community.Errors;
using Community.Host.Auth;
using Community.Host.Hosting;
using Community.Identity;
using Community.Replies;

namespace Community.Host.Api;

public static class CreatorsApi
{
    public sealed record PostInput(string? Text, string? CampaignId);

    public static IEndpointRouteBuilder MapCreatorsApi(this IEndpointRouteBuilder app)
    {
        var creators = app.MapGroup("/api/creators/{handle}").RequireAuthorization();

        creators.MapPut("/", async (string handle, CreatorProfileInput input, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            user.RequireSelf(handle, "create or edit this creator profile");
            var profile = await grains.GetGrain<ICreatorGrain>(handle).SaveProfile(input);
            return TypedResults.Ok(await ViewAsync(profile, grains));
        });

        creators.MapGet("/", async (string handle, IGrainFactory grains) =>
        {
            var profile = await grains.GetGrain<ICreatorGrain>(Handle.Require(handle)).GetProfile()
                ?? throw CommunityException.NotFound($"There is no creator '{handle}'.");
            return TypedResults.Ok(await ViewAsync(profile, grains));
        });

        creators.MapPut("/followers/me", async (string handle, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(await grains.GetGrain<ICreatorGrain>(Handle.Require(handle)).Follow(user.Handle())));

        creators.MapDelete("/followers/me", async (string handle, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(await grains.GetGrain<ICreatorGrain>(Handle.Require(handle)).Unfollow(user.Handle())));

        creators.MapPost("/posts", async (string handle, PostInput input, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            user.RequireSelf(handle, "publish as this creator");
            var post = await grains.GetGrain<ICreatorGrain>(handle).Publish(input.Text ?? "", input.CampaignId);
            return TypedResults.Created($"/api/posts/{post.PostId}", await PostsApi.ViewAsync(post, grains));
        });

        return app;
    }

    /// <summary><see cref="Heat"/> and <see cref="Windows"/> are additions: the creator's live scores across all their posts (docs/engagement.md).</summary>
    public sealed record CreatorEngagement(int Posts, long Interactions, double EngagementRate, double MedianEngagementRate, double Heat, EngagementWindows Windows, Responsiveness Responsiveness);

    public sealed record CreatorView(
        string Handle,
        string DisplayName,
        IReadOnlyList<string> Niches,
        string? Bio,
        long Followers,
        string Tier,
        long Posts,
        DateTimeOffset CreatedAt,
        CreatorEngagement Engagement);

    /// <summary>
    /// The profile with the creator's engagement: the figures their engagement grain keeps (rolled up from their posts, so
    /// within a roll-up beat of them) at the follower count just read, and their responsiveness.
    /// </summary>
    public static async Task<CreatorView> ViewAsync(CreatorProfile profile, IGrainFactory grains)
    {
        var responsiveness = grains.GetGrain<IReplyQueueGrain>(profile.Handle).Responsiveness();
        var live = await grains.GetGrain<ICreatorEngagementGrain>(profile.Handle).GetWithFollowers(profile.Followers);
        var engagement = new CreatorEngagement(live.Posts, live.Interactions, live.EngagementRate, live.MedianEngagementRate,
            live.Heat, live.Windows, await responsiveness);
        return new CreatorView(profile.Handle, profile.DisplayName, profile.Niches, profile.Bio, profile.Followers, profile.Tier, profile.Posts, profile.CreatedAt, engagement);
    }
}
