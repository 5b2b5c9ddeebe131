using System.Net.Http.Json;
using Community.BrowserTests.Infrastructure;
using Community.IntegrationTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Community.BrowserTests.Pages;

[Collection(BrowserCollection.Name)]
public sealed class CampaignPageTests(BrowserFixture browser)
{
    private ClusterFixture Cluster => browser.Cluster;

    [Fact]
    public async Task A_brand_page_shows_its_totals_change_when_a_fan_likes_a_campaign_post()
    {
        var (campaignId, brand, posts, creators) = await CampaignAsync();
        var page = await browser.OpenAsync(Cluster.A, brand, $"/campaigns/{campaignId}");
        await Expect(page.Locator("#t-likes")).ToHaveTextAsync("0");
        await Expect(page.Locator("#by-heat tbody tr")).ToHaveCountAsync(2);

        var fan = ClusterFixture.Unique("fan");
        using var fanClient = await Cluster.B.ClientAsync(fan);
        (await fanClient.PostAsJsonAsync($"/api/posts/{posts[0]}/reactions", new { kind = "like" })).EnsureSuccessStatusCode();
        await Expect(page.Locator("#t-likes")).ToHaveTextAsync("1", new() { Timeout = 5_000 });
        await Expect(page.Locator("#t-interactions")).ToHaveTextAsync("1");

        // More activity: a share and a fan's question on each post, and the first creator answers theirs, which shows
        // beside them as their reply rate.
        var questions = new List<Community.Posts.Comment>();
        foreach (var (postId, i) in posts.Select((p, i) => (p, i)))
        {
            using var client = await Cluster.B.ClientAsync(ClusterFixture.Unique("fan"));
            (await client.PostAsJsonAsync($"/api/posts/{postId}/reactions", new { kind = "share" })).EnsureSuccessStatusCode();
            questions.Add(await client.CommentAsync(postId, $"Where can I try dish {i + 1}?"));
        }

        await creators[0].Client.CommentAsync(posts[0], "At our Lisbon pop-up!", replyTo: questions[0].Id);
        await Expect(page.Locator("#t-interactions")).ToHaveTextAsync("6", new() { Timeout = 5_000 });
        var answering = page.Locator("#by-heat tbody tr", new() { HasText = creators[0].Handle });
        await Expect(answering).ToContainTextAsync("100 %", new() { Timeout = 15_000 });
        await Expect(page.Locator("#by-heat tbody tr", new() { HasText = creators[1].Handle })).ToContainTextAsync("0 %");
        await BrowserFixture.ScreenshotAsync(page, "campaign.png");
        Assert.Empty(browser.PageErrors[page]);
    }

    [Fact]
    public async Task A_fan_who_opens_a_campaign_that_is_not_theirs_sees_the_403_and_the_page_still_works()
    {
        var (campaignId, _, _, _) = await CampaignAsync();
        var fan = ClusterFixture.Unique("fan");
        var page = await browser.OpenAsync(Cluster.B, fan, $"/campaigns/{campaignId}");

        await Expect(page.Locator("#error")).ToContainTextAsync("403");
        await Expect(page.Locator("#error")).ToContainTextAsync("Only the owner and members");
        await Expect(page.Locator("#dashboard")).ToBeHiddenAsync();
        // The page still works: its navigation leads on.
        await page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Creator console" }).ClickAsync();
        await page.Locator("body[data-ready=true]").WaitForAsync();
        Assert.Empty(browser.PageErrors[page]);
    }

    private async Task<(string CampaignId, string Brand, string[] Posts, (string Handle, HttpClient Client)[] Creators)> CampaignAsync()
    {
        var brand = ClusterFixture.Unique("brand");
        var creators = new[] { ClusterFixture.Unique("cr"), ClusterFixture.Unique("cr") };
        var creatorClients = await Task.WhenAll(creators.Select(c => Cluster.A.CreatorAsync(c)));
        using var brandClient = await Cluster.A.ClientAsync(brand);
        var created = await brandClient.PostAsJsonAsync("/api/campaigns", new { name = "Spring menu launch", creators, budget = 1200m });
        created.EnsureSuccessStatusCode();
        var campaignId = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("campaignId").GetString()!;
        var posts = new string[creators.Length];
        for (var i = 0; i < creators.Length; i++)
        {
            var published = await creatorClients[i].PostAsJsonAsync($"/api/creators/{creators[i]}/posts", new { text = $"Our spring menu, dish {i + 1}", campaignId });
            published.EnsureSuccessStatusCode();
            posts[i] = (await published.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("postId").GetString()!;
        }

        return (campaignId, brand, posts, [.. creators.Zip(creatorClients)]);
    }
}
