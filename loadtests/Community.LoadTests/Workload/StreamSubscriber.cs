using Community.LoadTests.Metrics;

namespace Community.LoadTests.Workload;

/// <summary>
/// One receiving connection (a viewer, a post watcher, a conversation participant), whatever its transport: it
/// accounts every item it receives by stream and seq (one <see cref="SequenceTracker"/> per stream it expects) and
/// reports first deliveries to the run's <see cref="DeliveryMeter"/>. The transport calls <see cref="OnItem"/> from its
/// event handler and <see cref="OnClosed"/> when the connection drops. Thread-safe.
/// </summary>
public sealed class StreamSubscriber
{
    private readonly string _role;
    private readonly DeliveryMeter _meter;
    private readonly ErrorCounter _errors;
    private readonly Dictionary<string, SequenceTracker> _trackers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SequenceTracker>.AlternateLookup<ReadOnlySpan<char>> _trackersBySpan;
    private readonly Lock _lock = new();
    private volatile bool _closing;
    private volatile bool _disconnected;

    public StreamSubscriber(string role, DeliveryMeter meter, ErrorCounter errors)
    {
        _role = role;
        _meter = meter;
        _errors = errors;
        _trackersBySpan = _trackers.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Whether the connection dropped before the run ended.</summary>
    public bool Disconnected => _disconnected;

    /// <summary>The streams this subscriber expects items of.</summary>
    public IReadOnlyList<string> Streams
    {
        get
        {
            lock (_lock)
            {
                return [.. _trackers.Keys];
            }
        }
    }

    /// <summary>
    /// From now on this subscriber expects every item of <paramref name="streamId"/> after
    /// <paramref name="caughtUpThrough"/> (what its subscribe answer covered).
    /// </summary>
    public void Expect(string streamId, long caughtUpThrough)
    {
        lock (_lock)
        {
            if (!_trackers.TryGetValue(streamId, out var tracker))
            {
                _trackers[streamId] = tracker = new SequenceTracker();
            }

            tracker.CaughtUpThrough(caughtUpThrough);
        }
    }

    /// <summary>An item arrived. Items of streams it does not expect (yet) are ignored.</summary>
    public void OnItem(string streamId, long seq, string? text, long receivedTimestamp) =>
        OnItem(streamId.AsSpan(), seq, new ItemStamp(text), receivedTimestamp);

    /// <summary>
    /// An item arrived, its stream id as characters and its stamp already parsed: the raw receiver's path, which looks
    /// the stream up without making a string of its id.
    /// </summary>
    public void OnItem(ReadOnlySpan<char> streamId, long seq, in ItemStamp stamp, long receivedTimestamp)
    {
        SequenceObservation observation;
        lock (_lock)
        {
            if (!_trackersBySpan.TryGetValue(streamId, out var tracker))
            {
                return;
            }

            observation = tracker.Observe(seq);
        }

        switch (observation)
        {
            case SequenceObservation.InOrder or SequenceObservation.OutOfOrder:
                _meter.RecordFirstDelivery(stamp, receivedTimestamp);
                break;
            case SequenceObservation.Invalid:
                _errors.Add(_role, $"item with invalid seq {seq}");
                break;
        }
    }

    /// <summary>Call before closing the connection on purpose, so the close is not reported as a drop.</summary>
    public void Closing() => _closing = true;

    public void OnClosed(string? reason)
    {
        if (!_closing)
        {
            _disconnected = true;
            _errors.Add($"{_role} connection closed", reason ?? "closed by the server without an error");
        }
    }

    public long HighestSeen(string streamId)
    {
        lock (_lock)
        {
            return _trackers.TryGetValue(streamId, out var tracker) ? tracker.HighestSeen : 0;
        }
    }

    /// <summary>Whether every expected stream is complete through the target seq <paramref name="targetOf"/> gives for it.</summary>
    public bool HasEverythingThrough(Func<string, long> targetOf)
    {
        lock (_lock)
        {
            foreach (var (streamId, tracker) in _trackers)
            {
                if (tracker.ContiguousThrough < targetOf(streamId))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Lost, duplicated and out-of-order deliveries, summed over its streams, given where each stream ends.</summary>
    public SubscriberTally Tally(Func<string, long> expectedLastSeqOf)
    {
        lock (_lock)
        {
            long received = 0, lost = 0, duplicated = 0, outOfOrder = 0;
            IReadOnlyList<long> firstMissing = [];
            foreach (var (streamId, tracker) in _trackers)
            {
                var expected = expectedLastSeqOf(streamId);
                var missing = tracker.CountMissing(expected);
                received += tracker.Received;
                lost += missing;
                duplicated += tracker.Duplicates;
                outOfOrder += tracker.OutOfOrder;
                if (missing > 0 && firstMissing.Count == 0)
                {
                    firstMissing = tracker.MissingSeqs(expected, 5);
                }
            }

            return new SubscriberTally(received, lost, duplicated, outOfOrder, firstMissing, _disconnected);
        }
    }
}

/// <summary>One subscriber's delivery accounting at a point of the run (counts since it subscribed).</summary>
public sealed record SubscriberTally(long Received, long Lost, long Duplicated, long OutOfOrder, IReadOnlyList<long> FirstMissing, bool Disconnected);
