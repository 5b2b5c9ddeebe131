using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using Community.Host.Auth;
using Community.Host.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Community.IntegrationTests.Infrastructure;

/// <summary>
/// One real Community host (silo + Kestrel on a free loopback port) in this test process, on the run's
/// Azurite. Hosts built with the same <see cref="ClusterId"/> form one Orleans cluster.
/// </summary>
public sealed class TestHost : IAsyncDisposable
{
    public const string SigningKey = "integration-tests-signing-key-0123456789abcdef";

    /// <summary>A key of this test run's own for hosts outside Development, where a key published in the repository is refused.</summary>
    public static readonly string SecretSigningKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));

    private readonly WebApplication _app;
    private readonly HttpClient _anonymous;

    private TestHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        _anonymous = new HttpClient { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="environment">
    /// Development by default, as <c>scripts/run.sh</c> runs it (the only environment with dev tokens), but with the
    /// dashboard and the Prometheus endpoint off, so they cost the tests nothing; pass them in <paramref name="settings"/>
    /// (null removes a default). A host in another environment gets no dev tokens: <see cref="TokenAsync"/> then signs
    /// tokens with the host's key, as an identity provider would.
    /// </param>
    public static async Task<TestHost> StartAsync(string clusterId, string? connectionString = null, IDictionary<string, string?>? settings = null, string environment = "Development")
    {
        var config = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "AzureStorage",
            ["Storage:ConnectionString"] = connectionString ?? TestStorage.ConnectionString,
            ["Storage:Timeout"] = "00:00:03",
            // Many silos share this one test process and its two cores with parallel tests, where a starved silo can be
            // voted dead with 1 s probes: probe every 3 s. Fast failure detection is tested on host processes (HostKillTests).
            ["Cluster:ProbeTimeout"] = "00:00:03",
            ["Cluster:ClusterId"] = clusterId,
            ["Cluster:ServiceId"] = "community-tests",
            ["Cluster:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Auth:DevTokens"] = environment == "Development" ? "true" : "false",
            ["Auth:SigningKey"] = environment == "Development" ? SigningKey : SecretSigningKey,
            ["Dashboard:Enabled"] = "false",
            ["Telemetry:Prometheus"] = "false",
            // Tests write fast on purpose; FloodTests checks the limit with a host of its own.
            ["RateLimits:WritesPerSecond"] = "1000",
            ["RateLimits:Burst"] = "1000",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore.SignalR"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Error",
            // Hub errors the tests provoke on purpose; HubErrorFilter logs the unexpected ones.
            ["Logging:LogLevel:Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher"] = "None",
        };
        // A null value removes a test default, so the host falls back to its own (appsettings, environment, code).
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                config.Remove(key);
            }
            else
            {
                config[key] = value;
            }
        }

        var name = $"{clusterId}/{config["Cluster:SiloPort"]}";
        var app = CommunityApp.Build(["--urls", "http://127.0.0.1:0", "--environment", environment], b =>
        {
            b.Configuration.AddInMemoryCollection(config);
            b.Logging.AddProvider(new FileLoggerProvider(name));
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestHost(app, new Uri(address));
    }

    /// <summary>A dev token for <paramref name="user"/>, signed by this host (every test host shares the key).</summary>
    public async Task<string> TokenAsync(string user)
    {
        var auth = _app.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        if (!auth.DevTokens)
        {
            return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Subject = new ClaimsIdentity([new Claim(AuthExtensions.SubjectClaim, user)]),
                Issuer = auth.Issuer,
                Audience = auth.Audience,
                Expires = DateTime.UtcNow.AddHours(1),
                SigningCredentials = new SigningCredentials(_app.Services.GetRequiredService<TokenKeys>().Key, SecurityAlgorithms.HmacSha256),
            });
        }

        var response = await _anonymous.PostAsJsonAsync("/api/dev/token", new { user });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<TokenBody>();
        return body!.Token;
    }

    /// <summary>An HTTP client signed in as <paramref name="user"/> (no token when null).</summary>
    public async Task<HttpClient> ClientAsync(string? user)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (user is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(user));
        }

        return client;
    }

    /// <summary>A real SignalR client over a WebSocket to this host's hub, signed in as <paramref name="user"/>.</summary>
    public async Task<HubConnection> ConnectAsync(string user) => await ConnectAsync(BaseAddress, await TokenAsync(user));

    /// <summary>A real SignalR client over a WebSocket to the hub of the host at <paramref name="baseAddress"/>.</summary>
    public static async Task<HubConnection> ConnectAsync(Uri baseAddress, string token)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, CommunityApp.HubPath), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
        await connection.StartAsync();
        return connection;
    }

    public async Task StopAsync() => await _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        _anonymous.Dispose();
        try
        {
            await _app.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        }
        catch (OperationCanceledException)
        {
        }

        await _app.DisposeAsync();
    }

    private sealed record TokenBody(string Token);
}
