using System.Net;
using System.Net.Http.Json;
using Community.Campaigns;
using Community.Grains.Livestreams;
using Community.IntegrationTests.Infrastructure;
using Community.Livestreams;
using Community.Realtime;
using Microsoft.Extensions.DependencyInjection;

namespace Community.IntegrationTests.Livestreams;

/// <summary>What a hostile or careless user tries with rooms: repeated invites, foreign campaigns, banned co-hosts, random ids.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RoomAbuseTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Inviting_the_same_creator_again_and_again_notifies_them_once()
    {
        var hostName = ClusterFixture.Unique("ha");
        var guestName = ClusterFixture.Unique("hb");
        var host = await cluster.A.CreatorAsync(hostName);
        await cluster.B.CreatorAsync(guestName);
        await using var guestHub = await cluster.B.ConnectAsync(guestName);
        var invites = new EventLog<LiveInvite>(guestHub, ClientEvents.InviteReceived);
        var room = await host.CreateLiveAsync("Spam invites");

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await host.PostAsJsonAsync($"/api/livestreams/{room.LiveId}/invites", new { handle = guestName })).StatusCode);
        }

        // Another room's invite marks the end: the repeats of the first, had they been sent, went out before it.
        var other = await host.CreateLiveAsync("The marker");
        (await host.PostAsJsonAsync($"/api/livestreams/{other.LiveId}/invites", new { handle = guestName })).EnsureSuccessStatusCode();
        await invites.WaitForAsync(i => i.LiveId == other.LiveId);
        await invites.WaitForAsync(i => i.LiveId == room.LiveId);
        Assert.Single(invites.Seen, i => i.LiveId == room.LiveId);
        Assert.Equal([guestName], (await host.RoomAsync(room.LiveId)).Invited);
    }

    [Fact]
    public async Task A_livestream_claims_only_a_campaign_that_exists_and_counts_its_host_among_its_creators()
    {
        var memberName = ClusterFixture.Unique("cm");
        var outsiderName = ClusterFixture.Unique("co");
        var member = await cluster.A.CreatorAsync(memberName);
        var outsider = await cluster.B.CreatorAsync(outsiderName);
        var brand = await cluster.A.ClientAsync(ClusterFixture.Unique("br"));
        var created = await brand.PostAsJsonAsync("/api/campaigns", new { name = "Launch", creators = new[] { memberName } });
        var campaignId = (await created.Content.ReadFromJsonAsync<CampaignSnapshot>(Api.Json))!.CampaignId;

        var foreign = await outsider.PostAsJsonAsync("/api/livestreams", new { title = "Not mine", campaignId });
        var missing = await outsider.PostAsJsonAsync("/api/livestreams", new { title = "No such", campaignId = CampaignKey.New() });
        var malformed = await outsider.PostAsJsonAsync("/api/livestreams", new { title = "Bad id", campaignId = "anything-at-all" });
        var claimed = await member.PostAsJsonAsync("/api/livestreams", new { title = "Mine", campaignId });

        Assert.Contains($"{outsiderName} is not a creator of campaign '{campaignId}'", await foreign.ProblemAsync(HttpStatusCode.Forbidden));
        Assert.Contains("There is no campaign", await missing.ProblemAsync(HttpStatusCode.NotFound));
        Assert.Contains("There is no campaign", await malformed.ProblemAsync(HttpStatusCode.NotFound));
        Assert.Equal(HttpStatusCode.Created, claimed.StatusCode);
        Assert.Equal(campaignId, (await claimed.Content.ReadFromJsonAsync<LiveRoom>(Api.Json))!.CampaignId);
    }

    [Fact]
    public async Task Banning_an_invited_creator_revokes_the_invite_and_a_banned_creator_is_not_invited_until_unbanned()
    {
        var hostName = ClusterFixture.Unique("ha");
        var guestName = ClusterFixture.Unique("hb");
        var host = await cluster.A.CreatorAsync(hostName);
        var guest = await cluster.B.CreatorAsync(guestName);
        var room = await host.CreateLiveAsync("Ban while invited");
        (await host.PostAsJsonAsync($"/api/livestreams/{room.LiveId}/invites", new { handle = guestName })).EnsureSuccessStatusCode();

        await host.ModerateAsync(room.LiveId, new ModerationRequest("ban", guestName));

        Assert.Empty((await host.RoomAsync(room.LiveId)).Invited);
        Assert.Contains("You are banned", await (await guest.PostAsync($"/api/livestreams/{room.LiveId}/hosts/me", null)).ProblemAsync(HttpStatusCode.Forbidden));
        var reinvite = await host.PostAsJsonAsync($"/api/livestreams/{room.LiveId}/invites", new { handle = guestName });
        Assert.Contains("unban them", await reinvite.ProblemAsync(HttpStatusCode.Conflict));
        Assert.Equal([hostName], (await host.RoomAsync(room.LiveId)).Hosts);

        await host.ModerateAsync(room.LiveId, new ModerationRequest("unban", guestName));
        (await host.PostAsJsonAsync($"/api/livestreams/{room.LiveId}/invites", new { handle = guestName })).EnsureSuccessStatusCode();
        var accepted = await guest.LiveActionAsync(room.LiveId, "hosts/me");
        Assert.Equal([hostName, guestName], accepted.Hosts);
        await host.LiveActionAsync(room.LiveId, "start");
        await guest.ChatAsync(room.LiveId, "I can talk in my own room");
    }

    [Fact]
    public async Task A_get_of_an_id_that_names_no_room_answers_404_and_leaves_no_timer_running()
    {
        var client = await cluster.A.ClientAsync(ClusterFixture.Unique("fan"));
        var randomId = LiveKey.New();

        var response = await client.GetAsync($"/api/livestreams/{randomId}");

        Assert.Contains(randomId, await response.ProblemAsync(HttpStatusCode.NotFound));
        Assert.All(new[] { cluster.A, cluster.B }, h => Assert.False(h.Services.GetRequiredService<RoomTimers>().IsTicking(randomId)));
        var room = await (await cluster.A.CreatorAsync(ClusterFixture.Unique("ha"))).CreateLiveAsync();
        Assert.Contains(new[] { cluster.A, cluster.B }, h => h.Services.GetRequiredService<RoomTimers>().IsTicking(room.LiveId));
    }

    [Fact]
    public async Task One_user_with_many_connections_in_a_room_counts_as_one_viewer_and_does_not_inflate_the_peak()
    {
        var room = await cluster.CoHostedRoomAsync();
        var trollName = ClusterFixture.Unique("tr");
        var tabs = new List<Microsoft.AspNetCore.SignalR.Client.HubConnection>();
        try
        {
            for (var i = 0; i < 8; i++)
            {
                var tab = await cluster.A.ConnectAsync(trollName);
                tabs.Add(tab);
                await tab.JoinLiveAsync(room.LiveId, room.HostA);
            }

            // The fan joins last, through the other host, on the same Community host: a report that counts the fan
            // counts every tab too.
            await using var fan = await cluster.A.ConnectAsync(ClusterFixture.Unique("fan"));
            var viewersLog = new EventLog<LiveViewers>(fan, ClientEvents.ViewersUpdated);
            await fan.JoinLiveAsync(room.LiveId, room.HostB);

            var counted = (await viewersLog.WaitForAsync(v => v.Audience.Any(a => a.Host == room.HostB && a.Viewers == 1))).First();
            Assert.Equal([(room.HostA, 1), (room.HostB, 1)], counted.Audience.Select(a => (a.Host, a.Viewers)));
            Assert.Equal((2, 2L), (counted.Viewers, counted.PeakViewers));
        }
        finally
        {
            foreach (var tab in tabs)
            {
                await tab.DisposeAsync();
            }
        }
    }
}
