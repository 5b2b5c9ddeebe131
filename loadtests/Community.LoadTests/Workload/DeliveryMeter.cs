using Community.LoadTests.Metrics;

namespace Community.LoadTests.Workload;

/// <summary>
/// What every watcher of a run reports into: end-to-end latency (send → received) of first deliveries, and delivery
/// counts in total and inside the measured window. Thread-safe; a delivery costs a parse and two or three atomics.
/// </summary>
public sealed class DeliveryMeter
{
    private long _delivered;
    private long _deliveredInWindow;
    private long _unstamped;
    private MeasureWindow _window = MeasureWindow.NotYet;

    public LatencyRecorder Latency { get; } = new();

    public long Delivered => Interlocked.Read(ref _delivered);

    public long DeliveredInWindow => Interlocked.Read(ref _deliveredInWindow);

    /// <summary>Deliveries whose text carried no driver stamp (someone else commented on the post).</summary>
    public long Unstamped => Interlocked.Read(ref _unstamped);

    public MeasureWindow Window
    {
        get => _window;
        set => _window = value;
    }

    /// <summary>Records the first delivery of a comment to one watcher.</summary>
    public void RecordFirstDelivery(string text, long receivedTimestamp)
    {
        Interlocked.Increment(ref _delivered);
        if (_window.Contains(receivedTimestamp))
        {
            Interlocked.Increment(ref _deliveredInWindow);
        }

        if (CommentStamp.TryParse(text, out var sentTimestamp, out var measured))
        {
            Latency.Record(sentTimestamp, receivedTimestamp, measured);
        }
        else
        {
            Interlocked.Increment(ref _unstamped);
        }
    }
}
