using Community.Realtime;
using Microsoft.Extensions.Logging;

namespace Community.Grains.Realtime;

/// <summary>
/// Sends a grain's events to every host's relay. Per host, one call is in flight at a time and the events
/// that arrive meanwhile travel together in the next call: a busy grain costs one call per batch per host,
/// never one per viewer, and each host receives the events in the order they were published.
/// Must be used from the owning grain's context (its pumps run on the grain's scheduler).
/// </summary>
public sealed partial class RealtimeFanout(RelayRegistry registry, ILogger logger)
{
    // A host that stops answering must not make the grain hoard events without bound.
    private const int MaxQueuedPerHost = 10_000;
    private const int MaxBatch = 256;

    private readonly Dictionary<string, HostQueue> _queues = new(StringComparer.Ordinal);

    public void Publish(RealtimeEvent evt)
    {
        foreach (var entry in registry.Current.Relays)
        {
            if (!_queues.TryGetValue(entry.HostId, out var queue))
            {
                queue = new HostQueue();
                _queues.Add(entry.HostId, queue);
            }

            if (queue.Pending.Count >= MaxQueuedPerHost)
            {
                queue.Pending.RemoveAt(0);
                LogDropped(logger, entry.HostId);
            }

            queue.Pending.Add(evt);
            if (!queue.Sending)
            {
                queue.Sending = true;
                _ = PumpAsync(entry, queue);
            }
        }
    }

    public void Publish(string topic, string method, object payload) => Publish(new RealtimeEvent(topic, method, payload));

    private async Task PumpAsync(RelayEntry entry, HostQueue queue)
    {
        try
        {
            while (queue.Pending.Count > 0)
            {
                List<RealtimeEvent> batch;
                if (queue.Pending.Count <= MaxBatch)
                {
                    batch = queue.Pending;
                    queue.Pending = [];
                }
                else
                {
                    batch = queue.Pending.GetRange(0, MaxBatch);
                    queue.Pending.RemoveRange(0, MaxBatch);
                }

                try
                {
                    await entry.Relay.Deliver(batch);
                }
                catch (Exception ex)
                {
                    // At most once, like Orleans messaging: clients notice the seq gap and page it in.
                    LogDeliveryFailed(logger, ex, entry.HostId, batch.Count);
                    if (!registry.Current.Relays.Any(r => r.HostId == entry.HostId))
                    {
                        queue.Pending.Clear();
                    }
                }
            }
        }
        finally
        {
            queue.Sending = false;
        }
    }

    private sealed class HostQueue
    {
        public List<RealtimeEvent> Pending { get; set; } = [];

        public bool Sending { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Realtime delivery to host {HostId} failed; {Count} events dropped.")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception ex, string hostId, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Realtime queue for host {HostId} is full; dropped the oldest event.")]
    private static partial void LogDropped(ILogger logger, string hostId);
}
