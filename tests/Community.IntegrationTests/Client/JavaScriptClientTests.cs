using System.Diagnostics;
using System.Net;
using Community.IntegrationTests.Infrastructure;

namespace Community.IntegrationTests.Client;

/// <summary>
/// Runs <c>node --test clients/js/test/</c> (the JavaScript client's unit tests and its failover test) against two
/// real hosts of a cluster of its own. The failover test stops host A through a small control endpoint served here
/// (<c>GET /stop-a</c>), as only this process can stop it.
/// </summary>
public sealed class JavaScriptClientTests
{
    [Fact]
    public async Task The_javascript_client_passes_its_node_tests_including_failover_between_two_real_hosts()
    {
        var directory = ClientDirectory();
        Assert.True(Directory.Exists(Path.Combine(directory, "node_modules", "@microsoft", "signalr")),
            $"Run `npm ci` in {directory} first (scripts/test.sh does).");

        var clusterId = "jsclient-" + Guid.NewGuid().ToString("N")[..8];
        var a = await TestHost.StartAsync(clusterId);
        await using var b = await TestHost.StartAsync(clusterId);
        var stopA = new Lazy<Task>(() => a.DisposeAsync().AsTask());
        var controlPort = FreePort.Next();
        using var control = new HttpListener { Prefixes = { $"http://127.0.0.1:{controlPort}/" } };
        control.Start();
        var serving = ServeControlAsync(control, stopA);
        try
        {
            var start = new ProcessStartInfo("node", ["--test", "test/"])
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment =
                {
                    ["COMMUNITY_HOSTS"] = $"{a.BaseAddress} {b.BaseAddress}",
                    ["COMMUNITY_CONTROL"] = $"http://127.0.0.1:{controlPort}/",
                },
            };
            using var node = Process.Start(start)!;
            var output = node.StandardOutput.ReadToEndAsync();
            var errors = node.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            try
            {
                await node.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                node.Kill(entireProcessTree: true);
                await node.WaitForExitAsync();
            }

            var report = $"node --test exited with {node.ExitCode}:\n{await output}\n{await errors}";
            Assert.True(node.ExitCode == 0, report);
            // Skipped would mean the failover test did not see the hosts.
            Assert.Contains("# skipped 0", report, StringComparison.Ordinal);
            Assert.Contains("# fail 0", report, StringComparison.Ordinal);
        }
        finally
        {
            control.Stop();
            await serving;
            await stopA.Value;
        }
    }

    private static async Task ServeControlAsync(HttpListener listener, Lazy<Task> stopA)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception error) when (error is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            if (context.Request.Url?.AbsolutePath == "/stop-a")
            {
                await stopA.Value;
                context.Response.StatusCode = 200;
            }
            else
            {
                context.Response.StatusCode = 404;
            }

            context.Response.Close();
        }
    }

    private static string ClientDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Community.sln")))
            {
                return Path.Combine(dir.FullName, "clients", "js");
            }
        }

        throw new InvalidOperationException($"No Community.sln above {AppContext.BaseDirectory}.");
    }
}
