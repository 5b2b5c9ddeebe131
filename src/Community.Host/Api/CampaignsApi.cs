using System.Security.Claims;
using Community.Campaigns;
using Community.Host.Auth;

namespace Community.Host.Api;

public static class CampaignsApi
{
    public sealed record HandleInput(string? Handle);

    /// <summary><c>/api/campaigns</c>: a brand creates a campaign, adds creators and teammates, and reads its live snapshot.</summary>
    public static IEndpointRouteBuilder MapCampaignsApi(this IEndpointRouteBuilder app)
    {
        var campaigns = app.MapGroup("/api/campaigns").RequireAuthorization();

        campaigns.MapPost("/", async (CampaignInput input, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            var campaignId = CampaignKey.New();
            var snapshot = await grains.GetGrain<ICampaignGrain>(campaignId).Create(user.Handle(), input);
            return TypedResults.Created($"/api/campaigns/{campaignId}", snapshot);
        });

        campaigns.MapGet("/{campaignId}", async (string campaignId, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(await Grain(grains, campaignId).Get(user.Handle())));

        campaigns.MapPost("/{campaignId}/creators", async (string campaignId, HandleInput input, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(await Grain(grains, campaignId).AddCreator(user.Handle(), Identity.Handle.Require(input.Handle, "creator handle"))));

        campaigns.MapPost("/{campaignId}/members", async (string campaignId, HandleInput input, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(await Grain(grains, campaignId).AddMember(user.Handle(), Identity.Handle.Require(input.Handle, "member handle"))));

        return app;
    }

    private static ICampaignGrain Grain(IGrainFactory grains, string campaignId) => grains.GetGrain<ICampaignGrain>(CampaignKey.Require(campaignId));
}
