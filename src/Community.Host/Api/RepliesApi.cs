using System.Security.Claims;
using Community.Creators;
using Community.Errors;
using Community.Host.Auth;
using Community.Replies;
using Community.Validation;

namespace Community.Host.Api;

public static class RepliesApi
{
    public static IEndpointRouteBuilder MapRepliesApi(this IEndpointRouteBuilder app)
    {
        var creator = app.MapGroup("/api/creators/{handle}").RequireAuthorization();

        creator.MapGet("/unanswered", async (string handle, int? limit, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            user.RequireSelf(handle, "see this creator's reply queue");
            var size = Limits.PageSize(limit);
            _ = await grains.GetGrain<ICreatorGrain>(handle).GetProfile()
                ?? throw CommunityException.NotFound($"There is no creator '{handle}': create your creator profile first.");
            return TypedResults.Ok(await grains.GetGrain<IReplyQueueGrain>(handle).Unanswered(size));
        });

        return app;
    }
}
