using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Community.Campaigns;
using Community.Engagement;
using Community.IntegrationTests.Infrastructure;
using Community.Posts;
using Community.Realtime;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;

namespace Community.IntegrationTests.Engagement;

/// <summary>Campaigns on a two-host cluster: live roll-ups of creators' posts, who may see them, and bad input.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CampaignTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_campaigns_totals_equal_the_sum_of_its_posts_counters_written_through_both_hosts()
    {
        var (brand, brandClient) = await BrandAsync(cluster.A);
        var c1 = ClusterFixture.Unique("cr");
        var c2 = ClusterFixture.Unique("cr");
        var creator1 = await cluster.A.CreatorAsync(c1);
        var creator2 = await cluster.B.CreatorAsync(c2);
        var campaign = await CreateAsync(brandClient, new { name = "Spring launch", creators = new[] { c1, c2 }, budget = 300m });
        await using var dashboard = await cluster.B.ConnectAsync(brand);
        var updates = new EventLog<CampaignSnapshot>(dashboard, ClientEvents.CampaignUpdated);
        await dashboard.InvokeAsync<CampaignSnapshot>("WatchCampaign", campaign.CampaignId);

        var posts = new[]
        {
            await PublishAsync(creator1, c1, campaign.CampaignId),
            await PublishAsync(creator1, c1, campaign.CampaignId),
            await PublishAsync(creator2, c2, campaign.CampaignId),
        };
        var outside = await creator2.PublishAsync(c2, "not in the campaign");
        var fans = new[]
        {
            await cluster.A.ClientAsync(ClusterFixture.Unique("fan")),
            await cluster.B.ClientAsync(ClusterFixture.Unique("fan")),
            await cluster.B.ClientAsync(ClusterFixture.Unique("fan")),
        };
        for (var f = 0; f < fans.Length; f++)
        {
            foreach (var (postId, p) in posts.Select((id, p) => (id, p)))
            {
                await React(fans[f], postId, "like");
                if ((f + p) % 2 == 0)
                {
                    await React(fans[f], postId, "share");
                    await React(fans[f], postId, "save");
                    await fans[f].CommentAsync(postId, $"fan {f} on post {p}");
                }

                (await fans[f].PostAsync($"/api/posts/{postId}/views", null)).EnsureSuccessStatusCode();
            }

            await React(fans[f], outside, "like");
        }

        var counters = await Task.WhenAll(posts.Select(id => fans[0].GetFromJsonAsync<Post>($"/api/posts/{id}", Api.Json)));
        var expected = new EngagementCounts(
            counters.Sum(p => p!.Views), counters.Sum(p => p!.Likes), counters.Sum(p => p!.Comments),
            counters.Sum(p => p!.Shares), counters.Sum(p => p!.Saves), counters.Sum(p => p!.CreatorReplies));
        Assert.Equal(9, expected.Likes);
        Assert.Equal(9, expected.Views);

        var live = (await updates.WaitForAsync(s => s.Totals == expected)).First();
        Assert.Equal(3, live.Posts);
        Assert.Equal(Math.Round(300m / expected.Interactions, 4), live.CostPerEngagement);
        Assert.Equal(expected, live.Windows.LastHour);
        Assert.Equal(expected.Interactions, live.Series.Sum(m => m.Interactions));
        Assert.Equal(60, live.Series.Count);
        Assert.True(live.Heat > 0);
        Assert.Equal([c1, c2], live.Leaderboard.ByHeat.Select(c => c.Handle).Order());
        Assert.Equal(2, live.Leaderboard.ByHeat.Single(c => c.Handle == c1).Posts);
        // Nobody follows these creators: each post is rated against one follower.
        Assert.Equal(expected.Interactions / 3.0, live.EngagementRate, 9);

        var read = await brandClient.GetFromJsonAsync<CampaignSnapshot>($"/api/campaigns/{campaign.CampaignId}", Api.Json);
        Assert.Equal(expected, read!.Totals);
    }

    [Fact]
    public async Task A_member_watches_from_the_other_host_and_sees_each_change()
    {
        var (_, brandClient) = await BrandAsync(cluster.A);
        var c1 = ClusterFixture.Unique("cr");
        var creator = await cluster.A.CreatorAsync(c1);
        var campaign = await CreateAsync(brandClient, new { name = "Teammates", creators = new[] { c1 } });
        var teammate = ClusterFixture.Unique("mate");
        (await brandClient.PostAsJsonAsync($"/api/campaigns/{campaign.CampaignId}/members", new { handle = teammate })).EnsureSuccessStatusCode();
        await using var hub = await cluster.B.ConnectAsync(teammate);
        var updates = new EventLog<CampaignSnapshot>(hub, ClientEvents.CampaignUpdated);

        var first = await hub.InvokeAsync<CampaignSnapshot>("WatchCampaign", campaign.CampaignId);
        var postId = await PublishAsync(creator, c1, campaign.CampaignId);
        await React(await cluster.A.ClientAsync(ClusterFixture.Unique("fan")), postId, "like");

        Assert.Equal(0, first.Totals.Likes);
        Assert.Contains(teammate, first.Members);
        await updates.WaitForAsync(s => s.Totals.Likes == 1 && s.Posts == 1);
    }

    [Fact]
    public async Task Only_the_owner_and_members_may_see_a_campaign_over_http_and_the_hub()
    {
        var (_, brandClient) = await BrandAsync(cluster.A);
        var c1 = ClusterFixture.Unique("cr");
        var creatorClient = await cluster.A.CreatorAsync(c1);
        var campaign = await CreateAsync(brandClient, new { name = "Private", creators = new[] { c1 } });
        var stranger = ClusterFixture.Unique("nosy");

        var detail = await (await (await cluster.B.ClientAsync(stranger)).GetAsync($"/api/campaigns/{campaign.CampaignId}")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("owner and members", detail);
        // Taking part as a creator is not the same as being on the brand's team.
        await (await creatorClient.GetAsync($"/api/campaigns/{campaign.CampaignId}")).ProblemAsync(HttpStatusCode.Forbidden);

        await using var hub = await cluster.B.ConnectAsync(stranger);
        var updates = new EventLog<CampaignSnapshot>(hub, ClientEvents.CampaignUpdated);
        var refused = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<CampaignSnapshot>("WatchCampaign", campaign.CampaignId));
        Assert.Contains("403 Not allowed: Only the owner and members", refused.Message);
        var unknown = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<CampaignSnapshot>("WatchCampaign", CampaignKey.New()));
        Assert.Contains("404 Not found: There is no campaign", unknown.Message);

        // The refused watcher never joined: a change that members see does not reach it.
        await using var owner = await cluster.A.ConnectAsync(campaign.Owner);
        var ownerUpdates = new EventLog<CampaignSnapshot>(owner, ClientEvents.CampaignUpdated);
        await owner.InvokeAsync<CampaignSnapshot>("WatchCampaign", campaign.CampaignId);
        await PublishAsync(creatorClient, c1, campaign.CampaignId);
        await ownerUpdates.WaitForAsync(s => s.Posts == 1);
        Assert.Empty(updates.Seen);
    }

    [Fact]
    public async Task Attaching_a_post_to_a_campaign_one_is_not_in_is_refused_and_publishes_nothing()
    {
        var (_, brandClient) = await BrandAsync(cluster.A);
        var member = ClusterFixture.Unique("cr");
        await cluster.A.CreatorAsync(member);
        var campaign = await CreateAsync(brandClient, new { name = "Closed", creators = new[] { member } });
        var outsider = ClusterFixture.Unique("cr");
        var outsiderClient = await cluster.B.CreatorAsync(outsider);

        var notIn = await outsiderClient.PostAsJsonAsync($"/api/creators/{outsider}/posts", new { text = "sneaky", campaignId = campaign.CampaignId });
        Assert.Contains("not a creator of campaign", await notIn.ProblemAsync(HttpStatusCode.Forbidden));
        var unknown = await outsiderClient.PostAsJsonAsync($"/api/creators/{outsider}/posts", new { text = "lost", campaignId = CampaignKey.New() });
        await unknown.ProblemAsync(HttpStatusCode.NotFound);
        var malformed = await outsiderClient.PostAsJsonAsync($"/api/creators/{outsider}/posts", new { text = "lost", campaignId = "../x" });
        await malformed.ProblemAsync(HttpStatusCode.NotFound);

        var profile = await outsiderClient.GetFromJsonAsync<JsonElement>($"/api/creators/{outsider}", Api.Json);
        Assert.Equal(0, profile.GetProperty("posts").GetInt64());
        var snapshot = await brandClient.GetFromJsonAsync<CampaignSnapshot>($"/api/campaigns/{campaign.CampaignId}", Api.Json);
        Assert.Equal(0, snapshot!.Posts);
    }

    [Theory]
    [InlineData("-1", "must not be negative")]
    [InlineData("100000000.01", "over the limit")]
    [InlineData("1000000000000", "over the limit")]
    [InlineData("12.345", "two decimals")]
    public async Task Negative_absurd_or_fractional_cent_budgets_are_refused(string budget, string words)
    {
        var (_, brandClient) = await BrandAsync(cluster.A);

        var response = await brandClient.PostAsync("/api/campaigns",
            new StringContent($$"""{ "name": "Budget", "creators": [], "budget": {{budget}} }""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Contains(words, await response.ProblemAsync(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task A_campaign_needs_a_name_and_real_creators_and_takes_a_zero_budget()
    {
        var (_, brandClient) = await BrandAsync(cluster.A);

        await (await brandClient.PostAsJsonAsync("/api/campaigns", new { name = " ", creators = Array.Empty<string>() })).ProblemAsync(HttpStatusCode.BadRequest);
        var ghost = ClusterFixture.Unique("ghost");
        var noProfile = await brandClient.PostAsJsonAsync("/api/campaigns", new { name = "Ghosts", creators = new[] { ghost } });
        Assert.Contains(ghost, await noProfile.ProblemAsync(HttpStatusCode.NotFound));
        var free = await CreateAsync(brandClient, new { name = "Gifted", creators = Array.Empty<string>(), budget = 0m });

        Assert.Equal(0m, free.Budget);
        Assert.Null(free.CostPerEngagement);
    }

    [Fact]
    public async Task Adding_a_creator_or_member_twice_changes_nothing_and_only_the_owner_may_add()
    {
        var (_, brandClient) = await BrandAsync(cluster.A);
        var c1 = ClusterFixture.Unique("cr");
        var creatorClient = await cluster.B.CreatorAsync(c1);
        var campaign = await CreateAsync(brandClient, new { name = "Twice", creators = Array.Empty<string>() });
        var mate = ClusterFixture.Unique("mate");

        foreach (var _ in Enumerable.Range(0, 2))
        {
            (await brandClient.PostAsJsonAsync($"/api/campaigns/{campaign.CampaignId}/creators", new { handle = c1 })).EnsureSuccessStatusCode();
            (await brandClient.PostAsJsonAsync($"/api/campaigns/{campaign.CampaignId}/members", new { handle = mate })).EnsureSuccessStatusCode();
        }

        var snapshot = await brandClient.GetFromJsonAsync<CampaignSnapshot>($"/api/campaigns/{campaign.CampaignId}", Api.Json);
        Assert.Equal([c1], snapshot!.Creators);
        Assert.Equal([mate], snapshot.Members);
        var notOwner = await creatorClient.PostAsJsonAsync($"/api/campaigns/{campaign.CampaignId}/members", new { handle = c1 });
        Assert.Contains("Only the owner", await notOwner.ProblemAsync(HttpStatusCode.Forbidden));
        var noProfile = await brandClient.PostAsJsonAsync($"/api/campaigns/{campaign.CampaignId}/creators", new { handle = ClusterFixture.Unique("ghost") });
        await noProfile.ProblemAsync(HttpStatusCode.NotFound);
        var badHandle = await brandClient.PostAsJsonAsync($"/api/campaigns/{campaign.CampaignId}/creators", new { handle = "Not A Handle" });
        await badHandle.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_campaigns_rollup_and_a_creators_heat_survive_their_grains_being_unloaded()
    {
        var (brand, brandClient) = await BrandAsync(cluster.A);
        var c1 = ClusterFixture.Unique("cr");
        var creator = await cluster.B.CreatorAsync(c1);
        var campaign = await CreateAsync(brandClient, new { name = "Durable", creators = new[] { c1 }, budget = 50m });
        await using var dashboard = await cluster.A.ConnectAsync(brand);
        var updates = new EventLog<CampaignSnapshot>(dashboard, ClientEvents.CampaignUpdated);
        await dashboard.InvokeAsync<CampaignSnapshot>("WatchCampaign", campaign.CampaignId);
        var postId = await PublishAsync(creator, c1, campaign.CampaignId);
        await React(await cluster.A.ClientAsync(ClusterFixture.Unique("fan")), postId, "like");
        await React(await cluster.B.ClientAsync(ClusterFixture.Unique("fan")), postId, "share");
        var before = (await updates.WaitForAsync(s => s.Totals.Likes == 1 && s.Totals.Shares == 1)).First();

        var grains = cluster.A.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<ICampaignGrain>(campaign.CampaignId).Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await grains.GetGrain<ICreatorEngagementGrain>(c1).Cast<IGrainManagementExtension>().DeactivateOnIdle();

        var after = await brandClient.GetFromJsonAsync<CampaignSnapshot>($"/api/campaigns/{campaign.CampaignId}", Api.Json);
        Assert.Equal(before.Totals, after!.Totals);
        Assert.Equal(1, after.Posts);
        Assert.Equal(before.Windows.LastHour, after.Windows.LastHour);
        Assert.InRange(after.Heat, before.Heat * 0.999, before.Heat);
        Assert.Equal(before.Leaderboard.ByHeat.Single().Totals, after.Leaderboard.ByHeat.Single().Totals);
        await using var watcher = await cluster.B.ConnectAsync(ClusterFixture.Unique("w"));
        var scores = await watcher.InvokeAsync<EngagementScores>("WatchCreator", c1);
        // Like (1) + share (3), moments old.
        Assert.InRange(scores.Heat, 3.99, 4.0);
        Assert.Equal(2, scores.Windows.LastHour.Interactions);
    }

    [Fact]
    public async Task A_campaigns_leaderboard_shows_beside_each_creator_how_they_answer_fans()
    {
        var (_, brandClient) = await BrandAsync(cluster.A);
        var answering = ClusterFixture.Unique("cr");
        var silent = ClusterFixture.Unique("cr");
        var answeringClient = await cluster.A.CreatorAsync(answering);
        var silentClient = await cluster.B.CreatorAsync(silent);
        var campaign = await CreateAsync(brandClient, new { name = "Responsive creators", creators = new[] { answering, silent } });
        var answeredPost = await PublishAsync(answeringClient, answering, campaign.CampaignId);
        var ignoredPost = await PublishAsync(silentClient, silent, campaign.CampaignId);
        var fan = await cluster.B.ClientAsync(ClusterFixture.Unique("fan"));
        var question = await fan.CommentAsync(answeredPost, "Where is this?");
        await fan.CommentAsync(ignoredPost, "Hello?");
        await answeringClient.CommentAsync(answeredPost, "Lisbon!", replyTo: question.Id);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        CampaignSnapshot snapshot;
        do
        {
            await Task.Delay(100, timeout.Token);
            snapshot = (await brandClient.GetFromJsonAsync<CampaignSnapshot>($"/api/campaigns/{campaign.CampaignId}", Api.Json, timeout.Token))!;
        }
        while (snapshot.Leaderboard.ByHeat.Single(c => c.Handle == answering).Responsiveness?.ReplyRate != 1.0
            || snapshot.Leaderboard.ByHeat.Single(c => c.Handle == silent).Responsiveness?.Awaiting != 1);

        var fast = snapshot.Leaderboard.ByEngagementRate.Single(c => c.Handle == answering).Responsiveness!;
        Assert.NotNull(fast.MedianResponseSeconds);
        Assert.Equal(1, fast.Answered);
        var slow = snapshot.Leaderboard.ByHeat.Single(c => c.Handle == silent).Responsiveness!;
        Assert.Equal(0.0, slow.ReplyRate);
        Assert.Null(slow.MedianResponseSeconds);

        // The wire names what docs/api.md says.
        var json = await brandClient.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign.CampaignId}");
        var entry = json.GetProperty("leaderboard").GetProperty("byHeat")[0].GetProperty("responsiveness");
        Assert.True(entry.TryGetProperty("replyRate", out _) && entry.TryGetProperty("medianResponseSeconds", out _));
    }

    private static async Task<(string Handle, HttpClient Client)> BrandAsync(TestHost host)
    {
        var brand = ClusterFixture.Unique("brand");
        return (brand, await host.ClientAsync(brand));
    }

    private static async Task<CampaignSnapshot> CreateAsync(HttpClient brand, object input)
    {
        var response = await brand.PostAsJsonAsync("/api/campaigns", input);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CampaignSnapshot>(Api.Json))!;
    }

    private static async Task<string> PublishAsync(HttpClient creator, string handle, string campaignId)
    {
        var response = await creator.PostAsJsonAsync($"/api/creators/{handle}/posts", new { text = "Sponsored", campaignId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Api.Json)).GetProperty("postId").GetString()!;
    }

    private static async Task React(HttpClient fan, string postId, string kind) =>
        (await fan.PostAsJsonAsync($"/api/posts/{postId}/reactions", new { kind })).EnsureSuccessStatusCode();
}
