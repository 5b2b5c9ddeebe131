using System.Net;
using System.Text.Json;
using Community.IntegrationTests.Infrastructure;

namespace Community.IntegrationTests.Deployment;

/// <summary>
/// `dotnet run --project src/Community.Host` and F5 use Properties/launchSettings.json: it must run the host in
/// Development against the Azurite that scripts/run.sh (or scripts/azurite.sh) starts on the default ports.
/// </summary>
public sealed class LaunchProfileTests
{
    [Fact]
    public async Task The_default_launch_profile_starts_a_ready_host_on_the_azurite_of_scripts_run_sh()
    {
        var root = FindRoot();
        using var settings = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(root, "src", "Community.Host", "Properties", "launchSettings.json")));
        // The first profile is the one `dotnet run` picks.
        var profile = settings.RootElement.GetProperty("profiles").EnumerateObject().First().Value;
        var environment = profile.GetProperty("environmentVariables").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        var runScript = await File.ReadAllTextAsync(Path.Combine(root, "scripts", "run.sh"));

        Assert.Equal("Project", profile.GetProperty("commandName").GetString());
        Assert.Equal("http://127.0.0.1:5080", profile.GetProperty("applicationUrl").GetString());
        Assert.Contains("COMMUNITY_HTTP_PORT:-5080", runScript, StringComparison.Ordinal);
        // UseDevelopmentStorage=true is Azurite on 10000-10002, where scripts/run.sh starts it.
        Assert.Equal("UseDevelopmentStorage=true", environment["Storage__ConnectionString"]);
        Assert.Contains("azurite_start 10000 10001 10002", runScript, StringComparison.Ordinal);

        // The same settings start a host that validates and becomes ready (on this run's Azurite instead).
        var overrides = environment
            .Where(e => e.Key != "ASPNETCORE_ENVIRONMENT" && e.Key != "Storage__ConnectionString")
            .ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => (string?)e.Value);
        // Not the test hosts' defaults: what Development itself brings (dev tokens, a per-process key).
        overrides["Auth:SigningKey"] = null;
        overrides["Auth:DevTokens"] = null;
        await using var host = await TestHost.StartAsync("launch-" + Guid.NewGuid().ToString("N")[..12], settings: overrides, environment: environment["ASPNETCORE_ENVIRONMENT"]);
        using var anonymous = await host.ClientAsync(null);

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsync("/api/dev/token", JsonContent("""{"user":"maya"}"""))).StatusCode);
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Community.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Community.sln not found above the test binaries.");
    }
}
