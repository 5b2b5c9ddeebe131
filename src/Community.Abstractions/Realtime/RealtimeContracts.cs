namespace Community.Realtime;

/// <summary>
/// One event for the clients of one topic; <see cref="Payload"/> is the event's wire record (<see cref="IClientEvent"/>,
/// which names the <see cref="Method"/>: build one with <see cref="Of{T}"/>).
/// <see cref="Seq"/> is the item's place in the topic's ordered stream (comments of a post, chat of a room),
/// 0 for events outside it (reactions, presence, scores): hosts use it to find and fill gaps. On a user topic, which
/// carries the streams of several conversations, <see cref="Stream"/> names the stream the seq belongs to (the
/// conversation's id); null on a topic that is one stream.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("community.realtime-event")]
public sealed record RealtimeEvent(
    [property: Id(0)] string Topic,
    [property: Id(1)] string Method,
    [property: Id(2)] object? Payload,
    [property: Id(3)] long Seq = 0,
    [property: Id(4)] string? Stream = null)
{
    /// <summary>
    /// Not for clients: a (re-)activated source announces the last seq of its stream, so that a host which missed
    /// items published by the previous activation fetches them even when nothing newer follows.
    /// </summary>
    public const string HeadMethod = "$head";

    /// <summary>The event <typeparamref name="T"/> names, carrying <paramref name="payload"/> as its only argument.</summary>
    public static RealtimeEvent Of<T>(string topic, T payload, long seq = 0, string? stream = null)
        where T : class, IClientEvent => new(topic, T.EventName, payload, seq, stream);

    public static RealtimeEvent Head(string topic, long lastSeq, string? stream = null) => new(topic, HeadMethod, null, lastSeq, stream);

    public bool IsHead => Method == HeadMethod;
}

/// <summary>
/// A host's answer to a batch: the topics it has no subscriber for (so the source stops sending them), stamped
/// with the host's subscription counter when it looked. A source ignores an answer older than the host's last
/// <see cref="IRealtimeSource.Attach"/> of that topic.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("community.relay-receipt")]
public sealed record RelayReceipt(
    [property: Id(0)] long Stamp,
    [property: Id(1)] IReadOnlyList<string> Unwanted)
{
    public static readonly RelayReceipt None = new(0, []);
}

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
    /// <summary>Writes the batch to this host's subscribers; answers which topics of it nobody here wants.</summary>
    Task<RelayReceipt> Deliver(IReadOnlyList<RealtimeEvent> batch);

    /// <summary>The directory tells every host when the set of hosts changes.</summary>
    Task RelaysChanged(RelaySet relays);
}

/// <summary>
/// A grain that publishes a subscribable topic (a post, a livestream, a campaign, a creator's scores).
/// Hosts attach when their first subscriber of a topic arrives and fetch what they missed of its stream.
/// </summary>
public interface IRealtimeSource : IGrain
{
    /// <summary>
    /// Host <paramref name="hostId"/> has subscribers of <paramref name="topic"/> from its subscription counter
    /// <paramref name="stamp"/> on: send it the topic's events. Returns the stream's last seq (0 when unsequenced).
    /// </summary>
    Task<long> Attach(string topic, string hostId, long stamp);

    /// <summary>The stream's stored items with seq in (<paramref name="afterSeq"/>, <paramref name="toSeq"/>], as the events that published them.</summary>
    Task<IReadOnlyList<RealtimeEvent>> Replay(string topic, long afterSeq, long toSeq);
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
