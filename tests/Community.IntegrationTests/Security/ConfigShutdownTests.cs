using System.Diagnostics;
using System.Globalization;
using Community.IntegrationTests.Infrastructure;

namespace Community.IntegrationTests.Security;

/// <summary>A host asked to stop stops within seconds, even when the storage it would say goodbye to is already gone.</summary>
public sealed class ConfigShutdownTests
{
    [Fact]
    public async Task A_host_whose_storage_is_gone_exits_within_15_seconds_of_SIGTERM()
    {
        await using var azurite = new OwnAzurite();
        await azurite.StartAsync();
        await using var host = await HostProcess.StartAsync("cfg-" + Guid.NewGuid().ToString("N")[..8], "shutdown", new Dictionary<string, string?>
        {
            ["Storage__ConnectionString"] = azurite.ConnectionString,
        });
        await azurite.StopAsync();

        var stopping = Stopwatch.StartNew();
        using (var term = Process.Start("kill", ["-TERM", host.ProcessId.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        while (!host.Exited && stopping.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }

        Assert.True(host.Exited, "The host was still running 30 s after SIGTERM.");
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(15), $"The host took {stopping.Elapsed.TotalSeconds:F1} s to stop.");
    }
}
