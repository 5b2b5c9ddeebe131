using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Community.Host.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Community.IntegrationTests.Infrastructure;

/// <summary>
/// A Community host in a process of its own (the build beside the tests), on the run's Azurite: what a test needs
/// to kill a host the way a crash does, with no graceful goodbye. Its output goes to the test-hosts log.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _anonymous;

    private HostProcess(Process process, Uri baseAddress, string name, int siloPort)
    {
        _process = process;
        BaseAddress = baseAddress;
        Name = name;
        SiloPort = siloPort;
        _anonymous = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri BaseAddress { get; }

    public string Name { get; }

    public int SiloPort { get; }

    public bool Exited => _process.HasExited;

    public int ProcessId => _process.Id;

    public static async Task<HostProcess> StartAsync(string clusterId, string name, IDictionary<string, string?>? settings = null)
    {
        var port = FreePort.Next();
        var siloPort = FreePort.Next();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Community.Host.dll"), "--urls", baseAddress.ToString() },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var environment = new Dictionary<string, string?>
        {
            // Development (the only environment with dev tokens) without its dashboard and /metrics.
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Dashboard__Enabled"] = "false",
            ["Telemetry__Prometheus"] = "false",
            ["Storage__Provider"] = "AzureStorage",
            ["Storage__ConnectionString"] = TestStorage.ConnectionString,
            ["Storage__Timeout"] = "00:00:03",
            ["Cluster__ClusterId"] = clusterId,
            ["Cluster__ServiceId"] = "community-tests",
            ["Cluster__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Cluster__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Auth__DevTokens"] = "true",
            ["Auth__SigningKey"] = TestHost.SigningKey,
            ["RateLimits__WritesPerSecond"] = "1000",
            ["RateLimits__Burst"] = "1000",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Orleans"] = "Error",
            ["Logging__LogLevel__Community.Host.Realtime"] = "Information",
        };
        // A null value removes a test default, so the host falls back to its own.
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                environment.Remove(key);
            }
            else
            {
                environment[key] = value;
            }
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start a host process.");
        var log = Environment.GetEnvironmentVariable("COMMUNITY_TEST_LOG");
        void Forward(string? line)
        {
            if (line is not null && log is not null)
            {
                lock (typeof(HostProcess))
                {
                    File.AppendAllText(log, $"{DateTime.UtcNow:HH:mm:ss.fff} [{name}] {line}{Environment.NewLine}");
                }
            }
        }

        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new HostProcess(process, baseAddress, name, siloPort);
        await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        return host;
    }

    /// <summary>
    /// Which silo (by port) each grain of type <paramref name="grainType"/> (such as "post") is active on, asked of the
    /// cluster through an Orleans client of its own (the test's only way to see placement, which Orleans decides).
    /// </summary>
    public static async Task<IReadOnlyList<(string Key, int SiloPort)>> ActivationsAsync(string clusterId, string grainType)
    {
        using var client = new HostBuilder()
            .UseOrleansClient(c => c
                .UseAzureStorageClustering(o =>
                {
                    o.TableServiceClient = new Azure.Data.Tables.TableServiceClient(TestStorage.ConnectionString);
                    o.TableName = "communitymembership";
                })
                .Configure<Orleans.Configuration.ClusterOptions>(o =>
                {
                    o.ClusterId = clusterId;
                    o.ServiceId = "community-tests";
                }))
            .Build();
        await client.StartAsync();
        try
        {
            var management = client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
            var activations = await management.GetDetailedGrainStatistics();
            return activations.Where(a => a.GrainId.Type.ToString() == grainType).Select(a => (a.GrainId.Key.ToString()!, a.SiloAddress.Endpoint.Port)).ToList();
        }
        finally
        {
            await client.StopAsync();
        }
    }

    /// <summary>As a crash would: no shutdown, no goodbye to the cluster.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async Task<string> TokenAsync(string user)
    {
        var response = await _anonymous.PostAsJsonAsync("/api/dev/token", new { user });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenBody>())!.Token;
    }

    public HttpClient Client(string token) => new()
    {
        BaseAddress = BaseAddress,
        Timeout = TimeSpan.FromSeconds(15),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token) },
    };

    public Task<HubConnection> ConnectAsync(string token) => TestHost.ConnectAsync(BaseAddress, token);

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Host {Name} exited with {_process.ExitCode} while starting (see the test-hosts log).");
            }

            try
            {
                if ((await _anonymous.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Host {Name} was not ready within {timeout}.");
    }

    public async ValueTask DisposeAsync()
    {
        _anonymous.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private sealed record TokenBody(string Token);
}
