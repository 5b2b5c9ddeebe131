using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Community.IntegrationTests.Infrastructure;
using Community.Posts;
using Community.Realtime;
using Microsoft.AspNetCore.SignalR.Client;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Community.IntegrationTests.Deployment;

/// <summary>
/// docker-compose.yml's topology without Docker (none runs on these machines): an Azurite of its own and the two
/// hosts, each configured from the environment the compose file gives it, so the file cannot rot unseen.
/// </summary>
public sealed partial class ComposeTopologyTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public async Task The_compose_hosts_start_on_its_own_settings_become_ready_and_form_one_cluster()
    {
        var services = Services();
        Assert.Equal(["azurite", "host1", "host2"], services.Keys.Order());
        AssertAzuriteMatchesTheNpmPin(services["azurite"]);

        await using var azurite = new OwnAzurite();
        await azurite.StartAsync();
        var hosts = new List<TestHost>();
        try
        {
            foreach (var name in new[] { "host1", "host2" })
            {
                var service = services[name];
                AssertWaitsForHealthyStorageAndChecksReadiness(name, service);
                var (environment, settings) = HostSettings(Map(service["environment"]), azurite);
                hosts.Add(await TestHost.StartAsync(settings["Cluster:ClusterId"]!, azurite.ConnectionString, settings, environment));
            }

            foreach (var host in hosts)
            {
                await ReadyAsync(host);
            }

            // Dev tokens (the compose file runs in Development) signed by one host are valid on the other: one key.
            var creator = ClusterFixture.Unique("cr");
            var postId = await (await hosts[0].CreatorAsync(creator)).PublishAsync(creator);
            await using var watcher = await hosts[1].ConnectAsync(ClusterFixture.Unique("w"));
            var seen = new EventLog<Comment>(watcher, ClientEvents.CommentAdded);
            await watcher.InvokeAsync<CommentCatchUp>("SubscribePost", postId, null);
            var sent = await (await hosts[0].ClientAsync(ClusterFixture.Unique("fan"))).CommentAsync(postId, "across the compose cluster");

            Assert.Equal(sent.Id, (await seen.WaitForAsync(c => c.Id == sent.Id)).Single().Id);
        }
        finally
        {
            foreach (var host in Enumerable.Reverse(hosts))
            {
                await host.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Translates a compose host's environment into this machine's terms: the same keys and values, except what a
    /// container network provides (Azurite's hostname, one port range per container, the published HTTP port).
    /// </summary>
    private static (string Environment, Dictionary<string, string?> Settings) HostSettings(Dictionary<string, string> environment, OwnAzurite azurite)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var aspnetEnvironment = "Production";
        foreach (var (key, raw) in environment)
        {
            var value = Interpolate(raw);
            switch (key)
            {
                case "ASPNETCORE_ENVIRONMENT":
                    aspnetEnvironment = value;
                    break;
                case "ASPNETCORE_URLS":
                    Assert.Contains(":8080", value, StringComparison.Ordinal);
                    break;
                case "Storage__ConnectionString":
                    Assert.Contains("TableEndpoint=http://azurite:10002/", value, StringComparison.Ordinal);
                    settings["Storage:ConnectionString"] = azurite.ConnectionString;
                    break;
                case "Cluster__AdvertisedHost":
                    settings["Cluster:AdvertisedHost"] = "127.0.0.1";
                    break;
                case "Cluster__SiloPort" or "Cluster__GatewayPort":
                    // Every container has the same ports; processes on one machine need their own.
                    settings[key.Replace("__", ":", StringComparison.Ordinal)] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
                    break;
                default:
                    settings[key.Replace("__", ":", StringComparison.Ordinal)] = value;
                    break;
            }
        }

        Assert.Equal("true", settings["Auth:DevTokens"]);
        return (aspnetEnvironment, settings);
    }

    private static void AssertAzuriteMatchesTheNpmPin(Dictionary<object, object> azurite)
    {
        using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "package.json")));
        var pinned = package.RootElement.GetProperty("devDependencies").GetProperty("azurite").GetString();
        Assert.Equal($"mcr.microsoft.com/azure-storage/azurite:{pinned}", (string)azurite["image"]);
        Assert.Contains("/data", Map(azurite)["command"], StringComparison.Ordinal);
        Assert.True(azurite.ContainsKey("healthcheck"), "Azurite needs a health check for the hosts to wait on.");
    }

    private static void AssertWaitsForHealthyStorageAndChecksReadiness(string name, Dictionary<object, object> host)
    {
        var dependsOn = (Dictionary<object, object>)host["depends_on"];
        Assert.Equal("service_healthy", Map(dependsOn["azurite"])["condition"]);
        var test = string.Join(" ", ((List<object>)((Dictionary<object, object>)host["healthcheck"])["test"]).Cast<string>());
        Assert.Contains("/health/ready", test, StringComparison.Ordinal);
        Assert.Equal("community-host:local", (string)host["image"]);
        Assert.True(name == "host1" == host.ContainsKey("build"), "One image, built once (by host1), run twice.");
    }

    /// <summary>What the compose health check waits for: /health/ready answering 200.</summary>
    private static async Task ReadyAsync(TestHost host)
    {
        using var client = await host.ClientAsync(null);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await client.GetAsync("/health/ready", CancellationToken.None)).StatusCode != HttpStatusCode.OK)
        {
            await Task.Delay(200, timeout.Token);
        }
    }

    private static Dictionary<string, Dictionary<object, object>> Services()
    {
        var text = File.ReadAllText(Path.Combine(Root, "docker-compose.yml"));
        // MergingParser resolves the file's `<<: *host` merge keys as compose does.
        var document = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(new StringReader(text))));
        return ((Dictionary<object, object>)document["services"]).ToDictionary(s => (string)s.Key, s => (Dictionary<object, object>)s.Value);
    }

    private static Dictionary<string, string> Map(object node) =>
        ((Dictionary<object, object>)node).ToDictionary(e => (string)e.Key, e => e.Value as string ?? "");

    /// <summary>Compose's <c>${VAR:-default}</c>: the variable when set, else the default.</summary>
    private static string Interpolate(string value) =>
        Variable().Replace(value, m => Environment.GetEnvironmentVariable(m.Groups[1].Value) is { Length: > 0 } set ? set : m.Groups[2].Value);

    [GeneratedRegex(@"\$\{(\w+):-([^}]*)\}")]
    private static partial Regex Variable();

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
