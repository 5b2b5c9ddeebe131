namespace Community.LoadTests.Peers.BareSignalR;

/// <summary>What happens to one broadcast: delivered normally, missed by one receiver, or delivered twice to one.</summary>
public enum DeliveryFault
{
    None,
    DropForOne,
    DuplicateForOne,
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

public sealed class NoFaults : IDeliveryFaults
{
    public DeliveryFault Plan(string streamId, long seq) => DeliveryFault.None;

    public int TimesCounted(string postId) => 1;
}
