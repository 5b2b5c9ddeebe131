using Community.BrowserTests.Infrastructure;
using Community.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Community.BrowserTests.Pages;

[Collection(BrowserCollection.Name)]
public sealed class SignInPageTests(BrowserFixture browser)
{
    [Fact]
    public async Task Signing_in_with_a_handle_leads_back_to_the_page_that_asked()
    {
        var user = ClusterFixture.Unique("cr");
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = browser.Cluster.A.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/console");

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/\?next=%2Fconsole$"));
        await page.Locator("#handle").FillAsync(user);
        await page.Keyboard.PressAsync("Enter");

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console$"));
        await Expect(page.Locator("#profile-form")).ToBeVisibleAsync();
        await Expect(page.Locator("header.top")).ToContainTextAsync($"Signed in as {user}");
        await context.CloseAsync();
    }

    [Fact]
    public async Task Without_development_tokens_the_page_says_how_to_bring_a_token()
    {
        await using var host = await TestHost.StartAsync("it-" + Guid.NewGuid().ToString("N")[..12], settings: new Dictionary<string, string?> { ["Auth:DevTokens"] = "false" });
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = host.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.Locator("#handle").FillAsync("maya");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.Locator("#no-dev")).ToBeVisibleAsync();
        await Expect(page.Locator("#no-dev")).ToContainTextAsync("Bring a bearer token");
        await Expect(page.Locator("#token")).ToBeFocusedAsync();
        await context.CloseAsync();
    }
}
