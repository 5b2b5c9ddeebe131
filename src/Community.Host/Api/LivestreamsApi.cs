using System.Security.Claims;
using Community.Host.Auth;
using Community.Host.Hosting;
using Community.Livestreams;
using Community.Validation;

namespace Community.Host.Api;

public static class LivestreamsApi
{
    public sealed record CreateInput(string? Title, string? CampaignId);

    public sealed record InviteInput(string? Handle);

    public sealed record ChatInput(string? Text, string? ClientId, string? Via);

    public static IEndpointRouteBuilder MapLivestreamsApi(this IEndpointRouteBuilder app)
    {
        var livestreams = app.MapGroup("/api/livestreams").RequireAuthorization();

        livestreams.MapPost("/", async (CreateInput input, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            var room = await grains.GetGrain<ILivestreamGrain>(LiveKey.New())
                .Create(user.Handle(), input.Title ?? "", input.CampaignId);
            return TypedResults.Created($"/api/livestreams/{room.LiveId}", room);
        });

        var live = livestreams.MapGroup("/{liveId}");

        live.MapGet("/", async (string liveId, IGrainFactory grains) =>
            TypedResults.Ok(await Grain(grains, liveId).GetRoom()));

        live.MapPost("/invites", async (string liveId, InviteInput input, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(await Grain(grains, liveId).Invite(user.Handle(), Identity.Handle.Require(input.Handle, "co-host handle"))));

        live.MapPost("/hosts/me", async (string liveId, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(await Grain(grains, liveId).AcceptInvite(user.Handle())));

        live.MapPost("/start", async (string liveId, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(await Grain(grains, liveId).Start(user.Handle())));

        live.MapPost("/end", async (string liveId, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(await Grain(grains, liveId).End(user.Handle())));

        live.MapGet("/chat", async (string liveId, long? afterSeq, int? limit, IGrainFactory grains) =>
            TypedResults.Ok(await Grain(grains, liveId).GetChat(Limits.AfterSeq(afterSeq), Limits.PageSize(limit))));

        live.MapPost("/chat", async (string liveId, ChatInput input, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            var via = input.Via is null ? null : Identity.Handle.Require(input.Via, "via");
            var message = await Grain(grains, liveId).SendChat(
                user.Handle(), input.Text ?? "", via, input.ClientId);
            return TypedResults.Created($"/api/livestreams/{liveId}/chat?afterSeq={message.Seq - 1}&limit=1", message);
        });

        live.MapPost("/moderation", async (string liveId, ModerationRequest request, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(await Grain(grains, liveId).Moderate(user.Handle(), request)));

        live.MapGet("/moderation", async (string liveId, long? afterSeq, int? limit, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(await Grain(grains, liveId).GetModeration(user.Handle(), Limits.AfterSeq(afterSeq), Limits.PageSize(limit))));

        return app;
    }

    private static ILivestreamGrain Grain(IGrainFactory grains, string liveId) => grains.GetGrain<ILivestreamGrain>(LiveKey.Require(liveId));
}
