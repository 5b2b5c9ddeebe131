using System.Diagnostics;
using System.Net.Http.Json;
using Community.BrowserTests.Infrastructure;
using Community.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Community.BrowserTests.Pages;

[Collection(BrowserCollection.Name)]
public sealed class ConsolePageTests(BrowserFixture browser)
{
    private ClusterFixture Cluster => browser.Cluster;

    [Fact]
    public async Task A_comment_posted_through_the_API_appears_in_an_open_console_within_two_seconds()
    {
        var creator = ClusterFixture.Unique("cr");
        var fan = ClusterFixture.Unique("fan");
        await Cluster.A.CreatorAsync(creator);
        var page = await browser.OpenAsync(Cluster.A, creator, "/console");
        var postId = await PublishFromConsoleAsync(page, "Trying a new ramen recipe tonight");

        using var fanClient = await Cluster.B.ClientAsync(fan);
        var clock = Stopwatch.StartNew();
        await fanClient.CommentAsync(postId, "Looks delicious, which broth?");
        await Expect(page.Locator("article.post .comments")).ToContainTextAsync("Looks delicious, which broth?", new() { Timeout = 2_000 });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"The comment took {clock.Elapsed.TotalMilliseconds:F0} ms to appear.");
        await Expect(page.Locator("#queue")).ToContainTextAsync("Looks delicious, which broth?");
        Assert.Empty(browser.PageErrors[page]);
    }

    [Fact]
    public async Task A_creator_answers_from_the_console_and_the_fans_entry_leaves_the_reply_queue()
    {
        var creator = ClusterFixture.Unique("cr");
        var fan = ClusterFixture.Unique("fan");
        var other = ClusterFixture.Unique("fan");
        var creatorClient = await Cluster.A.CreatorAsync(creator);
        var postId = await creatorClient.PublishAsync(creator, "Q&A: ask me anything about sourdough");
        using var fanClient = await Cluster.B.ClientAsync(fan);
        using var otherClient = await Cluster.B.ClientAsync(other);
        await fanClient.CommentAsync(postId, "How long do you proof overnight?");
        await otherClient.CommentAsync(postId, "Rye or wheat starter?");
        (await fanClient.PutAsync($"/api/creators/{creator}/followers/me", null)).EnsureSuccessStatusCode();
        (await fanClient.PostAsJsonAsync($"/api/conversations/{string.Join('~', new[] { creator, fan }.Order(StringComparer.Ordinal))}/messages",
            new { text = "Loved the last video!" })).EnsureSuccessStatusCode();

        var page = await browser.OpenAsync(Cluster.A, creator, "/console");
        var queue = page.Locator("#queue");
        await Expect(queue.Locator("li")).ToHaveCountAsync(2);
        await Expect(page.Locator("#queue-total")).ToHaveTextAsync("2");

        // Keyboard only: focus the fan's Reply button, type, press Enter.
        var entry = queue.Locator("li", new() { HasText = "How long do you proof overnight?" });
        await entry.GetByRole(AriaRole.Button, new() { Name = $"Reply to {fan}" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.TypeAsync("About 12 hours in the fridge.");
        await page.Keyboard.PressAsync("Enter");

        await Expect(queue.Locator("li", new() { HasText = "How long do you proof overnight?" })).ToHaveCountAsync(0, new() { Timeout = 5_000 });
        await Expect(page.Locator("#queue-total")).ToHaveTextAsync("1");
        await Expect(queue).ToContainTextAsync("Rye or wheat starter?");
        await Expect(page.Locator("#inbox")).ToContainTextAsync(fan);
        await page.Locator("#inbox button").First.ClickAsync();
        await Expect(page.Locator("#messages")).ToContainTextAsync("Loved the last video!");
        // One fan of two answered (the conversation opening is still unanswered): the reply rate follows.
        await Expect(page.Locator("#s-reply-rate")).Not.ToHaveTextAsync("0 %", new() { Timeout = 5_000 });
        await Expect(page.Locator("#s-median")).Not.ToHaveTextAsync("–");
        await BrowserFixture.ScreenshotAsync(page, "console.png");
        Assert.Empty(browser.PageErrors[page]);
    }

    private static async Task<string> PublishFromConsoleAsync(IPage page, string text)
    {
        await page.Locator("#post-text").FillAsync(text);
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish" }).ClickAsync();
        var post = page.Locator("article.post", new() { HasText = text });
        await post.WaitForAsync();
        return (await post.GetAttributeAsync("data-post-id"))!;
    }
}
