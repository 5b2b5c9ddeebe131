using Community.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Community.BrowserTests.Infrastructure;

/// <summary>
/// A two-host cluster on the run's Azurite and one headless Chromium (Debian's, driven by Playwright), shared by the
/// browser tests; each test opens its own browser contexts and uses its own handles.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Debian's package; Playwright's own browser download cannot work on these machines.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public ClusterFixture Cluster { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: `apt-get install -y chromium` (scripts/test.sh does it).");
        }

        var cluster = Cluster.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Playwright gives every launch a fresh profile directory and adds --no-sandbox (ChromiumSandbox is off).
            Args =
            [
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
        await cluster;
    }

    /// <summary>A page signed in as <paramref name="user"/> (its dev token in local storage), opened at <paramref name="path"/> of <paramref name="host"/>, once the page says it is ready.</summary>
    public async Task<IPage> OpenAsync(TestHost host, string user, string path, ViewportSize? viewport = null)
    {
        var token = await host.TokenAsync(user);
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = host.BaseAddress.ToString(),
            ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 900 },
            Locale = "en-GB",
            TimezoneId = "Europe/Paris",
        });
        await context.AddInitScriptAsync(
            $"localStorage.setItem('community.token', {System.Text.Json.JsonSerializer.Serialize(token)});" +
            $"localStorage.setItem('community.user', {System.Text.Json.JsonSerializer.Serialize(user)});");
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        page.SetDefaultTimeout(10_000);
        await page.GotoAsync(path);
        await page.Locator("body[data-ready=true]").WaitForAsync();
        PageErrors[page] = errors;
        return page;
    }

    /// <summary>Uncaught script errors of a page opened with <see cref="OpenAsync"/>.</summary>
    public Dictionary<IPage, List<string>> PageErrors { get; } = [];

    /// <summary>Saves a full-page screenshot to docs/screenshots/ of the repository (committed; the README shows them).</summary>
    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath(name), FullPage = true });

    /// <summary>docs/screenshots/<paramref name="name"/> in the repository these tests were built from.</summary>
    public static string ScreenshotPath(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Community.sln")))
        {
            dir = dir.Parent;
        }

        var folder = Path.Combine(dir?.FullName ?? Path.GetTempPath(), "docs", "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
