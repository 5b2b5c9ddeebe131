using System.Net.Http.Json;
using Community.BrowserTests.Infrastructure;
using Community.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Community.BrowserTests.Pages;

[Collection(BrowserCollection.Name)]
public sealed class LiveRoomPageTests(BrowserFixture browser)
{
    private ClusterFixture Cluster => browser.Cluster;

    [Fact]
    public async Task Co_hosts_on_two_hosts_see_one_chat_with_the_right_via_and_a_removal_by_one_disappears_from_the_other()
    {
        var (liveId, hostA, hostB) = await CoHostedRoomAsync();
        var pageA = await browser.OpenAsync(Cluster.A, hostA, $"/live/{liveId}");
        var pageB = await browser.OpenAsync(Cluster.B, hostB, $"/live/{liveId}");

        // A fan of host B's audience writes on host A; each co-host writes from their own page.
        var fan = ClusterFixture.Unique("fan");
        using var fanClient = await Cluster.A.ClientAsync(fan);
        (await fanClient.PostAsJsonAsync($"/api/livestreams/{liveId}/chat", new { text = "Hi from B's audience!", via = hostB })).EnsureSuccessStatusCode();
        await SendChatAsync(pageA, "Welcome everyone");
        await SendChatAsync(pageB, "Glad to co-host today");

        foreach (var page in new[] { pageA, pageB })
        {
            var chat = page.Locator("#chat");
            await Expect(chat.Locator("li", new() { HasText = "Hi from B's audience!" })).ToContainTextAsync($"via {hostB}");
            await Expect(chat.Locator("li", new() { HasText = "Welcome everyone" })).ToContainTextAsync($"via {hostA}");
            await Expect(chat.Locator("li", new() { HasText = "Glad to co-host today" })).ToContainTextAsync($"via {hostB}");
            await Expect(chat.Locator("li")).ToHaveCountAsync(3);
        }

        await pageA.Locator("#chat li", new() { HasText = "Hi from B's audience!" })
            .GetByRole(AriaRole.Button, new() { Name = $"Remove message of {fan}" }).ClickAsync();

        await Expect(pageB.Locator("#chat")).Not.ToContainTextAsync("Hi from B's audience!");
        await Expect(pageB.Locator("#chat li").First).ToContainTextAsync("removed by a moderator");
        await Expect(pageA.Locator("#chat")).Not.ToContainTextAsync("Hi from B's audience!");
        await Expect(pageB.Locator("#audience")).ToContainTextAsync($"{hostA}: 1 watching", new() { Timeout = 8_000 });
        await Expect(pageB.Locator("#audience")).ToContainTextAsync($"{hostB}: 1 watching", new() { Timeout = 8_000 });
        await BrowserFixture.ScreenshotAsync(pageB, "live-room.png");
        Assert.Empty(browser.PageErrors[pageA]);
        Assert.Empty(browser.PageErrors[pageB]);
    }

    [Fact]
    public async Task A_thousand_message_burst_keeps_the_page_responsive_and_its_chat_bounded()
    {
        var (liveId, hostA, _) = await CoHostedRoomAsync();
        var page = await browser.OpenAsync(Cluster.A, hostA, $"/live/{liveId}", new ViewportSize { Width = 390, Height = 844 });
        await using var connection = await Cluster.A.ConnectAsync(hostA);

        // Hosts are exempt from the chat rate limit; the sends overlap, so the journal stores them in batches.
        var sends = Enumerable.Range(1, 1_000).Select(i => connection.InvokeAsync<object>("SendChat", liveId, $"burst {i}", $"b{i}"));
        await Task.WhenAll(sends);

        await Expect(page.Locator("#chat")).ToContainTextAsync("burst 1000", new() { Timeout = 15_000 });
        var items = await page.Locator("#chat li").CountAsync();
        Assert.InRange(items, 1, 300);
        // Still answers input right after the burst.
        await page.Locator("#chat-text").FillAsync("still here");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#chat li").Last).ToContainTextAsync("still here");
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("live-room-phone.png") });
        Assert.Empty(browser.PageErrors[page]);
    }

    private async Task<(string LiveId, string HostA, string HostB)> CoHostedRoomAsync()
    {
        var hostA = ClusterFixture.Unique("ha");
        var hostB = ClusterFixture.Unique("hb");
        var onA = await Cluster.A.CreatorAsync(hostA);
        var onB = await Cluster.B.CreatorAsync(hostB);
        var created = await onA.PostAsJsonAsync("/api/livestreams", new { title = "Sunday brunch, cooked together" });
        created.EnsureSuccessStatusCode();
        var liveId = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("liveId").GetString()!;
        (await onA.PostAsJsonAsync($"/api/livestreams/{liveId}/invites", new { handle = hostB })).EnsureSuccessStatusCode();
        (await onB.PostAsync($"/api/livestreams/{liveId}/hosts/me", null)).EnsureSuccessStatusCode();
        (await onA.PostAsync($"/api/livestreams/{liveId}/start", null)).EnsureSuccessStatusCode();
        return (liveId, hostA, hostB);
    }

    private static async Task SendChatAsync(IPage page, string text)
    {
        await page.Locator("#chat-text").FillAsync(text);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Expect(page.Locator("#chat-text")).ToHaveValueAsync("");
    }
}
