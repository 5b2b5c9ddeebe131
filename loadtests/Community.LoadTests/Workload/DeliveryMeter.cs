using Community.LoadTests.Metrics;

namespace Community.LoadTests.Workload;

/// <summary>
/// What every receiver of a run reports into: end-to-end latency (send → received) of first deliveries, and delivery
/// counts in total and inside the measured window of the current phase. Thread-safe; a delivery costs a parse and a few
/// updates of state that only its core touches (<see cref="CoreShards"/>). <see cref="BeginPhase"/> starts fresh figures
/// for the next phase (a step of a step run).
/// </summary>
public sealed class DeliveryMeter
{
    private Phase _phase = new(MeasureWindow.NotYet);

    public LatencyRecorder Latency => _phase.Latency;

    public long Delivered => _phase.Delivered.Sum;

    public long DeliveredInWindow => _phase.DeliveredInWindow.Sum;

    /// <summary>Deliveries whose text carried no driver stamp (someone else wrote to the stream).</summary>
    public long Unstamped => _phase.Unstamped.Sum;

    public MeasureWindow Window => _phase.Window;

    public void BeginPhase(MeasureWindow window) => Volatile.Write(ref _phase, new Phase(window));

    /// <summary>
    /// Records the first delivery of an item to one receiver. Its latency counts toward the phase's figures only when it
    /// was sent inside the phase's measured window, so a straggler of an earlier step cannot pollute a later one.
    /// </summary>
    public void RecordFirstDelivery(string? text, long receivedTimestamp) =>
        RecordFirstDelivery(new ItemStamp(text), receivedTimestamp);

    /// <inheritdoc cref="RecordFirstDelivery(string?, long)"/>
    public void RecordFirstDelivery(in ItemStamp stamp, long receivedTimestamp)
    {
        var phase = Volatile.Read(ref _phase);
        phase.Delivered.Increment();
        if (phase.Window.Contains(receivedTimestamp))
        {
            phase.DeliveredInWindow.Increment();
        }

        if (stamp.Stamped)
        {
            phase.Latency.Record(stamp.SentTimestamp, receivedTimestamp, stamp.Measured && phase.Window.Contains(stamp.SentTimestamp));
        }
        else
        {
            phase.Unstamped.Increment();
        }
    }

    private sealed class Phase(MeasureWindow window)
    {
        public readonly CoreCounter Delivered = new();
        public readonly CoreCounter DeliveredInWindow = new();
        public readonly CoreCounter Unstamped = new();

        public MeasureWindow Window { get; } = window;

        public LatencyRecorder Latency { get; } = new();
    }
}

/// <summary>
/// What an item's text told about its send (<see cref="SendStamp"/>): parsed by whoever received it, from a string (the
/// SignalR and Socket.IO clients) or straight from the wire's UTF-8 bytes (the raw receiver).
/// </summary>
public readonly record struct ItemStamp(bool Stamped, long SentTimestamp, bool Measured)
{
    public static readonly ItemStamp None = default;

    public ItemStamp(string? text)
        : this(SendStamp.TryParse(text, out var sent, out var measured), sent, measured)
    {
    }

    public static ItemStamp FromUtf8(ReadOnlySpan<byte> text) =>
        SendStamp.TryParse(text, out var sent, out var measured) ? new ItemStamp(true, sent, measured) : None;
}
