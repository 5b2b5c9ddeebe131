using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Community.LoadTests.Cli;
using Community.LoadTests.Client;
using Community.LoadTests.Metrics;
using Community.LoadTests.Servers;
using Community.LoadTests.Workload;

namespace Community.LoadTests.Scenarios;

/// <summary>
/// <c>memory</c>: what an idle connection and an active post cost the server in resident memory. Opens idle
/// connections up to each level (1,000 then 10,000 by default) and reads the server's resident memory after a settle
/// time; bytes per connection = growth over the baseline ÷ connections. Then, on a SignalR target, posts: for Community
/// started by the driver on Azurite (<c>--launch --storage azurite</c>) it publishes the posts, restarts the host on the
/// same storage, and activates the idle posts with <c>GET /api/posts/{id}</c> (so the growth is active post grains
/// only); otherwise it measures the growth while publishing them (grain plus whatever the server stores in memory).
/// </summary>
public static class MemoryCommand
{
    public const string Name = "memory";

    private const int ConnectParallelism = 64;
    private const int Users = 100;

    public static Command Create(CommonOptions common)
    {
        var connections = new Option<string>("--connections") { Description = "Levels of idle connections, ascending, comma-separated.", DefaultValueFactory = _ => "1000,10000" };
        var posts = new Option<string>("--posts") { Description = "Levels of active posts, ascending, comma-separated; 0 to skip.", DefaultValueFactory = _ => "1000,10000" };
        var settle = OptionFactory.Seconds("--settle", 3, "Wait after each level before reading the server's memory");
        var timeout = OptionFactory.Seconds("--timeout", 600, "Longest the whole measurement may take", minSeconds: 10);
        var command = new Command(Name, "Resident memory of the server per idle connection and per active post, at each level (1,000 and 10,000 by default).");
        common.AddTo(command);
        foreach (var option in new Option[] { connections, posts, settle, timeout })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!TryLevels(parse.GetRequiredValue(connections), out var connectionLevels) || !TryLevels(parse.GetRequiredValue(posts), out var postLevels))
            {
                await Console.Error.WriteLineAsync("--connections and --posts take ascending counts such as 1000,10000 (or 0).");
                return 1;
            }

            var settings = new MemorySettings(connectionLevels, postLevels, TimeSpan.FromSeconds(parse.GetRequiredValue(settle)));
            using var deadline = new HardDeadline(TimeSpan.FromSeconds(parse.GetRequiredValue(timeout)) + TimeSpan.FromSeconds(30));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stop.CancelAfter(TimeSpan.FromSeconds(parse.GetRequiredValue(timeout)));
            var context = common.Read(parse);
            var report = await RunAsync(settings, context, stop.Token);
            return await ScenarioRunner.ReportAsync(report, context);
        });
        return command;
    }

    public static async Task<MemoryReport> RunAsync(MemorySettings settings, DriverContext context, CancellationToken cancellationToken)
    {
        var report = new MemoryReport { System = context.SystemName, StartedAt = DateTimeOffset.UtcNow, Url = context.Url.ToString() };
        LaunchedServer? azurite = null;
        LaunchedServer? server = null;
        string? storage = null;
        try
        {
            if (context.Launch)
            {
                if (context.Azurite && context.System == SystemKind.Community)
                {
                    (azurite, storage) = await ServerLauncher.StartAzuriteAsync(context.ResultsDirectory, cancellationToken);
                }

                server = await ServerLauncher.StartAsync(context.System, context.ResultsDirectory, cancellationToken, storage);
                context = context with { Url = server.Url, ServerPid = server.Pid };
                report.Url = server.Url.ToString();
            }

            if (context.ServerPid is not { } pid)
            {
                throw new InvalidOperationException("memory needs the server's pid: pass --server-pid or --launch.");
            }

            report.Pid = pid;
            var runId = RunIds.New();
            using (var http = new HttpClient { BaseAddress = context.Url, Timeout = TimeSpan.FromSeconds(30) })
            {
                var api = new CommunityApi(http);
                if (settings.Connections.Count > 0)
                {
                    await MeasureConnectionsAsync(settings, context, api, runId, pid, report, cancellationToken);
                }

                if (settings.Posts.Count > 0 && context.System != SystemKind.SocketIo)
                {
                    var postIds = await MeasurePublishingAsync(settings, api, runId, pid, report, measure: storage is null, cancellationToken);
                    if (storage is not null && server is not null)
                    {
                        // A fresh host on the same storage: the posts exist, but none is active until it is read.
                        await server.DisposeAsync();
                        server = await ServerLauncher.StartAsync(context.System, context.ResultsDirectory, cancellationToken, storage);
                        report.Pid = server.Pid;
                        using var restarted = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(30) };
                        await MeasureActivationAsync(settings, new CommunityApi(restarted), postIds, server.Pid, report, cancellationToken);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || cancellationToken.IsCancellationRequested)
        {
            report.Failure = ex is OperationCanceledException ? "cancelled or timed out (--timeout)" : $"{ex.GetType().Name}: {ex.Message}";
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }

            if (azurite is not null)
            {
                await azurite.DisposeAsync();
            }
        }

        report.FinishedAt = DateTimeOffset.UtcNow;
        return report;
    }

    private static async Task MeasureConnectionsAsync(
        MemorySettings settings, DriverContext context, CommunityApi api, string runId, int pid, MemoryReport report, CancellationToken cancellationToken)
    {
        var tokens = await api.IssueTokensAsync(runId, "idle", Users, cancellationToken);
        var clients = new ConcurrentBag<ILiveClient>();
        try
        {
            var baseline = await SettledAsync(pid, settings.Settle, cancellationToken);
            var open = 0;
            foreach (var level in settings.Connections)
            {
                var started = Stopwatch.GetTimestamp();
                await Parallel.ForEachAsync(
                    Enumerable.Range(open, level - open),
                    new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = cancellationToken },
                    async (i, ct) =>
                    {
                        var client = LiveClients.Create(context.System, context.Receiver, context.Url, tokens[i % tokens.Length]);
                        clients.Add(client);
                        await client.StartAsync(null, _ => { }, ct);
                    });
                open = level;
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                var resident = await SettledAsync(pid, settings.Settle, cancellationToken);
                report.Connections.Add(MemoryLevel.Of(level, baseline, resident, seconds));
                Console.Error.WriteLine(Invariant($"memory: {level} idle connections: {report.Connections[^1].BytesPerItem:0} bytes each"));
            }
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask())).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        }
    }

    /// <summary>Publishes up to the highest level; measures the growth per level when there will be no restart.</summary>
    private static async Task<string[]> MeasurePublishingAsync(
        MemorySettings settings, CommunityApi api, string runId, int pid, MemoryReport report, bool measure, CancellationToken cancellationToken)
    {
        var creator = RunIds.Handle(runId, "creator", 0);
        var token = await api.IssueDevTokenAsync(creator, cancellationToken);
        await api.CreateCreatorAsync(creator, token, cancellationToken);
        var postIds = new string[settings.Posts[^1]];
        var baseline = measure ? await SettledAsync(pid, settings.Settle, cancellationToken) : 0;
        report.PostsMethod = measure
            ? "resident growth while publishing the posts (each one's grain stays active, plus whatever the server keeps of it in memory: in Memory storage mode, its stored rows)"
            : "posts published, host restarted on the same Azurite storage, then each idle post activated with GET /api/posts/{id}: growth = active post grains";
        var published = 0;
        foreach (var level in settings.Posts)
        {
            var started = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(
                Enumerable.Range(published, level - published),
                new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
                async (i, ct) => postIds[i] = await api.PublishPostAsync(creator, token, $"Idle post {i} of run {runId}", ct));
            published = level;
            if (measure)
            {
                var resident = await SettledAsync(pid, settings.Settle, cancellationToken);
                report.Posts.Add(MemoryLevel.Of(level, baseline, resident, Stopwatch.GetElapsedTime(started).TotalSeconds));
                Console.Error.WriteLine(Invariant($"memory: {level} posts: {report.Posts[^1].BytesPerItem:0} bytes each"));
            }
        }

        report.PostReadToken = token;
        report.PostReader = creator;
        return postIds;
    }

    private static async Task MeasureActivationAsync(
        MemorySettings settings, CommunityApi api, string[] postIds, int pid, MemoryReport report, CancellationToken cancellationToken)
    {
        // A restarted host signs dev tokens with a new key: the reader needs a fresh token.
        report.PostReadToken = await api.IssueDevTokenAsync(report.PostReader!, cancellationToken);
        // The first read warms the host's code paths, so the baseline does not count them as post memory.
        await api.GetPostCountersAsync(postIds[0], report.PostReadToken, cancellationToken);
        var baseline = await SettledAsync(pid, settings.Settle, cancellationToken);
        var active = 1;
        foreach (var level in settings.Posts)
        {
            var started = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(
                Enumerable.Range(active, level - active),
                new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
                async (i, ct) => await api.GetPostCountersAsync(postIds[i], report.PostReadToken!, ct));
            active = level;
            var resident = await SettledAsync(pid, settings.Settle, cancellationToken);
            report.Posts.Add(MemoryLevel.Of(level, baseline, resident, Stopwatch.GetElapsedTime(started).TotalSeconds));
            Console.Error.WriteLine(Invariant($"memory: {level} active posts: {report.Posts[^1].BytesPerItem:0} bytes each"));
        }
    }

    /// <summary>The server's resident memory after the settle time (the lowest of three readings half a second apart).</summary>
    private static async Task<long> SettledAsync(int pid, TimeSpan settle, CancellationToken cancellationToken)
    {
        await Task.Delay(settle, cancellationToken);
        var readings = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            readings.Add(new ServerProcess(pid).Read()?.ResidentBytes ?? throw new InvalidOperationException($"cannot read /proc/{pid}: is the server running?"));
            await Task.Delay(500, cancellationToken);
        }

        return readings.Min();
    }

    private static bool TryLevels(string text, out IReadOnlyList<int> levels)
    {
        var parsed = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 100_000 || (parsed.Count > 0 && n <= parsed[^1]))
            {
                levels = [];
                return false;
            }

            if (n > 0)
            {
                parsed.Add(n);
            }
        }

        levels = parsed;
        return true;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

public sealed record MemorySettings(IReadOnlyList<int> Connections, IReadOnlyList<int> Posts, TimeSpan Settle);

/// <summary>One level: how many, the resident memory before any and with them, and the growth per item.</summary>
public sealed record MemoryLevel(int Count, long BaselineBytes, long ResidentBytes, double BytesPerItem, double SecondsToReach)
{
    public static MemoryLevel Of(int count, long baseline, long resident, double seconds) =>
        new(count, baseline, resident, Math.Round((resident - baseline) / (double)count), Math.Round(seconds, 2));
}

public sealed class MemoryReport : IScenarioReport
{
    public string Scenario => MemoryCommand.Name;

    public required string System { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset FinishedAt { get; set; }

    public required string Url { get; set; }

    public int? Pid { get; set; }

    public string? Failure { get; set; }

    public List<MemoryLevel> Connections { get; } = [];

    public List<MemoryLevel> Posts { get; } = [];

    public string? PostsMethod { get; set; }

    [System.Text.Json.Serialization.JsonIgnore]
    public string? PostReadToken { get; set; }

    [System.Text.Json.Serialization.JsonIgnore]
    public string? PostReader { get; set; }

    public bool Passed => Failure is null;

    public void WriteSummary(TextWriter writer)
    {
        writer.WriteLine();
        writer.WriteLine(Invariant($"memory of {System} at {Url} (pid {Pid?.ToString(CultureInfo.InvariantCulture) ?? "-"})"));
        if (Failure is not null)
        {
            writer.WriteLine($"  FAILURE: {Failure}");
        }

        foreach (var (what, levels) in new[] { ("idle connections", Connections), ("posts", Posts) })
        {
            foreach (var l in levels)
            {
                writer.WriteLine(Invariant(
                    $"  {l.Count,6} {what,-16} resident {l.BaselineBytes / 1048576.0,7:0.0} → {l.ResidentBytes / 1048576.0,7:0.0} MiB: {l.BytesPerItem,8:0} bytes each (reached in {l.SecondsToReach:0.0} s)"));
            }
        }

        if (PostsMethod is not null)
        {
            writer.WriteLine($"  posts measured as: {PostsMethod}");
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
