using System.Diagnostics.Metrics;

namespace Community.Host.Realtime;

/// <summary>Meter <c>Community.Realtime</c>: what this host's relay delivers, and the connections it had to close.</summary>
public sealed class RealtimeMetrics : IDisposable
{
    public const string MeterName = "Community.Realtime";

    private readonly Meter _meter;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _events;
    private readonly Counter<long> _slowConsumerCloses;
    private readonly Counter<long> _gapItems;

    public RealtimeMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _deliveries = _meter.CreateCounter<long>("community.realtime.deliveries", description: "Events handed to a connection of this host (its outbox writes them in order).");
        _events = _meter.CreateCounter<long>("community.realtime.events", description: "Events this host's relay received from grains.");
        _slowConsumerCloses = _meter.CreateCounter<long>("community.realtime.slow_consumer_closes", description: "Connections closed because they fell behind their events.");
        _gapItems = _meter.CreateCounter<long>("community.realtime.gap_items", description: "Stream items this host fetched from a source because their event never arrived.");
    }

    private long _slowConsumerCloseCount;

    public long SlowConsumerCloses => Interlocked.Read(ref _slowConsumerCloseCount);

    public void Delivered(long events) => _deliveries.Add(events);

    public void Received(int events) => _events.Add(events);

    public void SlowConsumerClosed()
    {
        Interlocked.Increment(ref _slowConsumerCloseCount);
        _slowConsumerCloses.Add(1);
    }

    public void GapFilled(int items) => _gapItems.Add(items);

    /// <summary>Connections and their waiting bytes, read when a listener collects.</summary>
    public void Observe(Func<int> connections, Func<long> pendingBytes)
    {
        _meter.CreateObservableGauge("community.realtime.connections", connections, description: "Hub connections on this host.");
        _meter.CreateObservableGauge("community.realtime.pending_bytes", pendingBytes, unit: "By", description: "Bytes of events waiting for slow connections of this host.");
    }

    public void Dispose() => _meter.Dispose();
}
