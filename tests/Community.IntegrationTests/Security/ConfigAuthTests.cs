using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Community.Host.Auth;
using Community.Host.Hosting;
using Community.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Community.IntegrationTests.Security;

/// <summary>
/// Settings that would let anyone sign in as anyone, or that split a cluster's tokens, stop a host before it starts,
/// with one line that says what to change.
/// </summary>
public sealed partial class ConfigAuthTests
{
    private static Dictionary<string, string?> Settings(params (string Key, string? Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "AzureStorage",
            ["Storage:ConnectionString"] = TestStorage.ConnectionString,
            ["Cluster:ClusterId"] = "cfg-" + Guid.NewGuid().ToString("N")[..8],
            ["Cluster:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "None",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static async Task<string> RefusalAsync(string environment, Dictionary<string, string?> settings)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = CommunityApp.Build(["--urls", "http://127.0.0.1:0", "--environment", environment], b => b.Configuration.AddInMemoryCollection(settings));
            await app.StartAsync();
            await app.StopAsync();
        });
        var validation = error as OptionsValidationException ?? error.InnerException as OptionsValidationException;
        Assert.True(validation is not null, $"Expected the host to refuse its settings, got {error.GetType().Name}: {error.Message}");
        return validation.Message;
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task Dev_tokens_outside_Development_stop_the_host_whatever_the_key(string environment)
    {
        var message = await RefusalAsync(environment, Settings(("Auth:DevTokens", "true"), ("Auth:SigningKey", "a-secret-of-this-deployment-only-0123456789")));

        Assert.Contains("Auth:DevTokens is on outside Development", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dev-only-signing-key-change-me-0123456789abcdef")]
    [InlineData(TestHost.SigningKey)]
    public async Task A_signing_key_published_in_the_repository_is_refused_outside_Development(string key)
    {
        var message = await RefusalAsync("Production", Settings(("Auth:SigningKey", key)));

        Assert.Contains("published in Community's repository", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("true")]
    public async Task A_clustered_host_without_a_signing_key_or_authority_refuses_to_start(string? devTokens)
    {
        // With dev tokens on, such a host used to start, each host of the cluster signing with a random key of its own.
        var message = await RefusalAsync("Staging", Settings(("Auth:DevTokens", devTokens)));

        Assert.Contains("Auth:SigningKey is not set on a clustered host", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_production_host_with_a_secret_key_of_its_own_starts_and_serves_no_dev_tokens()
    {
        await using var host = await TestHost.StartAsync("cfg-" + Guid.NewGuid().ToString("N")[..8], settings: new Dictionary<string, string?>
        {
            ["Auth:DevTokens"] = null,
            ["Auth:SigningKey"] = "a-secret-of-this-deployment-only-0123456789",
        }, environment: "Production");
        using var anonymous = new HttpClient { BaseAddress = host.BaseAddress };

        var token = await anonymous.PostAsync("/api/dev/token", JsonContent.Create(new { user = "mallory" }));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, token.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task The_compose_files_demo_key_is_one_the_hosts_refuse_outside_Development_and_its_ports_stay_on_this_machine()
    {
        var compose = await File.ReadAllTextAsync(Path.Combine(Root(), "docker-compose.yml"));

        var key = ComposeKey().Match(compose);
        Assert.True(key.Success, "docker-compose.yml gives Auth__SigningKey a demo default.");
        Assert.Contains(key.Groups[1].Value, AuthExtensions.PublishedSigningKeys);
        Assert.Contains("ASPNETCORE_ENVIRONMENT: Development", compose, StringComparison.Ordinal);
        var published = PublishedPort().Matches(compose).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, published.Count);
        Assert.All(published, p => Assert.StartsWith("127.0.0.1:", p, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_host_process_with_the_compose_settings_in_Production_exits_with_one_line_that_names_the_setting()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Community.Host.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{FreePort.Next()}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Storage__Provider"] = "AzureStorage";
        start.Environment["Storage__ConnectionString"] = TestStorage.ConnectionString;
        start.Environment["Cluster__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        start.Environment["Auth__DevTokens"] = "true";
        start.Environment["Auth__SigningKey"] = "dev-only-signing-key-change-me-0123456789abcdef";

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.Equal(1, process.ExitCode);
        var line = Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Community: refusing to start:", line, StringComparison.Ordinal);
        Assert.Contains("Auth:DevTokens", line, StringComparison.Ordinal);
        Assert.Contains("published", line, StringComparison.Ordinal);
        Assert.DoesNotContain("dev-only-signing-key", line + await stdout, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"Auth__SigningKey: \$\{COMMUNITY_SIGNING_KEY:-([^}]*)\}")]
    private static partial Regex ComposeKey();

    [GeneratedRegex(@"^\s+- ""([^""]*:8080)""", RegexOptions.Multiline)]
    private static partial Regex PublishedPort();

    private static string Root()
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
