using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Community.LoadTests.Cli;
using Community.LoadTests.Client;
using Community.LoadTests.Metrics;

namespace Community.LoadTests.Servers;

/// <summary>
/// Starts a system under test from its build on free 127.0.0.1 ports, waits until it answers <c>/health/ready</c>, and
/// stops it (SIGTERM, then a kill after a few seconds). Its output goes to a log file beside the results. Every wait is
/// bounded.
/// </summary>
public static class ServerLauncher
{
    /// <summary>
    /// The environment Community runs with here: in-memory storage, dev tokens, and the per-user write and chat limits
    /// raised so that the load is limited by the server's capacity, not by its flood protection.
    /// </summary>
    public static IReadOnlyDictionary<string, string> CommunityEnvironment(int siloPort, int gatewayPort) => new Dictionary<string, string>
    {
        // Dev tokens work only in Development (a host refuses them elsewhere); its dashboard and /metrics are switched
        // off so they cost the measurement nothing.
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["DOTNET_ENVIRONMENT"] = "Development",
        ["Dashboard__Enabled"] = "false",
        ["Telemetry__Prometheus"] = "false",
        ["Storage__Provider"] = "Memory",
        ["Auth__DevTokens"] = "true",
        ["Cluster__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
        ["Cluster__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
        ["Cluster__ClusterId"] = $"loadtest-{siloPort}",
        ["RateLimits__WritesPerSecond"] = "100000",
        ["RateLimits__Burst"] = "100000",
        ["Livestreams__ChatBurst"] = "1000",
        ["Livestreams__ChatRefillInterval"] = "00:00:00.01",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    /// <param name="storageConnectionString">For Community: Azure Table storage (Azurite) instead of the in-memory default.</param>
    public static async Task<LaunchedServer> StartAsync(
        SystemKind system, DirectoryInfo logDirectory, CancellationToken cancellationToken, string? storageConnectionString = null)
    {
        var root = RepoPaths.Root ?? throw new InvalidOperationException("--launch needs the driver to run from a checkout (its build folder under the repository).");
        var port = FreePort();
        var url = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        var start = system switch
        {
            SystemKind.SignalR => DotnetApp(Path.Combine(root.FullName, "loadtests/peers/BareSignalR/bin/Release/net10.0/BareSignalR.dll"), url, "dotnet build loadtests/peers/BareSignalR -c Release"),
            SystemKind.SocketIo => NodeApp(Path.Combine(root.FullName, "loadtests/peers/socketio"), port),
            _ => DotnetApp(CommunityHostDll(root), url, "dotnet build src/Community.Host -c Release"),
        };
        if (system == SystemKind.Community)
        {
            foreach (var (name, value) in CommunityEnvironment(FreePort(), FreePort()))
            {
                start.Environment[name] = value;
            }

            if (storageConnectionString is not null)
            {
                start.Environment["Storage__Provider"] = "AzureStorage";
                start.Environment["Storage__ConnectionString"] = storageConnectionString;
            }
        }

        logDirectory.Create();
        var logPath = LogPath(logDirectory, $"server-{DriverContext.Name(system)}");
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var server = new LaunchedServer(system, process, url, logPath, "/health/ready");
        try
        {
            await server.WaitUntilReadyAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts Azurite (the repository's pinned npm package, <c>npm ci</c> at the root) on free ports with fresh data on disk (as scripts/run.sh keeps it), for a
    /// Community that must keep its data across a restart. Returns it with its connection string.
    /// </summary>
    /// <param name="inMemory">
    /// Azurite's <c>--inMemoryPersistence</c> instead: the same emulator without its periodic rewrite of the whole data file,
    /// to tell the emulator's persistence from the server's own cost (data is lost when it stops).
    /// </param>
    public static async Task<(LaunchedServer Azurite, string ConnectionString)> StartAzuriteAsync(DirectoryInfo logDirectory, CancellationToken cancellationToken, bool inMemory = false)
    {
        var root = RepoPaths.Root ?? throw new InvalidOperationException("Azurite needs the driver to run from a checkout.");
        var js = Path.Combine(root.FullName, "node_modules/azurite/dist/src/azurite.js");
        if (!File.Exists(js))
        {
            throw new FileNotFoundException($"Azurite is not installed: run `npm ci` in {root.FullName} first.", js);
        }

        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        // On disk, fresh for each run, as scripts/run.sh keeps it (Azurite's autosave is part of the cost it measures).
        var data = Directory.CreateDirectory(Path.Combine(logDirectory.FullName, $"azurite-data-{table}"));
        var start = Redirected("node");
        foreach (var arg in new[]
        {
            js, "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", $"{blob}", "--queuePort", $"{queue}", "--tablePort", $"{table}",
            "--disableTelemetry", "--skipApiVersionCheck", "--loose",
        }.Concat(inMemory ? ["--inMemoryPersistence", "--extentMemoryLimit", "256"] : ["--location", data.FullName]))
        {
            start.ArgumentList.Add(arg);
        }

        logDirectory.Create();
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start Azurite.");
        var azurite = new LaunchedServer(SystemKind.Community, process, new Uri($"http://127.0.0.1:{table}"), LogPath(logDirectory, "azurite"), readyPath: null);
        try
        {
            await azurite.WaitUntilReadyAsync(cancellationToken);
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }

        const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        return (azurite, string.Create(CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;"));
    }

    private static string LogPath(DirectoryInfo directory, string name)
    {
        var path = Path.Combine(directory.FullName, $"{name}.log");
        for (var n = 2; File.Exists(path); n++)
        {
            path = Path.Combine(directory.FullName, $"{name}-{n}.log");
        }

        return path;
    }

    /// <summary>
    /// The Community host to start: this checkout's Release build, or the one <c>COMMUNITY_HOST_DLL</c> names (another
    /// branch's build, to measure it with this driver).
    /// </summary>
    public static string CommunityHostDll(DirectoryInfo root) =>
        Environment.GetEnvironmentVariable("COMMUNITY_HOST_DLL") is { Length: > 0 } dll
            ? dll
            : Path.Combine(root.FullName, "src/Community.Host/bin/Release/net10.0/Community.Host.dll");

    /// <summary>A free TCP port on 127.0.0.1 (free when asked; the server binds it right after).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static ProcessStartInfo DotnetApp(string dll, Uri url, string buildCommand)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is not built: run `{buildCommand}` first.", dll);
        }

        var start = Redirected("dotnet");
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url.ToString().TrimEnd('/'));
        start.WorkingDirectory = Path.GetDirectoryName(dll)!;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return start;
    }

    private static ProcessStartInfo NodeApp(string folder, int port)
    {
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "socket.io")))
        {
            throw new DirectoryNotFoundException($"socket.io is not installed in {folder}: run `npm ci` there first.");
        }

        var start = Redirected("node");
        start.ArgumentList.Add(Path.Combine(folder, "server.js"));
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--host");
        start.ArgumentList.Add("127.0.0.1");
        start.WorkingDirectory = folder;
        return start;
    }

    private static ProcessStartInfo Redirected(string fileName) => new(fileName)
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        RedirectStandardInput = true,
        UseShellExecute = false,
    };
}

/// <summary>A server the driver started: its URL and pid, its log, and how to stop it.</summary>
public sealed class LaunchedServer : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ReadyPoll = TimeSpan.FromMilliseconds(200);

    private readonly Process _process;
    private readonly StreamWriter _log;

    private readonly string? _readyPath;

    /// <param name="readyPath">The HTTP path that answers 2xx once ready; null: ready once its port accepts connections.</param>
    internal LaunchedServer(SystemKind system, Process process, Uri url, string logPath, string? readyPath)
    {
        _readyPath = readyPath;
        System = system;
        _process = process;
        Url = url;
        LogPath = logPath;
        _log = new StreamWriter(logPath) { AutoFlush = true };
        _process.OutputDataReceived += (_, e) => Log(e.Data);
        _process.ErrorDataReceived += (_, e) => Log(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public SystemKind System { get; }

    public Uri Url { get; }

    public int Pid => _process.Id;

    public string LogPath { get; }

    internal async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.GetTimestamp() + (long)(ReadyTimeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{DriverContext.Name(System)} exited with code {_process.ExitCode} while starting; see {LogPath}.");
            }

            try
            {
                if (_readyPath is null)
                {
                    using var tcp = new TcpClient();
                    await tcp.ConnectAsync(Url.Host, Url.Port, cancellationToken);
                    return;
                }

                using var response = await http.GetAsync(_readyPath, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (SocketException)
            {
                // Not listening yet.
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A slow first answer: ask again.
            }

            await Task.Delay(ReadyPoll, cancellationToken);
        }

        throw new TimeoutException($"{DriverContext.Name(System)} did not report ready within {ReadyTimeout.TotalSeconds:0} s; see {LogPath}.");
    }

    /// <summary>Stops the server: SIGTERM (a graceful stop), then a kill if it is still there after 10 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
                if (kill is not null)
                {
                    await kill.WaitForExitAsync();
                }

                await _process.WaitForExitAsync().WaitAsync(StopTimeout);
            }
            catch (Exception ex) when (ex is TimeoutException or global::System.ComponentModel.Win32Exception)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(StopTimeout);
            }
        }

        _process.Dispose();
        await _log.DisposeAsync();
    }

    /// <summary>
    /// Lines of the server's output that are HTTP access-log entries (<c>127.0.0.1 - - [...] "POST …"</c>): for Azurite,
    /// one per storage request, so the driver can count storage calls per write.
    /// </summary>
    public long AccessLogLines => Interlocked.Read(ref _accessLogLines);

    private long _accessLogLines;

    private void Log(string? line)
    {
        if (line is not null)
        {
            if (line.StartsWith("127.0.0.1 - - [", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _accessLogLines);
            }

            lock (_log)
            {
                _log.WriteLine(line);
            }
        }
    }
}
