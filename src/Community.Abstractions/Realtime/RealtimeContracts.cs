namespace Community.Realtime;

/// <summary>One event for the clients of one topic; <see cref="Payload"/> is any serializable wire record.</summary>
[GenerateSerializer, Immutable]
[Alias("community.realtime-event")]
public sealed record RealtimeEvent(
    [property: Id(0)] string Topic,
    [property: Id(1)] string Method,
    [property: Id(2)] object Payload);

/// <summary>A host's relay as the directory knows it.</summary>
[GenerateSerializer, Immutable]
[Alias("community.relay-entry")]
public sealed record RelayEntry(
    [property: Id(0)] string HostId,
    [property: Id(1)] SiloAddress Silo,
    [property: Id(2)] IRealtimeRelay Relay);

/// <summary>Every host's relay, with a version that grows on each change.</summary>
[GenerateSerializer, Immutable]
[Alias("community.relay-set")]
public sealed record RelaySet(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<RelayEntry> Relays)
{
    public static readonly RelaySet Empty = new(0, []);
}

/// <summary>
/// The per-host bridge from grains to SignalR: each host registers one with the directory, and
/// grains send it batches of events for the clients connected to that host.
/// </summary>
public interface IRealtimeRelay : IGrainObserver
{
    Task Deliver(IReadOnlyList<RealtimeEvent> batch);

    /// <summary>The directory tells every host when the set of hosts changes.</summary>
    Task RelaysChanged(RelaySet relays);
}

/// <summary>The one directory of host relays (key 0).</summary>
public interface IRelayDirectoryGrain : IGrainWithIntegerKey
{
    Task<RelaySet> Register(RelayEntry entry);

    Task Unregister(string hostId);

    /// <summary>Drops the relays of silos that are no longer active.</summary>
    Task<RelaySet> Prune(IReadOnlyList<SiloAddress> deadSilos);

    Task<RelaySet> Get();
}
