namespace Community.LoadTests.Peers.BareSignalR;

/// <summary>
/// What happens to one broadcast: delivered normally, missed by one receiver, delivered twice to one, or held back from
/// one receiver until right after the stream's next broadcast (so it arrives after a later seq: out of order).
/// </summary>
public enum DeliveryFault
{
    None,
    DropForOne,
    DuplicateForOne,
    HoldBackForOne,
}

/// <summary>
/// A hook for tests of the load driver: they replace it with one that drops or duplicates a delivery and check that
/// the driver counts exactly that. The peer itself never injects faults (<see cref="NoFaults"/>).
/// </summary>
public interface IDeliveryFaults
{
    /// <summary>The fault for the broadcast of item <paramref name="seq"/> of stream <paramref name="streamId"/>.</summary>
    DeliveryFault Plan(string streamId, long seq);

    /// <summary>How many times an acknowledged reaction on <paramref name="postId"/> is counted: 1, unless a test says otherwise.</summary>
    int TimesCounted(string postId);
}

/// <summary>A delivery held back from one connection by <see cref="DeliveryFault.HoldBackForOne"/>, per topic, until the topic's next broadcast.</summary>
public sealed class HeldDeliveries
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string ConnectionId, string Method, object Item)> _held = new(StringComparer.Ordinal);

    public void Hold(string topic, string connectionId, string method, object item) => _held[topic] = (connectionId, method, item);

    public bool TryTake(string topic, out (string ConnectionId, string Method, object Item) held) => _held.TryRemove(topic, out held);
}

public sealed class NoFaults : IDeliveryFaults
{
    public DeliveryFault Plan(string streamId, long seq) => DeliveryFault.None;

    public int TimesCounted(string postId) => 1;
}
