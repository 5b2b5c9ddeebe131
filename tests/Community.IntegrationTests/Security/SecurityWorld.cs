using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Community.Conversations;
using Community.IntegrationTests.Infrastructure;
using Community.IntegrationTests.Livestreams;
using Community.Livestreams;
using Microsoft.AspNetCore.SignalR.Client;

namespace Community.IntegrationTests.Security;

/// <summary>Who calls: every relation a user can have to the world's resources.</summary>
public enum Role
{
    Anonymous,
    Stranger,
    Fan,
    Creator,
    CoHost,
    Moderator,
    CampaignOwner,
    CampaignMember,
}

/// <summary>
/// One small world with every relation in it: a creator with a post (a fan's comment on it) and a conversation with
/// the fan, who follows them; a live co-hosted livestream with a moderator; a campaign of the creator's with its owner
/// and a member; a stranger who is none of these. Plus two bystanders the calls may name: <see cref="Guest"/> (a
/// creator nobody else relates to) and <see cref="Bystander"/> (a plain user).
/// </summary>
public sealed class SecurityWorld
{
    public static readonly Role[] Roles = Enum.GetValues<Role>();

    private readonly Dictionary<Role, HttpClient> _clients = [];

    private SecurityWorld(TestHost host) => Host = host;

    public TestHost Host { get; }

    public Dictionary<Role, string> Handles { get; } = [];

    public string Creator => Handles[Role.Creator];

    public string Fan => Handles[Role.Fan];

    public string Guest { get; private set; } = "";

    public string Bystander { get; private set; } = "";

    public string PostId { get; private set; } = "";

    public string FanCommentId { get; private set; } = "";

    public string ConversationId => ConversationKey.Of(Creator, Fan);

    public string LiveId { get; private set; } = "";

    public string ChatMessageId { get; private set; } = "";

    public string CampaignId { get; private set; } = "";

    public HttpClient Client(Role role) => _clients[role];

    public static async Task<SecurityWorld> BuildAsync(TestHost host)
    {
        var world = new SecurityWorld(host);
        foreach (var role in Roles.Where(r => r != Role.Anonymous))
        {
            world.Handles[role] = ClusterFixture.Unique(role switch
            {
                Role.Stranger => "stranger",
                Role.Fan => "fan",
                Role.Creator => "creator",
                Role.CoHost => "cohost",
                Role.Moderator => "mod",
                Role.CampaignOwner => "brand",
                _ => "teammate",
            });
        }

        world.Guest = ClusterFixture.Unique("guest");
        world.Bystander = ClusterFixture.Unique("bystander");
        world._clients[Role.Anonymous] = await host.ClientAsync(null);
        foreach (var (role, handle) in world.Handles)
        {
            world._clients[role] = role is Role.Creator or Role.CoHost ? await host.CreatorAsync(handle) : await host.ClientAsync(handle);
        }

        await host.CreatorAsync(world.Guest);
        await world.BuildPostAndConversationAsync();
        var (liveId, chatMessageId) = await world.RoomAsync(start: true, chat: true);
        (world.LiveId, world.ChatMessageId) = (liveId, chatMessageId!);
        await world.BuildCampaignAsync();
        return world;
    }

    private async Task BuildPostAndConversationAsync()
    {
        var creator = Client(Role.Creator);
        var fan = Client(Role.Fan);
        PostId = await creator.PublishAsync(Creator, "The world's post");
        FanCommentId = (await fan.CommentAsync(PostId, "A fan's question?")).Id;
        Ok(await fan.PutAsync($"/api/creators/{Creator}/followers/me", null));
        Ok(await fan.PostAsJsonAsync("/api/conversations", new { with = Creator }));
        Created(await fan.PostAsJsonAsync($"/api/conversations/{ConversationId}/messages", new { text = "hello" }));
        Created(await creator.PostAsJsonAsync($"/api/conversations/{ConversationId}/messages", new { text = "hi back" }));
    }

    /// <summary>
    /// A room of the creator's with the co-host and the moderator, started or not; with one chat message (its id
    /// returned) when asked. Rows that end or start a room take a fresh one, so the table's order does not matter.
    /// </summary>
    public async Task<(string LiveId, string? ChatMessageId)> RoomAsync(bool start, bool chat = false)
    {
        var creator = Client(Role.Creator);
        var room = await creator.CreateLiveAsync("The world's room");
        Ok(await creator.PostAsJsonAsync($"/api/livestreams/{room.LiveId}/invites", new { handle = Handles[Role.CoHost] }));
        Ok(await Client(Role.CoHost).PostAsync($"/api/livestreams/{room.LiveId}/hosts/me", null));
        await creator.ModerateAsync(room.LiveId, new ModerationRequest("addModerator", Handles[Role.Moderator]));
        if (!start)
        {
            return (room.LiveId, null);
        }

        await creator.LiveActionAsync(room.LiveId, "start");
        return chat ? (room.LiveId, (await Client(Role.Fan).ChatAsync(room.LiveId, "hello room")).Id) : (room.LiveId, null);
    }

    /// <summary>A creator no one relates to yet, for calls that may only be made once per person (an invitation).</summary>
    public async Task<string> NewCreatorAsync()
    {
        var handle = ClusterFixture.Unique("invitee");
        (await Host.CreatorAsync(handle)).Dispose();
        return handle;
    }

    private async Task BuildCampaignAsync()
    {
        var owner = Client(Role.CampaignOwner);
        var response = await owner.PostAsJsonAsync("/api/campaigns", new { name = "The world's campaign", creators = new[] { Creator }, budget = 1000 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        CampaignId = (await response.Content.ReadFromJsonAsync<JsonElement>(Api.Json)).GetProperty("campaignId").GetString()!;
        Ok(await owner.PostAsJsonAsync($"/api/campaigns/{CampaignId}/members", new { handle = Handles[Role.CampaignMember] }));
    }

    /// <summary>A hub connection signed in as <paramref name="role"/>; none for an anonymous caller (the hub refuses one).</summary>
    public async Task<HubConnection> ConnectAsync(Role role) => await Host.ConnectAsync(Handles[role]);

    private static void Ok(HttpResponseMessage response) => Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode}");

    private static void Created(HttpResponseMessage response) => Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode}");
}
