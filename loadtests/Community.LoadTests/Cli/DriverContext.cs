using Community.LoadTests.Client;

namespace Community.LoadTests.Cli;

/// <summary>
/// What every scenario gets from the command line: which system it drives and where it is, the server's pid to
/// measure (if known), whether the driver starts the server itself (Community on Azurite rather than in memory), and
/// where results go, and which receiver the hub connections use.
/// </summary>
public sealed record DriverContext(
    Uri Url, DirectoryInfo ResultsDirectory, SystemKind System = SystemKind.Community, int? ServerPid = null, bool Launch = false, bool Azurite = false)
{
    /// <summary>What receives on the hub connections of the stream scenarios (not the Socket.IO peer's, nor campaign's).</summary>
    public ReceiverKind Receiver { get; init; } = ReceiverKind.Raw;

    /// <summary>Storage requests so far (Azurite's access log, when the driver started it); null when unknown.</summary>
    public Func<long>? StorageRequests { get; init; }

    /// <summary>The storage emulator's pid (Azurite, when the driver started it), to report its CPU.</summary>
    public int? StoragePid { get; init; }

    /// <summary>The system's name in reports and file names: community, signalr, socketio.</summary>
    /// <summary>How reports name the system; <c>community-azurite</c> for Community on Azurite in a comparison.</summary>
    public string SystemName => Label ?? Name(System);

    public string? Label { get; init; }

    public static string Name(SystemKind system) => system switch
    {
        SystemKind.SignalR => "signalr",
        SystemKind.SocketIo => "socketio",
        _ => "community",
    };
}
