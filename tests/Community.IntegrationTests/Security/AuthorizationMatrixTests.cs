using System.Net;
using System.Net.Http.Json;
using Community.Host.Hosting;
using Community.IntegrationTests.Infrastructure;
using Community.Livestreams;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace Community.IntegrationTests.Security;

/// <summary>
/// Who may do what: every HTTP endpoint and hub method, called by every relation a user can have to the resource
/// (see <see cref="SecurityWorld"/>), must answer the status the one table below says. An endpoint or hub method
/// without a row fails the test: deciding who may call it is part of adding it.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class AuthorizationMatrixTests(SecurityFixture fixture, ITestOutputHelper output)
{
    /// <summary>A call one role makes: HTTP (method, url, JSON body) or hub (method name, arguments).</summary>
    private sealed record Call(HttpMethod? Method, string Target, object? Body, object?[] Arguments);

    /// <summary>One endpoint or hub method, how to call it in the world, and the status each role must get, in <see cref="SecurityWorld.Roles"/> order.</summary>
    private sealed record Row(string Key, Func<SecurityWorld, Task<Call>> Build, int[] Expected)
    {
        public bool IsHub => !Key.Contains(' ', StringComparison.Ordinal);
    }

    // Hub calls answer 200 for success; an anonymous hub caller is refused at the connection (401).
    //                                                                                                    anon stranger fan creator cohost  mod  owner member
    private static readonly Row[] Table =
    [
        Http("GET /health/live", _ => Get("/health/live"),                                                      200, 200, 200, 200, 200, 200, 200, 200),
        Http("GET /health/ready", _ => Get("/health/ready"),                                                    200, 200, 200, 200, 200, 200, 200, 200),
        Http("POST /api/dev/token", w => Post("/api/dev/token", new { user = w.Bystander }),                    200, 200, 200, 200, 200, 200, 200, 200),

        Http("GET /api/creators/{handle}", w => Get($"/api/creators/{w.Creator}"),                              401, 200, 200, 200, 200, 200, 200, 200),
        Http("PUT /api/creators/{handle}", w => Put($"/api/creators/{w.Creator}", new { displayName = w.Creator.ToUpperInvariant(), niches = new[] { "food" } }),
                                                                                                                401, 403, 403, 200, 403, 403, 403, 403),
        Http("PUT /api/creators/{handle}/followers/me", w => Put($"/api/creators/{w.Guest}/followers/me"),      401, 200, 200, 200, 200, 200, 200, 200),
        Http("DELETE /api/creators/{handle}/followers/me", w => Delete($"/api/creators/{w.Guest}/followers/me"), 401, 200, 200, 200, 200, 200, 200, 200),
        Http("POST /api/creators/{handle}/posts", w => Post($"/api/creators/{w.Creator}/posts", new { text = "Another post" }),
                                                                                                                401, 403, 403, 201, 403, 403, 403, 403),
        Http("GET /api/creators/{handle}/unanswered", w => Get($"/api/creators/{w.Creator}/unanswered"),        401, 403, 403, 200, 403, 403, 403, 403),
        Http("GET /api/creators/{handle}/dm-policy", w => Get($"/api/creators/{w.Creator}/dm-policy"),          401, 200, 200, 200, 200, 200, 200, 200),
        Http("PUT /api/creators/{handle}/dm-policy", w => Put($"/api/creators/{w.Creator}/dm-policy", new { policy = "followersOnly" }),
                                                                                                                401, 403, 403, 200, 403, 403, 403, 403),
        Http("GET /api/creators/{handle}/blocked", w => Get($"/api/creators/{w.Creator}/blocked"),              401, 403, 403, 200, 403, 403, 403, 403),
        Http("PUT /api/creators/{handle}/blocked/{blocked}", w => Put($"/api/creators/{w.Creator}/blocked/{w.Bystander}"),
                                                                                                                401, 403, 403, 200, 403, 403, 403, 403),
        Http("DELETE /api/creators/{handle}/blocked/{blocked}", w => Delete($"/api/creators/{w.Creator}/blocked/{w.Bystander}"),
                                                                                                                401, 403, 403, 200, 403, 403, 403, 403),

        Http("GET /api/posts/{postId}", w => Get($"/api/posts/{w.PostId}"),                                     401, 200, 200, 200, 200, 200, 200, 200),
        Http("GET /api/posts/{postId}/comments", w => Get($"/api/posts/{w.PostId}/comments"),                   401, 200, 200, 200, 200, 200, 200, 200),
        Http("POST /api/posts/{postId}/comments", w => Post($"/api/posts/{w.PostId}/comments", new { text = "A comment" }),
                                                                                                                401, 201, 201, 201, 201, 201, 201, 201),
        Http("POST /api/posts/{postId}/reactions", w => Post($"/api/posts/{w.PostId}/reactions", new { kind = "like" }),
                                                                                                                401, 200, 200, 200, 200, 200, 200, 200),
        Http("POST /api/posts/{postId}/views", w => Post($"/api/posts/{w.PostId}/views"),                       401, 200, 200, 200, 200, 200, 200, 200),

        // A conversation is its two participants' only: for anyone else it does not exist (404, not 403).
        Http("POST /api/conversations", w => Post("/api/conversations", new { with = w.Fan }),                  401, 200, 400, 200, 200, 200, 200, 200),
        Http("GET /api/conversations", _ => Get("/api/conversations"),                                          401, 200, 200, 200, 200, 200, 200, 200),
        Http("GET /api/conversations/{conversationId}/messages", w => Get($"/api/conversations/{w.ConversationId}/messages"),
                                                                                                                401, 404, 200, 200, 404, 404, 404, 404),
        Http("POST /api/conversations/{conversationId}/messages", w => Post($"/api/conversations/{w.ConversationId}/messages", new { text = "A message" }),
                                                                                                                401, 404, 201, 201, 404, 404, 404, 404),
        Http("POST /api/conversations/{conversationId}/read", w => Post($"/api/conversations/{w.ConversationId}/read", new { seq = 1 }),
                                                                                                                401, 404, 200, 200, 404, 404, 404, 404),

        Http("POST /api/livestreams", _ => Post("/api/livestreams", new { title = "Another room" }),            401, 403, 403, 201, 201, 403, 403, 403),
        Http("GET /api/livestreams/{liveId}", w => Get($"/api/livestreams/{w.LiveId}"),                         401, 200, 200, 200, 200, 200, 200, 200),
        Http("POST /api/livestreams/{liveId}/invites", async w => Post($"/api/livestreams/{w.LiveId}/invites", new { handle = await w.NewCreatorAsync() }),
                                                                                                                401, 403, 403, 200, 200, 403, 403, 403),
        Http("POST /api/livestreams/{liveId}/hosts/me", w => Post($"/api/livestreams/{w.LiveId}/hosts/me"),     401, 403, 403, 200, 200, 403, 403, 403),
        Http("POST /api/livestreams/{liveId}/start", async w => Post($"/api/livestreams/{(await w.RoomAsync(start: false)).LiveId}/start"),
                                                                                                                401, 403, 403, 200, 200, 403, 403, 403),
        Http("POST /api/livestreams/{liveId}/end", async w => Post($"/api/livestreams/{(await w.RoomAsync(start: true)).LiveId}/end"),
                                                                                                                401, 403, 403, 200, 200, 403, 403, 403),
        Http("GET /api/livestreams/{liveId}/chat", w => Get($"/api/livestreams/{w.LiveId}/chat"),               401, 200, 200, 200, 200, 200, 200, 200),
        Http("POST /api/livestreams/{liveId}/chat", w => Post($"/api/livestreams/{w.LiveId}/chat", new { text = "A chat line" }),
                                                                                                                401, 201, 201, 201, 201, 201, 201, 201),
        Http("POST /api/livestreams/{liveId}/moderation", w => Post($"/api/livestreams/{w.LiveId}/moderation", new { action = "slowMode", seconds = 0 }),
                                                                                                                401, 403, 403, 200, 200, 200, 403, 403),
        Http("GET /api/livestreams/{liveId}/moderation", w => Get($"/api/livestreams/{w.LiveId}/moderation"),   401, 403, 403, 200, 200, 200, 403, 403),

        // A campaign is its owner's and members' business; its creators see their own scores, not the brand's.
        Http("POST /api/campaigns", w => Post("/api/campaigns", new { name = "Another campaign", creators = new[] { w.Creator } }),
                                                                                                                401, 201, 201, 201, 201, 201, 201, 201),
        Http("GET /api/campaigns/{campaignId}", w => Get($"/api/campaigns/{w.CampaignId}"),                     401, 403, 403, 403, 403, 403, 200, 200),
        Http("POST /api/campaigns/{campaignId}/creators", w => Post($"/api/campaigns/{w.CampaignId}/creators", new { handle = w.Creator }),
                                                                                                                401, 403, 403, 403, 403, 403, 200, 403),
        Http("POST /api/campaigns/{campaignId}/members", w => Post($"/api/campaigns/{w.CampaignId}/members", new { handle = w.Handles[Role.CampaignMember] }),
                                                                                                                401, 403, 403, 403, 403, 403, 200, 403),

        Hub("SubscribePost", w => [w.PostId, null],                                                             401, 200, 200, 200, 200, 200, 200, 200),
        Hub("UnsubscribePost", w => [w.PostId],                                                                 401, 200, 200, 200, 200, 200, 200, 200),
        Hub("Comment", w => [w.PostId, "A hub comment", null, null],                                            401, 200, 200, 200, 200, 200, 200, 200),
        Hub("React", w => [w.PostId, "save"],                                                                   401, 200, 200, 200, 200, 200, 200, 200),
        Hub("SendMessage", w => [w.ConversationId, "A hub message", null],                                      401, 404, 200, 200, 404, 404, 404, 404),
        Hub("MarkRead", w => [w.ConversationId, 1L],                                                            401, 404, 200, 200, 404, 404, 404, 404),
        Hub("Typing", w => [w.ConversationId],                                                                  401, 404, 200, 200, 404, 404, 404, 404),
        Hub("JoinLive", w => [w.LiveId, null, null],                                                            401, 200, 200, 200, 200, 200, 200, 200),
        Hub("LeaveLive", w => [w.LiveId],                                                                       401, 200, 200, 200, 200, 200, 200, 200),
        Hub("SendChat", w => [w.LiveId, "A hub chat line", null],                                               401, 200, 200, 200, 200, 200, 200, 200),
        Hub("Moderate", w => [w.LiveId, new ModerationRequest("slowMode", Seconds: 0)],                         401, 403, 403, 200, 200, 200, 403, 403),
        Hub("WatchCampaign", w => [w.CampaignId],                                                               401, 403, 403, 403, 403, 403, 200, 200),
        Hub("UnwatchCampaign", w => [w.CampaignId],                                                             401, 200, 200, 200, 200, 200, 200, 200),
        Hub("WatchCreator", w => [w.Creator],                                                                   401, 200, 200, 200, 200, 200, 200, 200),
        Hub("UnwatchCreator", w => [w.Creator],                                                                 401, 200, 200, 200, 200, 200, 200, 200),
    ];

    [Fact]
    public async Task Every_endpoint_and_hub_method_has_a_row_in_the_table()
    {
        var endpoints = (await ApiSurface.RestAsync(fixture.Host)).Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var hubMethods = ApiSurface.HubMethods.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var httpRows = Table.Where(r => !r.IsHub).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var hubRows = Table.Where(r => r.IsHub).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);

        Assert.True(Table.Select(r => r.Key).Distinct().Count() == Table.Length, "A key has two rows.");
        Assert.True(endpoints.SetEquals(httpRows),
            "The authorization table and the host's endpoints disagree.\n  Served without a row: " + string.Join(", ", endpoints.Except(httpRows).Order()) +
            "\n  A row for nothing served: " + string.Join(", ", httpRows.Except(endpoints).Order()));
        Assert.True(hubMethods.SetEquals(hubRows),
            "The authorization table and CommunityHub disagree.\n  Hub methods without a row: " + string.Join(", ", hubMethods.Except(hubRows).Order()) +
            "\n  A row for no hub method: " + string.Join(", ", hubRows.Except(hubMethods).Order()));
    }

    [Fact]
    public async Task Every_role_gets_the_status_the_table_says_for_every_endpoint_and_hub_method()
    {
        var world = await SecurityWorld.BuildAsync(fixture.Host);
        var anonymousHub = await AnonymousHubStatusAsync();
        var hubs = new Dictionary<Role, HubConnection>();
        var wrong = new List<string>();
        try
        {
            foreach (var row in Table)
            {
                foreach (var role in SecurityWorld.Roles)
                {
                    var expected = row.Expected[(int)role];
                    var call = await row.Build(world);
                    int actual;
                    if (!row.IsHub)
                    {
                        actual = await SendAsync(world.Client(role), call);
                    }
                    else if (role == Role.Anonymous)
                    {
                        actual = anonymousHub;
                    }
                    else
                    {
                        if (!hubs.TryGetValue(role, out var hub))
                        {
                            hubs[role] = hub = await world.ConnectAsync(role);
                        }

                        actual = await InvokeAsync(hub, row.Key, call.Arguments);
                    }

                    if (actual != expected)
                    {
                        wrong.Add($"{row.Key} as {role}: expected {expected}, got {actual}");
                    }
                }
            }
        }
        finally
        {
            foreach (var hub in hubs.Values)
            {
                await hub.DisposeAsync();
            }
        }

        output.WriteLine($"{Table.Length} rows × {SecurityWorld.Roles.Length} roles checked; {wrong.Count} differ.");
        Assert.True(wrong.Count == 0, "Calls that did not answer what the authorization table says:\n  " + string.Join("\n  ", wrong));
    }

    private static Row Http(string key, Func<SecurityWorld, Call> build, params int[] expected) => Http(key, w => Task.FromResult(build(w)), expected);

    private static Row Http(string key, Func<SecurityWorld, Task<Call>> build, params int[] expected)
    {
        Assert.Equal(SecurityWorld.Roles.Length, expected.Length);
        return new Row(key, build, expected);
    }

    private static Row Hub(string method, Func<SecurityWorld, object?[]> arguments, params int[] expected)
    {
        Assert.Equal(SecurityWorld.Roles.Length, expected.Length);
        return new Row(method, w => Task.FromResult(new Call(null, method, null, arguments(w))), expected);
    }

    private static Call Get(string url) => new(HttpMethod.Get, url, null, []);

    private static Call Post(string url, object? body = null) => new(HttpMethod.Post, url, body, []);

    private static Call Put(string url, object? body = null) => new(HttpMethod.Put, url, body, []);

    private static Call Delete(string url) => new(HttpMethod.Delete, url, null, []);

    private static async Task<int> SendAsync(HttpClient client, Call call)
    {
        using var request = new HttpRequestMessage(call.Method!, call.Target);
        if (call.Body is not null)
        {
            request.Content = JsonContent.Create(call.Body, options: Api.Json);
        }

        using var response = await client.SendAsync(request);
        return (int)response.StatusCode;
    }

    /// <summary>200 when the hub method answered; otherwise the status its error names.</summary>
    private static async Task<int> InvokeAsync(HubConnection hub, string method, object?[] arguments)
    {
        try
        {
            await hub.InvokeCoreAsync(method, typeof(object), arguments);
            return 200;
        }
        catch (HubException ex)
        {
            return Api.StatusOf(ex);
        }
    }

    /// <summary>The status the hub answers a connection without a token.</summary>
    private async Task<int> AnonymousHubStatusAsync()
    {
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(fixture.Host.BaseAddress, CommunityApp.HubPath), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
        try
        {
            await connection.StartAsync();
            return 200;
        }
        catch (HttpRequestException ex) when (ex.StatusCode is { } status)
        {
            return (int)status;
        }
        catch (Exception ex) when (ex.Message.Contains("401", StringComparison.Ordinal))
        {
            // With negotiation skipped the WebSocket handshake fails; the client says why in words.
            return 401;
        }
    }
}
