using System.Text.RegularExpressions;

namespace Community.LoadTests.Peers.BareSignalR;

/// <summary>
/// The REST calls the load driver's setup makes, as trivial stubs over <see cref="PeerState"/>: same paths, bodies
/// and status codes as Community, no validation beyond what keeps the state sane.
/// </summary>
public static partial class RestStubs
{
    public static IEndpointRouteBuilder MapRestStubs(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => TypedResults.Text("Healthy"));
        app.MapGet("/health/ready", () => TypedResults.Text("Healthy"));

        app.MapPost("/api/dev/token", (TokenRequest request, PeerState state) =>
            request.User is { } user && HandlePattern().IsMatch(user)
                ? Results.Ok(new TokenResponse(PeerUser.TokenFor(user), state.Time.GetUtcNow().AddDays(1)))
                : BadRequest("user must be a handle (a-z, 0-9, _; 3 to 30 characters)."));

        app.MapPut("/api/creators/{handle}", (string handle, CreatorRequest request) =>
            TypedResults.Ok(new CreatorResponse(handle, request.DisplayName ?? handle, request.Niches ?? [], request.Bio)));

        app.MapPut("/api/creators/{handle}/followers/me", (string handle) => TypedResults.Ok(new { creator = handle, following = true }));

        app.MapPost("/api/livestreams", (LiveRequest request, HttpContext http, PeerState state) =>
        {
            var room = new LiveRoom(PeerState.NewId('l'), request.Title ?? "", PeerUser.Of(http));
            state.Rooms[room.LiveId] = room;
            return TypedResults.Created($"/api/livestreams/{room.LiveId}", room.View());
        });

        app.MapGet("/api/livestreams/{liveId}", (string liveId, PeerState state) =>
            state.Rooms.TryGetValue(liveId, out var room) ? Results.Ok(room.View()) : NotFound($"There is no livestream '{liveId}'."));

        app.MapPost("/api/livestreams/{liveId}/start", (string liveId, PeerState state) =>
        {
            if (!state.Rooms.TryGetValue(liveId, out var room))
            {
                return NotFound($"There is no livestream '{liveId}'.");
            }

            room.Status = "live";
            return Results.Ok(room.View());
        });

        app.MapPost("/api/creators/{handle}/posts", (string handle, PostRequest request, PeerState state) =>
        {
            var post = new Post(PeerState.NewId('p'), handle, request.Text ?? "", request.CampaignId);
            state.Posts[post.PostId] = post;
            return TypedResults.Created($"/api/posts/{post.PostId}", post.View());
        });

        app.MapGet("/api/posts/{postId}", (string postId, PeerState state) =>
            state.Posts.TryGetValue(postId, out var post) ? Results.Ok(post.View()) : NotFound($"There is no post '{postId}'."));

        app.MapPost("/api/conversations", (ConversationRequest request, HttpContext http) =>
        {
            var me = PeerUser.Of(http);
            return request.With is { } with && HandlePattern().IsMatch(with) && with != me
                ? Results.Ok(new ConversationView(PeerState.ConversationId(me, with), with, 0))
                : BadRequest("with must be another user's handle.");
        });

        app.MapPost("/api/campaigns", (CampaignRequest request, HttpContext http, PeerState state) =>
        {
            var campaign = new Campaign(PeerState.NewId('c'), request.Name ?? "", PeerUser.Of(http));
            state.Campaigns[campaign.CampaignId] = campaign;
            return TypedResults.Created($"/api/campaigns/{campaign.CampaignId}", campaign.Snapshot(state.Time.GetUtcNow()));
        });

        app.MapGet("/api/campaigns/{campaignId}", (string campaignId, PeerState state) =>
            state.Campaigns.TryGetValue(campaignId, out var campaign)
                ? Results.Ok(campaign.Snapshot(state.Time.GetUtcNow()))
                : NotFound($"There is no campaign '{campaignId}'."));

        return app;
    }

    private static IResult BadRequest(string detail) =>
        Results.Json(new Problem(400, "Invalid input", detail), statusCode: 400, contentType: "application/problem+json");

    private static IResult NotFound(string detail) =>
        Results.Json(new Problem(404, "Not found", detail), statusCode: 404, contentType: "application/problem+json");

    [GeneratedRegex("^[a-z0-9_]{3,30}$")]
    private static partial Regex HandlePattern();
}
