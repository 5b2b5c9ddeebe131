using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Community.LoadTests.Cli;
using Community.LoadTests.Client;
using Community.LoadTests.Metrics;
using Community.LoadTests.Workload;
using Microsoft.AspNetCore.SignalR.Client;

namespace Community.LoadTests.Scenarios;

/// <summary>
/// <c>campaign</c>: a brand watches its campaign (<c>WatchCampaign</c>, then <c>CampaignUpdated</c>) while F fans share
/// the campaign's posts (C creators × P posts) at R reactions per second in total (<c>React(postId, "share")</c>; every
/// share counts). Measures the reaction acks, how long an acknowledged share takes to show in the brand's snapshot,
/// and at the end checks that every post's stored share count and the campaign's total equal what was acknowledged
/// (a shortfall is lost, an excess duplicated) and that the brand's totals never went backwards.
/// </summary>
public sealed class CampaignScenario(CampaignSettings settings, DriverContext context, RunSettings run) : StreamScenario(context, run)
{
    public const string CommandName = "campaign";

    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentBag<HubConnection> _fans = [];
    private readonly ConcurrentDictionary<string, long> _ackedByPost = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<long> _ackTimestamps = new();
    private readonly ConcurrentQueue<(long At, long Shares)> _snapshots = new();
    private HubConnection? _brand;
    private string? _brandToken;
    private string? _campaignId;
    private long _baselineShares;
    private long _lastShares;
    private long _wentBackwards;
    private volatile bool _closing;

    public override string Name => CommandName;

    protected override object Parameters => new CampaignParameters(
        settings.Creators, settings.PostsPerCreator, settings.Fans, RateParameter, DurationParameter, WarmupParameter, Run.Step is not null);

    protected override IReadOnlyDictionary<string, int> ExpectedConnections =>
        new Dictionary<string, int> { ["brand"] = 1, ["fans"] = settings.Fans };

    public static Command CreateCommand(CommonOptions common) => ScenarioCommand.Create(
        common,
        CommandName,
        "A brand watches its campaign while fans share its posts: reaction acks, how fast the brand's snapshot follows, "
        + "and whether stored counts equal acknowledged reactions.",
        new CampaignSettings.Options(),
        new RunSettings.Options(rate: 100, duration: 20, "Reactions (shares) per second, all fans together"),
        (settings, ctx, run) => new CampaignScenario(settings, ctx, run));

    protected override IReadOnlyDictionary<string, int> ConnectedCounts() => new Dictionary<string, int>
    {
        ["brand"] = _brand?.State == HubConnectionState.Connected ? 1 : 0,
        ["fans"] = _fans.Count(f => f.State == HubConnectionState.Connected),
    };

    protected override async Task<StreamWrite> SetUpAsync(CommunityApi api, StreamLoad load, string runId, CancellationToken cancellationToken)
    {
        if (Context.System == SystemKind.SocketIo)
        {
            throw new NotSupportedException($"{Name} runs against Community or the bare SignalR peer; the Socket.IO peer relays only the live room.");
        }

        var brand = RunIds.Handle(runId, "brand", 0);
        _brandToken = await api.IssueDevTokenAsync(brand, cancellationToken);
        var creators = Enumerable.Range(0, settings.Creators).Select(i => RunIds.Handle(runId, "cr", i)).ToArray();
        var creatorTokens = new string[creators.Length];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, creators.Length),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                creatorTokens[i] = await api.IssueDevTokenAsync(creators[i], ct);
                await api.CreateCreatorAsync(creators[i], creatorTokens[i], ct);
            });
        var campaign = await api.CreateCampaignAsync(_brandToken, $"Load test campaign of run {runId}", creators, cancellationToken);
        _campaignId = campaign.CampaignId;

        var posts = new string[creators.Length * settings.PostsPerCreator];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, posts.Length),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var c = i % creators.Length;
                posts[i] = (await api.PublishCampaignPostAsync(creators[c], creatorTokens[c], $"Campaign post {i} of run {runId}", _campaignId, ct)).PostId;
            });

        _brand = HubConnections.Create(Context.Url, _brandToken);
        _brand.On<CampaignSnapshot>(HubNames.CampaignUpdated, OnCampaignUpdated);
        _brand.Closed += ex =>
        {
            if (!_closing)
            {
                load.Errors.Add("brand connection closed", ex?.Message ?? "closed by the server without an error");
            }

            return Task.CompletedTask;
        };
        await _brand.StartAsync(cancellationToken);
        var first = await _brand.InvokeAsync<CampaignSnapshot>(HubNames.WatchCampaign, _campaignId, cancellationToken);
        _baselineShares = _lastShares = first.Totals.Shares;

        var fanTokens = await api.IssueTokensAsync(runId, "f", settings.Fans, cancellationToken);
        await Parallel.ForEachAsync(
            fanTokens,
            new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = cancellationToken },
            async (token, ct) =>
            {
                var connection = HubConnections.Create(Context.Url, token);
                connection.Closed += ex =>
                {
                    if (!_closing)
                    {
                        load.Errors.Add("fan connection closed", ex?.Message ?? "closed by the server without an error");
                    }

                    return Task.CompletedTask;
                };
                _fans.Add(connection);
                await connection.StartAsync(ct);
            });

        var fans = _fans.ToArray();
        return async (n, clientId, text, ct) =>
        {
            var postId = posts[n % posts.Length];
            var counters = await fans[n % fans.Length].InvokeAsync<PostCounters>(HubNames.React, postId, "share", ct);
            _ackTimestamps.Enqueue(Stopwatch.GetTimestamp());
            _ackedByPost.AddOrUpdate(postId, 1, static (_, c) => c + 1);
            return new StreamAck(counters.PostId, StreamAck.Unordered);
        };
    }

    protected override async Task FinishAsync(CommunityApi api, LoadReport report, CancellationToken cancellationToken)
    {
        var acked = _ackedByPost.Values.Sum();
        // The brand's snapshot follows within about a second: wait (bounded) until it shows every acknowledged share.
        var deadline = Stopwatch.GetTimestamp() + (long)(SettleTimeout.TotalSeconds * Stopwatch.Frequency);
        while (Interlocked.Read(ref _lastShares) - _baselineShares < acked && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(50, cancellationToken);
        }

        long lost = 0, duplicated = 0;
        var readFailures = 0;
        await Parallel.ForEachAsync(
            _ackedByPost,
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (entry, ct) =>
            {
                try
                {
                    var stored = (await api.GetPostCountersAsync(entry.Key, _brandToken!, ct)).Shares;
                    Interlocked.Add(ref lost, Math.Max(0, entry.Value - stored));
                    Interlocked.Add(ref duplicated, Math.Max(0, stored - entry.Value));
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref readFailures);
                }
            });

        long? campaignShares = null;
        try
        {
            campaignShares = (await api.GetCampaignAsync(_campaignId!, _brandToken!, cancellationToken)).Totals.Shares;
        }
        catch (HttpRequestException ex)
        {
            report.Notes.Add($"final read of the campaign failed: {ex.Message}");
        }

        report.Extra = new CampaignFigures(
            acked,
            lost,
            duplicated,
            readFailures,
            campaignShares,
            Interlocked.Read(ref _lastShares) - _baselineShares,
            _snapshots.Count,
            Interlocked.Read(ref _wentBackwards),
            UpdateLatency());
    }

    protected override async Task CloseAllAsync()
    {
        _closing = true;
        var all = _fans.ToList();
        if (_brand is not null)
        {
            all.Add(_brand);
        }

        await Task.WhenAll(all.Select(c => c.DisposeAsync().AsTask()));
    }


    private void OnCampaignUpdated(CampaignSnapshot snapshot)
    {
        var at = Stopwatch.GetTimestamp();
        if (snapshot.CampaignId != _campaignId)
        {
            return;
        }

        _snapshots.Enqueue((at, snapshot.Totals.Shares));
        var previous = Interlocked.Exchange(ref _lastShares, snapshot.Totals.Shares);
        if (snapshot.Totals.Shares < previous)
        {
            Interlocked.Increment(ref _wentBackwards);
        }
    }

    /// <summary>
    /// For the k-th acknowledged share (in ack order), the time until the first snapshot whose total counts at least k
    /// shares: how stale the brand's view is.
    /// </summary>
    private LatencySummary UpdateLatency()
    {
        var acks = _ackTimestamps.Order().ToArray();
        var recorder = new LatencyRecorder();
        long visible = 0;
        foreach (var (at, shares) in _snapshots.OrderBy(s => s.At))
        {
            var total = Math.Min(shares - _baselineShares, acks.Length);
            for (; visible < total; visible++)
            {
                recorder.Record(Math.Min(acks[visible], at), at, measured: true);
            }
        }

        return recorder.Summarize();
    }
}

/// <summary>
/// The campaign's consistency at the end: acknowledged shares against the posts' stored counts (lost = shortfall,
/// duplicated = excess, summed over posts), the campaign's total by GET and in the brand's last snapshot, snapshots
/// whose total went backwards, and the latency from a share's ack to the first snapshot that counts it.
/// </summary>
public sealed record CampaignFigures(
    long AckedShares,
    long Lost,
    long Duplicated,
    int PostReadFailures,
    long? CampaignTotalShares,
    long LastSnapshotShares,
    int Snapshots,
    long SnapshotsGoingBackwards,
    LatencySummary UpdateLatencyMs) : IExtraFigures
{
    public bool Clean => Lost == 0 && Duplicated == 0 && PostReadFailures == 0 && SnapshotsGoingBackwards == 0
        && (CampaignTotalShares is null || CampaignTotalShares == AckedShares) && LastSnapshotShares == AckedShares;

    public void WriteSummary(TextWriter writer)
    {
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  campaign: {AckedShares} shares acknowledged; posts' stored counts: lost {Lost}, duplicated {Duplicated} ({PostReadFailures} reads failed); campaign total {CampaignTotalShares?.ToString(CultureInfo.InvariantCulture) ?? "unread"}, brand's last snapshot {LastSnapshotShares}"));
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  brand: {Snapshots} CampaignUpdated, {SnapshotsGoingBackwards} going backwards; ack → visible in a snapshot ms {UpdateLatencyMs.Describe()}"));
    }
}

public sealed record CampaignParameters(int Creators, int PostsPerCreator, int Fans, double? Rate, double DurationSeconds, double WarmupSeconds, bool Step);

/// <summary>The knobs of <see cref="CampaignScenario"/> beyond rate and timing.</summary>
public sealed record CampaignSettings(int Creators, int PostsPerCreator, int Fans)
{
    public sealed class Options : IScenarioOptions<CampaignSettings>
    {
        public Option<int> Creators { get; } = OptionFactory.Count("--creators", 5, "Creators in the campaign", max: 200);

        public Option<int> PostsPerCreator { get; } = OptionFactory.Count("--posts-per-creator", 10, "Campaign posts each creator publishes", max: 400);

        public Option<int> Fans { get; } = OptionFactory.Count("--fans", 20, "Connections that react, each a distinct user");

        public void AddTo(Command command)
        {
            command.Options.Add(Creators);
            command.Options.Add(PostsPerCreator);
            command.Options.Add(Fans);
        }

        public CampaignSettings Read(ParseResult parse) =>
            new(parse.GetRequiredValue(Creators), parse.GetRequiredValue(PostsPerCreator), parse.GetRequiredValue(Fans));
    }
}
