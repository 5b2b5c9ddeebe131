using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Community.Host.Realtime;

/// <summary>
/// Where a host's fan-out runs: one lane per core, each connection on one lane for its life. A lane writes its
/// batches one after another (so each connection gets its events in order) and lanes run side by side, so one busy
/// room's fan-out uses every core, as a hub's concurrent group sends would, and never runs on the grain's call. A batch
/// reaches each connection as one write (<see cref="OutgoingFrames"/>).
/// </summary>
public sealed class DeliveryLanes
{
    private readonly Lane[] _lanes;
    private int _next = -1;

    public DeliveryLanes(RealtimeMetrics metrics, IOptions<RealtimeOptions> options, TimeProvider time)
        : this(Environment.ProcessorCount, options.Value.MinWriteInterval, time, work => Deliver(metrics, work))
    {
    }

    /// <summary>Lanes that hand each (joined) batch to <paramref name="deliver"/>: the host writes it to the connections.</summary>
    public DeliveryLanes(int count, TimeSpan minWriteInterval, TimeProvider time, Action<LaneWork> deliver)
    {
        _lanes = Enumerable.Range(0, count).Select(_ => new Lane(minWriteInterval, time, deliver)).ToArray();
    }

    public int Count => _lanes.Length;

    /// <summary>The lane of a new connection (round robin).</summary>
    public int Assign() => (int)((uint)Interlocked.Increment(ref _next) % (uint)_lanes.Length);

    /// <summary>Queues <paramref name="frames"/> for <paramref name="outboxes"/>, which all live on <paramref name="lane"/>.</summary>
    public void Post(int lane, OutgoingFrames frames, ConnectionOutbox[] outboxes) =>
        _lanes[lane].Post(new LaneWork(frames, outboxes));

    /// <summary>Splits <paramref name="outboxes"/> by lane: entry i holds those on lane i.</summary>
    public ConnectionOutbox[][] ByLane(IEnumerable<ConnectionOutbox> outboxes)
    {
        var byLane = new ConnectionOutbox[_lanes.Length][];
        var lookup = outboxes.ToLookup(o => o.Lane);
        for (var lane = 0; lane < byLane.Length; lane++)
        {
            byLane[lane] = [.. lookup[lane]];
        }

        return byLane;
    }

    /// <summary>The most events one joined frame carries (a chat line is about 300 bytes in JSON).</summary>
    public const int MaxJoinedEvents = 256;

    /// <summary>
    /// Takes from <paramref name="queue"/> the batches right behind <paramref name="first"/> that go to the same
    /// connections, and returns them with it as one batch, in order (at most <see cref="MaxJoinedEvents"/> events): a
    /// connection then pays one write for all of them. Nothing waits for more: only what already queued behind a lane's
    /// writes joins. Only the same subscriber array joins (one topic, no subscriber change in between), so no
    /// connection sees a topic's events out of order; the queue has one reader, the lane.
    /// </summary>
    public static LaneWork JoinQueued(ConcurrentQueue<LaneWork> queue, LaneWork first)
    {
        List<OutgoingFrames>? run = null;
        var events = first.Frames.Count;
        while (queue.TryPeek(out var next) && ReferenceEquals(next.Outboxes, first.Outboxes) && events + next.Frames.Count <= MaxJoinedEvents)
        {
            queue.TryDequeue(out _);
            (run ??= [first.Frames]).Add(next.Frames);
            events += next.Frames.Count;
        }

        return run is null ? first : first with { Frames = OutgoingFrames.Join(run) };
    }

    private static void Deliver(RealtimeMetrics metrics, LaneWork work)
    {
        // Counted once per batch, not per write: this loop is the host's hottest.
        metrics.Delivered(work.Frames.Count * work.Outboxes.Length);
        foreach (var outbox in work.Outboxes)
        {
            outbox.Send(work.Frames);
        }
    }

    /// <summary>A batch for the connections of one lane that follow its topic.</summary>
    public readonly record struct LaneWork(OutgoingFrames Frames, ConnectionOutbox[] Outboxes);

    /// <summary>
    /// One lane: a queue and at most one run at a time. A run starts at once, or, with
    /// <see cref="RealtimeOptions.MinWriteInterval"/>, no sooner than that after the previous run started: batches that
    /// come meanwhile queue and go out joined (<see cref="JoinQueued"/>), so under a busy room each connection gets at
    /// most one write per interval, and a quiet one gets each batch at once.
    /// </summary>
    private sealed class Lane : IThreadPoolWorkItem
    {
        private readonly ConcurrentQueue<LaneWork> _queue = new();
        private readonly Action<LaneWork> _deliver;
        private readonly TimeSpan _minInterval;
        private readonly TimeProvider _time;
        private readonly ITimer? _timer;
        private long _lastRun;
        private int _scheduled;

        public Lane(TimeSpan minInterval, TimeProvider time, Action<LaneWork> deliver)
        {
            _deliver = deliver;
            _minInterval = minInterval;
            _time = time;
            _timer = minInterval > TimeSpan.Zero
                ? time.CreateTimer(static state => ((Lane)state!).Execute(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan)
                : null;
        }

        public void Post(LaneWork work)
        {
            _queue.Enqueue(work);
            if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
            {
                var wait = UntilNextRun();
                if (wait > TimeSpan.Zero)
                {
                    _timer!.Change(wait, Timeout.InfiniteTimeSpan);
                }
                else
                {
                    ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                }
            }
        }

        public void Execute()
        {
            while (true)
            {
                Volatile.Write(ref _lastRun, _time.GetTimestamp());
                while (_queue.TryDequeue(out var work))
                {
                    _deliver(JoinQueued(_queue, work));
                }

                Volatile.Write(ref _scheduled, 0);
                if (_queue.IsEmpty || Interlocked.CompareExchange(ref _scheduled, 1, 0) != 0)
                {
                    return;
                }

                // More came while this run wrote: run again now, or when the interval has passed.
                var wait = UntilNextRun();
                if (wait > TimeSpan.Zero)
                {
                    _timer!.Change(wait, Timeout.InfiniteTimeSpan);
                    return;
                }
            }
        }

        // Zero before the first run, and without an interval.
        private TimeSpan UntilNextRun()
        {
            var lastRun = Volatile.Read(ref _lastRun);
            return _timer is null || lastRun == 0 ? TimeSpan.Zero : _minInterval - _time.GetElapsedTime(lastRun);
        }
    }
}
