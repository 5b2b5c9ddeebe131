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
/// <c>post-fanout</c>: one post, many watchers, a few commenters. A creator publishes a post; N watcher connections
/// subscribe to it; K commenter connections (distinct users) comment at a fixed total rate, open loop, for a warm-up
/// and then the measured duration. Measures ack latency (send → <c>Comment()</c> returned), end-to-end delivery
/// latency (send → <c>CommentAdded</c> at each watcher) and checks that every watcher got every seq once, in order.
/// </summary>
public sealed class PostFanoutScenario(PostFanoutSettings settings, DriverContext context) : IScenario
{
    public const string Name = "post-fanout";

    private const int TokenParallelism = 16;
    private const int ConnectParallelism = 32;
    private static readonly TimeSpan HttpTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StartLead = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan FinalReadTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan DeadlineSlack = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(50);

    private readonly ErrorCounter _errors = new();
    private readonly DeliveryMeter _meter = new();
    private readonly LatencyRecorder _ackLatency = new();
    private readonly LatencyRecorder _pacingLag = new();
    private readonly ConcurrentBag<PostWatcher> _watchers = [];
    private readonly ConcurrentBag<HubConnection> _commenters = [];
    private readonly List<Task> _sends = [];
    private long _sent;
    private long _sentMeasured;
    private long _acked;
    private long _ackedInWindow;
    private long _failed;
    private long _unacked;
    private long _maxAckedSeq;
    private TimeSpan? _cpuAtWindowStart;
    private TimeSpan? _cpuAtWindowEnd;
    private long _poolQueueMax;
    private volatile bool _closing;

    public TimeSpan HardDeadline =>
        settings.SetupTimeout + StartLead + settings.Warmup + settings.Duration + settings.Drain + FinalReadTimeout + CloseTimeout + DeadlineSlack;

    public static Command CreateCommand(CommonOptions common)
    {
        var options = new PostFanoutSettings.Options();
        var command = new Command(
            Name,
            "One post, many watchers: K commenters comment at a fixed total rate; N watchers receive every comment. "
            + "Reports ack and delivery latency, throughput, and lost/duplicated/out-of-order deliveries.");
        common.AddTo(command);
        options.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var context = common.Read(parse);
            return ScenarioRunner.RunAsync(new PostFanoutScenario(options.Read(parse), context), context, cancellationToken);
        });
        return command;
    }

    public async Task<IScenarioReport> RunAsync(CancellationToken cancellationToken)
    {
        var report = new PostFanoutReport
        {
            StartedAt = DateTimeOffset.UtcNow,
            Url = context.Url.ToString(),
            RunId = RunIds.New(),
            Parameters = PostFanoutParameters.From(settings),
        };
        long serverLastSeq = -1;
        var closeTimedOut = false;

        using var http = new HttpClient { BaseAddress = context.Url, Timeout = HttpTimeout };
        var api = new CommunityApi(http);
        string? creatorToken = null;
        try
        {
            var setupStarted = Stopwatch.GetTimestamp();
            Console.Error.WriteLine(Invariant(
                $"{Name}: setting up {settings.Watchers} watchers and {settings.Commenters} commenters against {context.Url} (run {report.RunId})..."));
            try
            {
                (report.PostId, creatorToken) = await SetUpAsync(api, report.RunId, cancellationToken);
            }
            finally
            {
                report.Setup = new SetupFigures(
                    Math.Round(Stopwatch.GetElapsedTime(setupStarted).TotalSeconds, 2),
                    _watchers.Count(w => w.Subscribed),
                    _commenters.Count(c => c.State == HubConnectionState.Connected));
            }

            Console.Error.WriteLine(Invariant($"{Name}: setup took {report.Setup.Seconds:0.0} s; post {report.PostId}"));

            await RunLoadAsync(report.PostId, report.RunId, cancellationToken);
            report.Completed = true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            report.Failure = "cancelled (Ctrl-C or SIGTERM): the figures cover the run up to then";
        }
        catch (Exception ex)
        {
            report.Failure = $"{ex.GetType().Name}: {ex.Message}";
        }
        finally
        {
            _closing = true;
            if (report.PostId is not null && creatorToken is not null && !cancellationToken.IsCancellationRequested)
            {
                serverLastSeq = await ReadServerLastSeqAsync(api, report.PostId, creatorToken);
            }

            closeTimedOut = !await CloseAllAsync();
        }

        report.FinishedAt = DateTimeOffset.UtcNow;
        Summarize(report, serverLastSeq, closeTimedOut);
        return report;
    }

    private async Task<(string PostId, string CreatorToken)> SetUpAsync(CommunityApi api, string runId, CancellationToken cancellationToken)
    {
        using var setup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        setup.CancelAfter(settings.SetupTimeout);
        try
        {
            var creator = RunIds.Handle(runId, "creator", 0);
            var creatorToken = await api.IssueDevTokenAsync(creator, setup.Token);
            await api.CreateCreatorAsync(creator, creatorToken, setup.Token);
            var postId = await api.PublishPostAsync(creator, creatorToken, $"Load test post of run {runId}", setup.Token);

            var watcherTokens = await IssueTokensAsync(api, runId, "w", settings.Watchers, setup.Token);
            var commenterTokens = await IssueTokensAsync(api, runId, "k", settings.Commenters, setup.Token);

            await Parallel.ForEachAsync(
                watcherTokens,
                new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = setup.Token },
                async (token, ct) =>
                {
                    var watcher = new PostWatcher(HubConnections.Create(context.Url, token), postId, _meter, _errors);
                    _watchers.Add(watcher);
                    await watcher.StartAsync(ct);
                });

            await Parallel.ForEachAsync(
                commenterTokens,
                new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = setup.Token },
                async (token, ct) =>
                {
                    var connection = HubConnections.Create(context.Url, token);
                    connection.Closed += OnCommenterClosed;
                    _commenters.Add(connection);
                    await connection.StartAsync(ct);
                });

            return (postId, creatorToken);
        }
        catch (OperationCanceledException) when (setup.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(Invariant(
                $"setup did not finish within {settings.SetupTimeout.TotalSeconds:0.#} s ({_watchers.Count(w => w.Subscribed)}/{settings.Watchers} watchers and {_commenters.Count(c => c.State == HubConnectionState.Connected)}/{settings.Commenters} commenters connected); raise --setup-timeout or lower --watchers"));
        }
    }

    private static async Task<string[]> IssueTokensAsync(CommunityApi api, string runId, string role, int count, CancellationToken cancellationToken)
    {
        var tokens = new string[count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = TokenParallelism, CancellationToken = cancellationToken },
            async (i, ct) => tokens[i] = await api.IssueDevTokenAsync(RunIds.Handle(runId, role, i), ct));
        return tokens;
    }

    /// <summary>
    /// Sends on the open-loop schedule through the warm-up and the measured window, then drains: waits until every
    /// send is answered and every watcher has every seq, or until the drain period is over.
    /// </summary>
    private async Task RunLoadAsync(string postId, string runId, CancellationToken cancellationToken)
    {
        var warmupSends = (long)Math.Round(settings.Rate * settings.Warmup.TotalSeconds);
        var totalSends = warmupSends + Math.Max(1, (long)Math.Round(settings.Rate * settings.Duration.TotalSeconds));
        var schedule = new OpenLoopSchedule(Stopwatch.GetTimestamp() + ToTicks(StartLead), settings.Rate);
        var window = new MeasureWindow(schedule.DueTimestamp(warmupSends), schedule.DueTimestamp(totalSends));
        var drainDeadline = window.End + ToTicks(settings.Drain);
        _meter.Window = window;

        // An ack still missing at the end of the drain period will not come: stop waiting for it then.
        using var acks = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        acks.CancelAfter(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), drainDeadline));

        await using (new ProgressTicker(new ProgressState(this, window).Line))
        {
            await Task.Factory.StartNew(
                () => SendOnSchedule(schedule, warmupSends, totalSends, postId, runId, acks.Token, cancellationToken),
                cancellationToken,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
            await DrainAsync(drainDeadline, cancellationToken);
        }

        // Whatever is still unanswered now counts as unacknowledged (not as failed when the connections close).
        await acks.CancelAsync();
        await Task.WhenAll(_sends).WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
    }

    /// <summary>The send loop, on a dedicated thread so that sends leave on time even while watchers keep the pool busy.</summary>
    private void SendOnSchedule(
        OpenLoopSchedule schedule, long warmupSends, long totalSends, string postId, string runId, CancellationToken ackDeadline, CancellationToken cancellationToken)
    {
        var commenters = _commenters.ToArray();
        var window = _meter.Window;
        for (long n = 0; n < totalSends; n++)
        {
            schedule.WaitUntilDue(n, cancellationToken);
            var measured = n >= warmupSends;
            if (n == warmupSends)
            {
                _cpuAtWindowStart = Environment.CpuUsage.TotalTime;
            }

            _pacingLag.Record(schedule.DueTimestamp(n), Stopwatch.GetTimestamp(), measured);
            var clientId = string.Create(CultureInfo.InvariantCulture, $"{runId}-{n}");
            _sends.Add(SendAsync(commenters[n % commenters.Length], postId, clientId, measured, window, ackDeadline));
        }

        OpenLoopSchedule.SleepUntil(window.End, cancellationToken);
        _cpuAtWindowEnd = Environment.CpuUsage.TotalTime;
    }

    private async Task SendAsync(HubConnection commenter, string postId, string clientId, bool measured, MeasureWindow window, CancellationToken ackDeadline)
    {
        Interlocked.Increment(ref _sent);
        if (measured)
        {
            Interlocked.Increment(ref _sentMeasured);
        }

        var sentAt = Stopwatch.GetTimestamp();
        try
        {
            var text = CommentStamp.Format(clientId, sentAt, measured);
            var comment = await commenter.InvokeAsync<CommentMessage>(HubNames.Comment, postId, text, null, clientId, ackDeadline);
            var ackedAt = Stopwatch.GetTimestamp();
            _ackLatency.Record(sentAt, ackedAt, measured);
            Interlocked.Increment(ref _acked);
            if (window.Contains(ackedAt))
            {
                Interlocked.Increment(ref _ackedInWindow);
            }

            InterlockedMax(ref _maxAckedSeq, comment.Seq);
        }
        catch (OperationCanceledException) when (ackDeadline.IsCancellationRequested)
        {
            // Recorded at the time it was given up, a lower bound, so a stalled server shows in the percentiles
            // instead of vanishing from them.
            _ackLatency.Record(sentAt, Stopwatch.GetTimestamp(), measured);
            Interlocked.Increment(ref _unacked);
            _errors.Add("comment", "no acknowledgement by the end of the drain period");
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _failed);
            _errors.Add("comment", ex);
        }
    }

    /// <summary>Waits until every watcher has every acknowledged seq, or until the drain deadline.</summary>
    private async Task DrainAsync(long deadline, CancellationToken cancellationToken)
    {
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var target = Math.Max(Interlocked.Read(ref _maxAckedSeq), _watchers.Select(w => w.HighestSeen).DefaultIfEmpty(0).Max());
            var allAnswered = _sends.TrueForAll(s => s.IsCompleted);
            if (allAnswered && _watchers.All(w => w.Disconnected || w.ContiguousThrough >= target))
            {
                return;
            }

            await Task.Delay(DrainPoll, cancellationToken);
        }
    }

    private async Task<long> ReadServerLastSeqAsync(CommunityApi api, string postId, string token)
    {
        using var timeout = new CancellationTokenSource(FinalReadTimeout);
        try
        {
            return await api.GetLastSeqAsync(postId, token, timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            _errors.Add("final read of the post", ex);
            return -1;
        }
    }

    /// <summary>Closes every connection at once; false when that did not finish within the close timeout.</summary>
    private async Task<bool> CloseAllAsync()
    {
        var closing = _watchers.Select(w => w.DisposeAsync().AsTask())
            .Concat(_commenters.Select(c => c.DisposeAsync().AsTask()))
            .ToList();
        try
        {
            await Task.WhenAll(closing).WaitAsync(CloseTimeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void Summarize(PostFanoutReport report, long serverLastSeq, bool closeTimedOut)
    {
        var maxAcked = Interlocked.Read(ref _maxAckedSeq);
        var expectedLastSeq = Math.Max(Math.Max(maxAcked, serverLastSeq), _watchers.Select(w => w.HighestSeen).DefaultIfEmpty(0).Max());
        var tallies = _watchers.Select(w => w.Tally(expectedLastSeq)).ToList();
        // A run cut short is rated over the part of the window it covered.
        var window = _meter.Window;
        var measuredWindow = window == MeasureWindow.NotYet || Stopwatch.GetTimestamp() <= window.Start
            ? default
            : window with { End = Math.Min(window.End, Stopwatch.GetTimestamp()) };

        var offered = measuredWindow.Rate(Interlocked.Read(ref _sentMeasured));
        report.Throughput = new ThroughputFigures(
            offered,
            measuredWindow.Rate(Interlocked.Read(ref _ackedInWindow)),
            measuredWindow.Rate(_meter.DeliveredInWindow),
            offered * _watchers.Count);
        report.Comments = new CommentFigures(
            Interlocked.Read(ref _sent),
            Interlocked.Read(ref _sentMeasured),
            Interlocked.Read(ref _acked),
            Interlocked.Read(ref _failed),
            Interlocked.Read(ref _unacked),
            maxAcked,
            serverLastSeq);
        report.AckLatencyMs = _ackLatency.Summarize();
        report.DeliveryLatencyMs = _meter.Latency.Summarize();
        report.Delivery = new DeliveryFigures(
            expectedLastSeq,
            tallies.Sum(t => t.Received),
            tallies.Sum(t => t.Lost),
            tallies.Sum(t => t.Duplicated),
            tallies.Sum(t => t.OutOfOrder),
            tallies.Count(t => t.Lost > 0),
            tallies.Count(t => t.Disconnected),
            tallies.FirstOrDefault(t => t.Lost > 0)?.FirstMissing ?? []);
        report.Errors = new ErrorFigures(_errors.Total, _errors.ByMessage());
        var cpuCores = _cpuAtWindowStart is { } cpuStart && measuredWindow.Length > TimeSpan.Zero
            ? ((_cpuAtWindowEnd ?? Environment.CpuUsage.TotalTime) - cpuStart) / measuredWindow.Length
            : 0;
        report.Driver = new DriverFigures(
            Environment.ProcessorCount, _pacingLag.Summarize(), Math.Round(cpuCores, 2), Interlocked.Read(ref _poolQueueMax), closeTimedOut);
    }

    private Task OnCommenterClosed(Exception? exception)
    {
        if (!_closing)
        {
            _errors.Add("commenter connection closed", exception?.Message ?? "closed by the server without an error");
        }

        return Task.CompletedTask;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The per-second progress line; called only by the ticker, so it keeps its previous counts unlocked.</summary>
    private sealed class ProgressState(PostFanoutScenario scenario, MeasureWindow window)
    {
        private long _lastDelivered;
        private long _lastTimestamp = Stopwatch.GetTimestamp();

        public string Line(TimeSpan elapsed)
        {
            var now = Stopwatch.GetTimestamp();
            var delivered = scenario._meter.Delivered;
            var perSecond = (delivered - _lastDelivered) / Math.Max(1e-3, Stopwatch.GetElapsedTime(_lastTimestamp, now).TotalSeconds);
            _lastDelivered = delivered;
            _lastTimestamp = now;

            var phase = now < window.Start ? "warm-up" : now < window.End ? "measure" : "drain";
            var sent = Interlocked.Read(ref scenario._sent);
            var acked = Interlocked.Read(ref scenario._acked);
            var answered = acked + Interlocked.Read(ref scenario._failed) + Interlocked.Read(ref scenario._unacked);
            var ack = scenario._ackLatency.TakeInterval();
            var delivery = scenario._meter.Latency.TakeInterval();
            var poolQueue = ThreadPool.PendingWorkItemCount;
            InterlockedMax(ref scenario._poolQueueMax, poolQueue);
            return Invariant(
                $"[{elapsed.TotalSeconds,5:0}s {phase,-7}] sent {sent,7}  acked {acked,7}  in flight {sent - answered,5}  errors {scenario._errors.Total,5}  delivered/s {perSecond,9:0}  p99 ack {P99(ack)} ms  delivery {P99(delivery)} ms  pool queue {poolQueue}");
        }

        private static string P99(LatencySummary interval) =>
            interval.Count == 0 ? "       -" : interval.P99Ms.ToString("0.0", CultureInfo.InvariantCulture).PadLeft(8);
    }
}
