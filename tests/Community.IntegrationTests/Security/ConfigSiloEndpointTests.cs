using System.Globalization;
using System.Net;
using Community.IntegrationTests.Infrastructure;

namespace Community.IntegrationTests.Security;

/// <summary>
/// A host listens on its HTTP address and its silo port at the address it is told, and nowhere else: no Orleans
/// gateway (whoever reaches one may call any grain past every check), no silo port on every interface.
/// </summary>
public sealed class ConfigSiloEndpointTests
{
    [Fact]
    public async Task A_host_listens_only_on_its_HTTP_address_and_its_silo_port_at_the_advertised_address()
    {
        await using var host = await HostProcess.StartAsync("cfg-" + Guid.NewGuid().ToString("N")[..8], "listen", new Dictionary<string, string?>
        {
            // The defaults, as an operator who sets only where the host is reached would have them.
            ["Cluster__GatewayPort"] = null,
            ["Cluster__AdvertisedHost"] = "127.0.0.1",
        });

        var listening = ListeningEndpoints(host.ProcessId).Order().ToList();

        Assert.Equal(new[] { $"127.0.0.1:{host.BaseAddress.Port}", $"127.0.0.1:{host.SiloPort}" }.Order(), listening);
    }

    [Fact]
    public async Task A_gateway_asked_for_listens_at_the_same_address_only_and_serves_an_Orleans_client()
    {
        var clusterId = "cfg-" + Guid.NewGuid().ToString("N")[..8];
        var gatewayPort = FreePort.Next();
        await using var host = await HostProcess.StartAsync(clusterId, "gateway", new Dictionary<string, string?>
        {
            ["Cluster__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
        });

        var listening = ListeningEndpoints(host.ProcessId).Order().ToList();

        Assert.Equal(new[] { $"127.0.0.1:{host.BaseAddress.Port}", $"127.0.0.1:{host.SiloPort}", $"127.0.0.1:{gatewayPort}" }.Order(), listening);
        // The test tools that need one (HostKillTests asks where grains run) still reach the cluster through it.
        Assert.NotNull(await HostProcess.ActivationsAsync(clusterId, "post"));
    }

    /// <summary>The TCP endpoints a process listens on, from /proc: its socket inodes matched against the kernel's tables.</summary>
    private static IEnumerable<string> ListeningEndpoints(int pid)
    {
        var inodes = Directory.GetFiles($"/proc/{pid}/fd")
            .Select(fd => new FileInfo(fd).LinkTarget)
            .Where(target => target?.StartsWith("socket:[", StringComparison.Ordinal) == true)
            .Select(target => target!["socket:[".Length..^1])
            .ToHashSet();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                const string listen = "0A";
                if (fields[3] == listen && inodes.Contains(fields[9]))
                {
                    yield return Endpoint(fields[1]);
                }
            }
        }
    }

    /// <summary>"0100007F:2B67" (address bytes in host order, port in hex) as "127.0.0.1:11111".</summary>
    private static string Endpoint(string hex)
    {
        var parts = hex.Split(':');
        var bytes = Convert.FromHexString(parts[0]);
        for (var i = 0; i < bytes.Length; i += 4)
        {
            Array.Reverse(bytes, i, 4);
        }

        var address = new IPAddress(bytes);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return $"{address}:{int.Parse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture)}";
    }
}
