using System.Collections.Concurrent;

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

    public DeliveryLanes(RealtimeMetrics metrics)
    {
        _lanes = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new Lane(metrics)).ToArray();
    }

    public int Count => _lanes.Length;

    /// <summary>The lane of a new connection (round robin).</summary>
    public int Assign() => (int)((uint)Interlocked.Increment(ref _next) % (uint)_lanes.Length);

    /// <summary>Queues <paramref name="frames"/> for <paramref name="outboxes"/>, which all live on <paramref name="lane"/>.</summary>
    public void Post(int lane, OutgoingFrames frames, ConnectionOutbox[] outboxes) =>
        _lanes[lane].Post(new Work(frames, outboxes));

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

    private readonly record struct Work(OutgoingFrames Frames, ConnectionOutbox[] Outboxes);

    private sealed class Lane(RealtimeMetrics metrics) : IThreadPoolWorkItem
    {
        private readonly ConcurrentQueue<Work> _queue = new();
        private int _scheduled;

        public void Post(Work work)
        {
            _queue.Enqueue(work);
            if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }

        public void Execute()
        {
            while (true)
            {
                while (_queue.TryDequeue(out var work))
                {
                    // Counted once per batch, not per write: this loop is the host's hottest.
                    metrics.Delivered(work.Frames.Count * work.Outboxes.Length);
                    foreach (var outbox in work.Outboxes)
                    {
                        outbox.Send(work.Frames);
                    }
                }

                Volatile.Write(ref _scheduled, 0);
                if (_queue.IsEmpty || Interlocked.CompareExchange(ref _scheduled, 1, 0) != 0)
                {
                    return;
                }
            }
        }
    }
}
