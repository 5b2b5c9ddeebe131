using Community.Grains.Runtime;
using Community.Realtime;
using Microsoft.Extensions.Logging;

namespace Community.Grains.Realtime;

/// <summary>
/// Sends a grain's events to the hosts whose clients subscribe to them. Per host, one call is in flight at a
/// time and the events that arrive meanwhile travel together in the next call (a <see cref="Pump{T}"/> per host): a busy grain costs one call per
/// batch per host, never one per viewer, and each host receives the events in the order they were published.
/// A host hears a topic until it answers that nobody there wants it, and again from its next
/// <see cref="Attach"/>; a new activation knows nothing, so it sends every host everything until told otherwise.
/// Must be used from the owning grain's context (its pumps run on the grain's scheduler).
/// </summary>
public sealed partial class RealtimeFanout(RelayRegistry registry, ILogger logger)
{
    // A host that stops answering must not make the grain hoard events without bound.
    private const int MaxQueuedPerHost = 10_000;
    private const int MaxBatch = 256;

    private readonly Dictionary<string, HostQueue> _queues = new(StringComparer.Ordinal);
    private RelaySet _relays = RelaySet.Empty;

    /// <summary>
    /// Sends <paramref name="payload"/> to the hosts that want <paramref name="topic"/>, as the event its type names; <paramref name="seq"/> is
    /// its place in the topic's stream (0 outside one), <paramref name="stream"/> the stream's key on a topic that carries several (see <see cref="RealtimeEvent.Stream"/>).
    /// </summary>
    public void Publish<T>(string topic, T payload, long seq = 0, string? stream = null)
        where T : class, IClientEvent =>
        Publish(RealtimeEvent.Of(topic, payload, seq, stream));

    /// <summary>Tells hosts the stream's last seq, so one that missed the end of it fetches the rest.</summary>
    public void PublishHead(string topic, long lastSeq, string? stream = null)
    {
        if (lastSeq > 0)
        {
            Publish(RealtimeEvent.Head(topic, lastSeq, stream));
        }
    }

    /// <summary>Host <paramref name="hostId"/> has subscribers of <paramref name="topic"/> again (see <see cref="IRealtimeSource.Attach"/>).</summary>
    public void Attach(string topic, string hostId, long stamp)
    {
        var queue = QueueOf(hostId);
        if (!queue.Interest.TryGetValue(topic, out var known) || known.Stamp <= stamp)
        {
            queue.Interest[topic] = new Interest(true, stamp);
        }
    }

    /// <summary><see cref="Attach"/> for a source whose topic has no ordered stream (scores, campaign snapshots).</summary>
    public Task<long> AttachUnsequenced(string topic, string hostId, long stamp)
    {
        Attach(topic, hostId, stamp);
        return Task.FromResult(0L);
    }

    public static Task<IReadOnlyList<RealtimeEvent>> NothingToReplay { get; } = Task.FromResult<IReadOnlyList<RealtimeEvent>>([]);

    private void Publish(RealtimeEvent evt)
    {
        var relays = registry.Current;
        if (!ReferenceEquals(relays, _relays))
        {
            ForgetGoneHosts(relays);
        }

        foreach (var entry in relays.Relays)
        {
            var queue = QueueOf(entry.HostId);
            if (queue.Interest.TryGetValue(evt.Topic, out var interest) && !interest.Wanted)
            {
                continue;
            }

            queue.Relay = entry.Relay;
            if (queue.Pump.Add(evt) > 0)
            {
                // The host relay notices the seq gap this leaves and fetches the items from the stream.
                LogDropped(logger, entry.HostId);
            }
        }
    }

    // A host that left takes its queue and what it knew of its interest along.
    private void ForgetGoneHosts(RelaySet relays)
    {
        _relays = relays;
        foreach (var hostId in _queues.Keys.Where(id => !relays.Relays.Any(r => r.HostId == id)).ToList())
        {
            if (!_queues[hostId].Pump.Busy)
            {
                _queues.Remove(hostId);
            }
        }
    }

    private HostQueue QueueOf(string hostId)
    {
        if (!_queues.TryGetValue(hostId, out var queue))
        {
            queue = new HostQueue(this, hostId);
            _queues.Add(hostId, queue);
        }

        return queue;
    }

    private async Task DeliverAsync(HostQueue queue, List<RealtimeEvent> batch)
    {
        var receipt = await queue.Relay!.Deliver(batch);
        foreach (var topic in receipt.Unwanted)
        {
            if (!queue.Interest.TryGetValue(topic, out var known) || known.Stamp <= receipt.Stamp)
            {
                queue.Interest[topic] = new Interest(false, receipt.Stamp);
            }
        }

        // Events of a topic the host just declined may be queued behind: they would only be declined again.
        if (receipt.Unwanted.Count > 0)
        {
            queue.Pump.RemoveAll(e => queue.Interest.TryGetValue(e.Topic, out var i) && !i.Wanted);
        }
    }

    private void DeliveryFailed(HostQueue queue, Exception ex, List<RealtimeEvent> batch)
    {
        // At most once, like Orleans messaging: the host finds the seq gap at its next item (or the next head) and fetches it.
        LogDeliveryFailed(logger, ex, queue.HostId, batch.Count);
        if (!registry.Current.Relays.Any(r => r.HostId == queue.HostId))
        {
            queue.Pump.Clear();
        }
    }

    private readonly record struct Interest(bool Wanted, long Stamp);

    /// <summary>One host's pump: one call in flight, the events published meanwhile go in the next.</summary>
    private sealed class HostQueue
    {
        public HostQueue(RealtimeFanout fanout, string hostId)
        {
            HostId = hostId;
            Pump = new Pump<RealtimeEvent>(batch => fanout.DeliverAsync(this, batch), budget: MaxBatch, maxQueued: MaxQueuedPerHost, failed: (ex, batch) => fanout.DeliveryFailed(this, ex, batch));
        }

        public string HostId { get; }

        public Pump<RealtimeEvent> Pump { get; }

        public IRealtimeRelay? Relay { get; set; }

        public Dictionary<string, Interest> Interest { get; } = new(StringComparer.Ordinal);
    }

    // Debug: while a dead host is being declared dead every batch to it fails, and the host relays fill what matters.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Realtime delivery to host {HostId} failed; {Count} events dropped.")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception ex, string hostId, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Realtime queue for host {HostId} is full; dropped the oldest event.")]
    private static partial void LogDropped(ILogger logger, string hostId);
}
