using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Community.LoadTests.Client.Raw;
using Community.LoadTests.Metrics;

namespace Community.LoadTests.Workload;

/// <summary>The acknowledgement of one write: which ordered stream it went to and the seq the server gave it.</summary>
public readonly record struct StreamAck(string StreamId, long Seq)
{
    /// <summary>The seq of a write that creates no item of an ordered stream (a reaction): nothing to account.</summary>
    public const long Unordered = 0;
}

/// <summary>Writes item <c>n</c> of a phase with the given clientId and stamped text; the scenario picks writer and stream.</summary>
public delegate Task<StreamAck> StreamWrite(long n, string clientId, string text, CancellationToken cancellationToken);

/// <summary>One phase of load: a rate, a warm-up, a measured window and the longest drain after it.</summary>
public sealed record LoadPhase(double Rate, TimeSpan Warmup, TimeSpan Duration, TimeSpan Drain)
{
    public static readonly TimeSpan StartLead = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest a phase can take: start lead, warm-up, window, drain and the final wait for answers.</summary>
    public TimeSpan MaxLength => StartLead + Warmup + Duration + Drain + TimeSpan.FromSeconds(1);
}

/// <summary>
/// The load engine every stream scenario shares (live room, post comments, conversations): writes go out on an
/// open-loop schedule at a fixed total rate, each stamped with its send time; subscribers account every item they
/// receive by stream and seq. A phase ends with a drain that waits until every write is answered and every subscriber
/// has every acknowledged seq of its streams (or until the drain period is over), then reports
/// <see cref="PhaseFigures"/>. Several phases may run over the same connections (a step run); each reports only what
/// it added.
/// </summary>
/// <param name="server">The server process to sample (CPU, memory), if known.</param>
/// <param name="storageRequests">Storage requests so far (from Azurite's access log), if known.</param>
/// <param name="storage">The storage emulator's process (Azurite), to sample its CPU too, if known.</param>
public sealed class StreamLoad(ServerProcess? server, Func<long>? storageRequests = null, ServerProcess? storage = null)
{
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(50);

    private readonly ServerProcess? _server = server;
    private readonly List<StreamSubscriber> _subscribers = [];
    private readonly ConcurrentDictionary<string, long> _maxAckedSeq = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string StreamId, long Seq), string> _seqOwners = new();
    private IntegrityTotals _integrityBefore = IntegrityTotals.Zero;

    public DeliveryMeter Meter { get; } = new();

    public ErrorCounter Errors { get; } = new();

    public IReadOnlyList<StreamSubscriber> Subscribers => _subscribers;

    /// <summary>The highest seq acknowledged on each stream so far.</summary>
    public IReadOnlyDictionary<string, long> MaxAckedSeqs => _maxAckedSeq;

    /// <summary>Adds a subscriber before the first phase (not thread-safe: call from setup, then never again).</summary>
    public StreamSubscriber AddSubscriber(string role)
    {
        var subscriber = new StreamSubscriber(role, Meter, Errors);
        lock (_subscribers)
        {
            _subscribers.Add(subscriber);
        }

        return subscriber;
    }

    /// <summary>Runs one phase and returns its figures; failures of the server are figures, not exceptions.</summary>
    public async Task<PhaseFigures> RunPhaseAsync(LoadPhase plan, StreamWrite write, CancellationToken cancellationToken)
    {
        var warmupSends = (long)Math.Round(plan.Rate * plan.Warmup.TotalSeconds);
        var totalSends = warmupSends + Math.Max(1, (long)Math.Round(plan.Rate * plan.Duration.TotalSeconds));
        var schedule = new OpenLoopSchedule(Stopwatch.GetTimestamp() + ToTicks(LoadPhase.StartLead), plan.Rate);
        var window = new MeasureWindow(schedule.DueTimestamp(warmupSends), schedule.DueTimestamp(totalSends));
        var drainDeadline = window.End + ToTicks(plan.Drain);
        var phase = new PhaseState(plan, window);
        Meter.BeginPhase(window);
        var errorsBefore = Errors.ByMessage();

        string? failure = null;
        // An ack still missing at the end of the drain period will not come: stop waiting for it then.
        using var acks = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        acks.CancelAfter(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), drainDeadline));
        try
        {
            await using (new ProgressTicker(new ProgressLine(this, phase).Line))
            {
                await Task.Factory.StartNew(
                    () => SendOnSchedule(phase, schedule, warmupSends, totalSends, write, acks.Token, cancellationToken),
                    cancellationToken,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default);
                await DrainAsync(phase, drainDeadline, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            failure = "cancelled (Ctrl-C or SIGTERM): the figures cover the phase up to then";
        }

        // Whatever is still unanswered now counts as unacknowledged.
        await acks.CancelAsync();
        try
        {
            await Task.WhenAll(phase.Sends).WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        }
        catch (TimeoutException)
        {
            // A transport that ignored the cancellation: count what it never answered as unacknowledged.
            var stuck = phase.Sends.Count(s => !s.IsCompleted);
            Interlocked.Add(ref phase.Unacked, stuck);
            Errors.Add("write", $"{stuck} writes still unanswered after their cancellation");
        }

        return Summarize(phase, failure, errorsBefore);
    }

    /// <summary>The send loop, on a dedicated thread so that sends leave on time even while receivers keep the pool busy.</summary>
    private void SendOnSchedule(
        PhaseState phase, OpenLoopSchedule schedule, long warmupSends, long totalSends, StreamWrite write, CancellationToken ackDeadline, CancellationToken cancellationToken)
    {
        var runTag = RunIds.New();
        for (long n = 0; n < totalSends; n++)
        {
            schedule.WaitUntilDue(n, cancellationToken);
            var measured = n >= warmupSends;
            if (n == warmupSends)
            {
                phase.MarkWindowStart(_server, storageRequests, storage);
            }

            phase.PacingLag.Record(schedule.DueTimestamp(n), Stopwatch.GetTimestamp(), measured);
            var clientId = string.Create(CultureInfo.InvariantCulture, $"{runTag}-{n}");
            phase.Sends.Add(SendAsync(phase, write, n, clientId, measured, ackDeadline));
        }

        OpenLoopSchedule.SleepUntil(phase.Window.End, cancellationToken);
        phase.MarkWindowEnd(_server, storageRequests, storage);
    }

    private async Task SendAsync(PhaseState phase, StreamWrite write, long n, string clientId, bool measured, CancellationToken ackDeadline)
    {
        Interlocked.Increment(ref phase.Sent);
        if (measured)
        {
            Interlocked.Increment(ref phase.SentMeasured);
        }

        var sentAt = Stopwatch.GetTimestamp();
        try
        {
            var ack = await write(n, clientId, SendStamp.Format(clientId, sentAt, measured), ackDeadline);
            var ackedAt = Stopwatch.GetTimestamp();
            phase.AckLatency.Record(sentAt, ackedAt, measured);
            Interlocked.Increment(ref phase.Acked);
            if (phase.Window.Contains(ackedAt))
            {
                Interlocked.Increment(ref phase.AckedInWindow);
            }

            if (ack.Seq == StreamAck.Unordered)
            {
                return;
            }

            _maxAckedSeq.AddOrUpdate(ack.StreamId, ack.Seq, (_, seen) => Math.Max(seen, ack.Seq));
            // Every write has its own clientId, so two writes acknowledged with one seq means the server numbered
            // two items alike (or gave one write's item to another): the receivers' seq accounting cannot see that.
            var owner = _seqOwners.GetOrAdd((ack.StreamId, ack.Seq), clientId);
            if (!string.Equals(owner, clientId, StringComparison.Ordinal))
            {
                Errors.Add("write", $"seq {ack.Seq} of {ack.StreamId} acknowledged for two writes ({owner} and {clientId})");
            }
        }
        catch (OperationCanceledException) when (ackDeadline.IsCancellationRequested)
        {
            // Recorded at the time it was given up, a lower bound, so a stalled server shows in the percentiles
            // instead of vanishing from them.
            phase.AckLatency.Record(sentAt, Stopwatch.GetTimestamp(), measured);
            Interlocked.Increment(ref phase.Unacked);
            Errors.Add("write", "no acknowledgement by the end of the drain period");
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref phase.Failed);
            Errors.Add("write", ex);
        }
    }

    /// <summary>Waits until every write is answered and every subscriber has every acknowledged seq, or until the deadline.</summary>
    private async Task DrainAsync(PhaseState phase, long deadline, CancellationToken cancellationToken)
    {
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (phase.Sends.TrueForAll(s => s.IsCompleted))
            {
                var ends = StreamEnds();
                if (_subscribers.TrueForAll(s => s.Disconnected || s.HasEverythingThrough(id => ends.GetValueOrDefault(id))))
                {
                    return;
                }
            }

            await Task.Delay(DrainPoll, cancellationToken);
        }
    }

    /// <summary>Where each stream ends as far as the driver knows: the highest seq acknowledged or seen by any subscriber.</summary>
    private Dictionary<string, long> StreamEnds()
    {
        var ends = new Dictionary<string, long>(_maxAckedSeq, StringComparer.Ordinal);
        foreach (var subscriber in _subscribers)
        {
            foreach (var stream in subscriber.Streams)
            {
                ends[stream] = Math.Max(ends.GetValueOrDefault(stream), subscriber.HighestSeen(stream));
            }
        }

        return ends;
    }

    private PhaseFigures Summarize(PhaseState phase, string? failure, IReadOnlyDictionary<string, long> errorsBefore)
    {
        var ends = StreamEnds();
        var tallies = _subscribers.Select(s => s.Tally(id => ends.GetValueOrDefault(id))).ToList();
        var integrity = new IntegrityTotals(
            tallies.Sum(t => t.Received), tallies.Sum(t => t.Lost), tallies.Sum(t => t.Duplicated), tallies.Sum(t => t.OutOfOrder));
        var added = integrity - _integrityBefore;
        _integrityBefore = integrity;

        // A phase cut short is rated over the part of the window it covered.
        var now = Stopwatch.GetTimestamp();
        var window = now <= phase.Window.Start ? default : phase.Window with { End = Math.Min(phase.Window.End, now) };
        var offered = window.Rate(Interlocked.Read(ref phase.SentMeasured));
        var subscriptions = _subscribers.Sum(s => s.Streams.Count);
        var meanFanout = ends.Count == 0 ? 0 : subscriptions / (double)ends.Count;
        var cpuCores = phase.DriverCpuAtStart is { } cpuStart && window.Length > TimeSpan.Zero
            ? ((phase.DriverCpuAtEnd ?? Environment.CpuUsage.TotalTime) - cpuStart) / window.Length
            : 0;

        // Busy share of the polling receivers' threads over the window (null when no connection is polled).
        double? receiverBusy = phase.ReceiverBusyAtStart is { } busyStart && window.Length > TimeSpan.Zero && ReceivePoller.InUse
            ? ((phase.ReceiverBusyAtEnd ?? ReceivePoller.BusyTime) - busyStart) / window.Length / ReceivePoller.Count
            : null;

        return new PhaseFigures
        {
            Rate = phase.Plan.Rate,
            Completed = failure is null,
            Failure = failure,
            Throughput = new ThroughputFigures(
                Math.Round(offered, 2),
                Math.Round(window.Rate(Interlocked.Read(ref phase.AckedInWindow)), 2),
                Math.Round(window.Rate(Meter.DeliveredInWindow), 2),
                Math.Round(offered * meanFanout, 2)),
            Sends = new SendFigures(
                Interlocked.Read(ref phase.Sent),
                Interlocked.Read(ref phase.SentMeasured),
                Interlocked.Read(ref phase.Acked),
                Interlocked.Read(ref phase.Failed),
                Interlocked.Read(ref phase.Unacked)),
            AckLatencyMs = phase.AckLatency.Summarize(),
            DeliveryLatencyMs = Meter.Latency.Summarize(),
            Delivery = new DeliveryFigures(
                Math.Max(0, added.Received),
                Math.Max(0, added.Lost),
                Math.Max(0, added.Duplicated),
                Math.Max(0, added.OutOfOrder),
                tallies.Count(t => t.Lost > 0),
                tallies.Count(t => t.Disconnected),
                tallies.FirstOrDefault(t => t.Lost > 0)?.FirstMissing ?? []),
            Errors = Errors.Since(errorsBefore),
            Driver = new DriverFigures(
                Environment.ProcessorCount,
                phase.PacingLag.Summarize(),
                Math.Round(cpuCores, 2),
                Interlocked.Read(ref phase.PoolQueueMax),
                false,
                CpuVerdict.MicrosPerDelivery(cpuCores, window.Rate(Meter.DeliveredInWindow)),
                receiverBusy is { } busy ? Math.Round(busy, 2) : null),
            Server = phase.ServerFigures(_server),
            Storage = phase.StorageFigures(Interlocked.Read(ref phase.AckedInWindow)),
        };
    }

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private readonly record struct IntegrityTotals(long Received, long Lost, long Duplicated, long OutOfOrder)
    {
        public static readonly IntegrityTotals Zero = default;

        public static IntegrityTotals operator -(IntegrityTotals a, IntegrityTotals b) =>
            new(a.Received - b.Received, a.Lost - b.Lost, a.Duplicated - b.Duplicated, a.OutOfOrder - b.OutOfOrder);
    }

    /// <summary>The counters of one phase; sends update them from many threads, so they are fields for Interlocked.</summary>
    private sealed class PhaseState(LoadPhase plan, MeasureWindow window)
    {
        public long Sent;
        public long SentMeasured;
        public long Acked;
        public long AckedInWindow;
        public long Failed;
        public long Unacked;
        public long PoolQueueMax;

        public LoadPhase Plan { get; } = plan;

        public MeasureWindow Window { get; } = window;

        public List<Task> Sends { get; } = [];

        public LatencyRecorder AckLatency { get; } = new();

        public LatencyRecorder PacingLag { get; } = new();

        public TimeSpan? DriverCpuAtStart { get; private set; }

        public TimeSpan? DriverCpuAtEnd { get; private set; }

        public TimeSpan? ReceiverBusyAtStart { get; private set; }

        public TimeSpan? ReceiverBusyAtEnd { get; private set; }

        private ProcessSample? ServerAtStart { get; set; }

        private ProcessSample? ServerAtEnd { get; set; }

        private long ServerPeakBytes { get; set; }

        private long? StorageAtStart { get; set; }

        private long? StorageAtEnd { get; set; }

        private ProcessSample? StorageProcessAtStart { get; set; }

        private ProcessSample? StorageProcessAtEnd { get; set; }

        public void MarkWindowStart(ServerProcess? server, Func<long>? storage, ServerProcess? storageProcess)
        {
            StorageAtStart = storage?.Invoke();
            StorageProcessAtStart = storageProcess?.Read();
            DriverCpuAtStart = Environment.CpuUsage.TotalTime;
            ReceiverBusyAtStart = ReceivePoller.BusyTime;
            ServerAtStart = server?.Read();
            NotePeak(ServerAtStart);
        }

        public void MarkWindowEnd(ServerProcess? server, Func<long>? storage, ServerProcess? storageProcess)
        {
            StorageAtEnd = storage?.Invoke();
            StorageProcessAtEnd = storageProcess?.Read();
            DriverCpuAtEnd = Environment.CpuUsage.TotalTime;
            ReceiverBusyAtEnd = ReceivePoller.BusyTime;
            ServerAtEnd = server?.Read();
            NotePeak(ServerAtEnd);
        }

        /// <summary>Called once a second by the progress line, so the peak is sampled through the window.</summary>
        public void SampleServer(ServerProcess? server)
        {
            if (DriverCpuAtStart is not null && DriverCpuAtEnd is null)
            {
                NotePeak(server?.Read());
            }
        }

        /// <summary>Storage requests made in the window, and per write acknowledged in it (the group-commit factor's inverse).</summary>
        public StorageFigures? StorageFigures(long ackedInWindow) =>
            StorageAtStart is { } start && StorageAtEnd is { } end
                ? new StorageFigures(end - start, ackedInWindow > 0 ? Math.Round((end - start) / (double)ackedInWindow, 3) : 0, StorageCores())
                : null;

        private double? StorageCores()
        {
            if (StorageProcessAtStart is not { } a || StorageProcessAtEnd is not { } b)
            {
                return null;
            }

            var seconds = Stopwatch.GetElapsedTime(a.Timestamp, b.Timestamp).TotalSeconds;
            return seconds > 0 ? Math.Round((b.CpuTime - a.CpuTime).TotalSeconds / seconds, 2) : null;
        }

        public ServerFigures? ServerFigures(ServerProcess? server)
        {
            if (server is null || ServerAtStart is not { } start)
            {
                return null;
            }

            // A phase cut short has no end sample: take one now.
            var end = ServerAtEnd ?? server.Read() ?? start;
            var seconds = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds;
            var cores = seconds > 0 ? (end.CpuTime - start.CpuTime).TotalSeconds / seconds : 0;
            return new ServerFigures(server.Pid, Math.Round(cores, 2), start.ResidentBytes, end.ResidentBytes, Math.Max(ServerPeakBytes, end.ResidentBytes));
        }

        private void NotePeak(ProcessSample? sample)
        {
            if (sample is { } s && s.ResidentBytes > ServerPeakBytes)
            {
                ServerPeakBytes = s.ResidentBytes;
            }
        }
    }

    /// <summary>The per-second progress line; called only by the ticker, so it keeps its previous counts unlocked.</summary>
    private sealed class ProgressLine(StreamLoad load, PhaseState phase)
    {
        private long _lastDelivered;
        private long _lastTimestamp = Stopwatch.GetTimestamp();

        public string Line(TimeSpan elapsed)
        {
            var now = Stopwatch.GetTimestamp();
            var delivered = load.Meter.Delivered;
            var perSecond = (delivered - _lastDelivered) / Math.Max(1e-3, Stopwatch.GetElapsedTime(_lastTimestamp, now).TotalSeconds);
            _lastDelivered = delivered;
            _lastTimestamp = now;

            var stage = now < phase.Window.Start ? "warm-up" : now < phase.Window.End ? "measure" : "drain";
            var sent = Interlocked.Read(ref phase.Sent);
            var acked = Interlocked.Read(ref phase.Acked);
            var answered = acked + Interlocked.Read(ref phase.Failed) + Interlocked.Read(ref phase.Unacked);
            var ack = phase.AckLatency.TakeInterval();
            var delivery = load.Meter.Latency.TakeInterval();
            var poolQueue = ThreadPool.PendingWorkItemCount;
            if (poolQueue > Interlocked.Read(ref phase.PoolQueueMax))
            {
                Interlocked.Exchange(ref phase.PoolQueueMax, poolQueue);
            }

            phase.SampleServer(load._server);
            return string.Create(
                CultureInfo.InvariantCulture,
                $"[{elapsed.TotalSeconds,5:0}s {stage,-7} {phase.Plan.Rate,7:0.#}/s] sent {sent,7}  acked {acked,7}  in flight {sent - answered,5}  errors {load.Errors.Total,5}  delivered/s {perSecond,9:0}  p99 ack {P99(ack)} ms  delivery {P99(delivery)} ms  pool queue {poolQueue}");
        }

        private static string P99(LatencySummary interval) =>
            interval.Count == 0 ? "       -" : interval.P99Ms.ToString("0.0", CultureInfo.InvariantCulture).PadLeft(8);
    }
}
