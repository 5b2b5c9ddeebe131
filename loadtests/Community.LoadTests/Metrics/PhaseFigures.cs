namespace Community.LoadTests.Metrics;

/// <summary>
/// The figures of one load phase: a whole run, or one step of a step run. Rates are over the phase's measured window;
/// integrity counts (lost, duplicated, out of order) are what this phase added.
/// </summary>
public sealed record PhaseFigures
{
    /// <summary>The rate the phase was asked to offer, writes per second.</summary>
    public required double Rate { get; init; }

    public required bool Completed { get; init; }

    public string? Failure { get; init; }

    public required ThroughputFigures Throughput { get; init; }

    public required SendFigures Sends { get; init; }

    /// <summary>Send → the write's acknowledgement, for writes sent in the measured window.</summary>
    public required LatencySummary AckLatencyMs { get; init; }

    /// <summary>Send → first delivery to a receiver, one sample per receiver and item sent in the measured window.</summary>
    public required LatencySummary DeliveryLatencyMs { get; init; }

    public required DeliveryFigures Delivery { get; init; }

    public required ErrorFigures Errors { get; init; }

    public required DriverFigures Driver { get; init; }

    /// <summary>The server process over the measured window; null when the driver does not know its pid.</summary>
    public ServerFigures? Server { get; init; }

    /// <summary>Storage requests in the measured window (Azurite started by the driver only); null otherwise.</summary>
    public StorageFigures? Storage { get; init; }

    /// <summary>Completed, nothing lost, duplicated or reordered, and no error of any kind.</summary>
    public bool Clean =>
        Completed && Delivery.Lost == 0 && Delivery.Duplicated == 0 && Delivery.OutOfOrder == 0 && Errors.Total == 0;
}

/// <summary>
/// Rates over the measured window: writes due in it (offered), acknowledged in it, and first deliveries received in it;
/// expected deliveries = offered × the mean number of receivers of a stream.
/// </summary>
public sealed record ThroughputFigures(
    double OfferedPerSecond,
    double AckedPerSecond,
    double DeliveriesPerSecond,
    double ExpectedDeliveriesPerSecond);

/// <summary>
/// Counts over the whole phase (warm-up included) except <see cref="SentMeasured"/>. <see cref="Unacked"/>: no answer
/// by the end of the drain period.
/// </summary>
public sealed record SendFigures(long Sent, long SentMeasured, long Acked, long Failed, long Unacked);

/// <summary>
/// Sums over all receivers. A receiver should get every seq of each stream it subscribed to, through the stream's end
/// (the highest seq acknowledged or seen by any receiver), exactly once and in order.
/// </summary>
public sealed record DeliveryFigures(
    long Delivered,
    long Lost,
    long Duplicated,
    long OutOfOrder,
    int ReceiversWithLoss,
    int ReceiversDisconnected,
    IReadOnlyList<long> FirstMissing);

public sealed record ErrorFigures(long Total, IReadOnlyDictionary<string, long> ByMessage)
{
    public static readonly ErrorFigures None = new(0, new Dictionary<string, long>());
}

/// <summary>
/// How well the driver kept up: how late sends went out against the schedule, its CPU use in the window (its own
/// process, sends and receives together) and per delivery received in the window, and the longest thread-pool queue seen
/// at a progress tick (thousands mean the driver, not the server, was behind).
/// </summary>
public sealed record DriverFigures(
    int ProcessorCount,
    LatencySummary PacingLagMs,
    double CpuCoresUsed,
    long ThreadPoolQueueMax,
    bool CloseTimedOut,
    double? CpuMicrosPerDelivery = null,
    double? ReceiverBusy = null)
{
    /// <summary>
    /// Below this share of the window the polling receivers' threads (<c>ReceivePoller</c>) were busy, they kept up with
    /// whatever the server sent and still slept between passes: the receiving side had headroom.
    /// </summary>
    public const double ReceiverBusyBound = 0.8;

    /// <summary>
    /// Above this share of one core the driver is taking CPU the server (on the same machine) could have used: the
    /// figures then measure the machine as much as the server. The raw receiver stays well below it at the rates a
    /// 2-core machine sustains; the SignalR .NET client does not.
    /// </summary>
    public const double CoreShareBound = 0.5;
}

/// <summary>The server process during the measured window: CPU in cores (1.0 = one core busy) and resident memory.</summary>
public sealed record ServerFigures(int Pid, double CpuCoresUsed, long ResidentBytesAtStart, long ResidentBytesAtEnd, long ResidentBytesPeak);

/// <summary>CPU per delivery of driver and server at one phase, and what it says about who was the limit.</summary>
public static class CpuVerdict
{
    /// <summary>CPU microseconds per delivery received in the window, from cores used and deliveries per second.</summary>
    public static double? MicrosPerDelivery(double cores, double deliveriesPerSecond) =>
        deliveriesPerSecond > 0 ? Math.Round(cores * 1e6 / deliveriesPerSecond, 2) : null;

    /// <summary>
    /// One line on the driver's cost in <paramref name="phase"/>: cheap enough, or a share of the machine the server
    /// lacked. With polling receivers it also says how busy their threads were: below
    /// <see cref="DriverFigures.ReceiverBusyBound"/> of the window, while spending less CPU per delivery than the server,
    /// the receiving side kept up with everything the server sent and had time to spare, so the server was the limit.
    /// </summary>
    public static string Driver(PhaseFigures phase)
    {
        var driver = phase.Driver;
        var perDelivery = driver.CpuMicrosPerDelivery is { } d ? Invariant($"{d:0.00} µs") : "-";
        var server = phase.Server is { } s ? MicrosPerDelivery(s.CpuCoresUsed, phase.Throughput.DeliveriesPerSecond) : null;
        var serverText = server is { } sv ? Invariant($" (the server {sv:0.00} µs)") : "";
        var busyText = driver.ReceiverBusy is { } b ? Invariant($", its receiving threads busy {b:0%} of the window") : "";
        var head = Invariant($"at {phase.Rate:0.#}/s the driver used {driver.CpuCoresUsed:0.00} cores, {perDelivery} CPU per delivery{serverText}{busyText}");
        var cheaperThanServer = server is { } sp && driver.CpuMicrosPerDelivery < sp;
        if (ReceiversKeptUp(phase) && driver.ReceiverBusy is { } busy)
        {
            return head + Invariant(
                $": SERVER-BOUND: the receivers kept up and slept {1 - busy:0%} of the time, at less CPU per delivery than the server");
        }

        if (driver.CpuCoresUsed <= DriverFigures.CoreShareBound)
        {
            return head + Invariant($": within {DriverFigures.CoreShareBound:0%} of a core, so the server, not the driver, had the rest of the machine");
        }

        return head + (server is not null && !cheaperThanServer
            ? ": DRIVER-BOUND: more than half a core, and more per delivery than the server; the figures measure the driver as much as the server"
            : ": more than half a core taken from the machine the server runs on; read the server's figures as a lower bound");
    }

    /// <summary>
    /// The driver's polling receivers slept part of <paramref name="phase"/>'s window (busy below
    /// <see cref="DriverFigures.ReceiverBusyBound"/>) and the driver spent less CPU per delivery than the server: whatever
    /// limited the phase, it was not the driver's receiving.
    /// </summary>
    public static bool ReceiversKeptUp(PhaseFigures phase) =>
        phase.Driver.ReceiverBusy is { } busy && busy < DriverFigures.ReceiverBusyBound
        && phase.Server is { } s && MicrosPerDelivery(s.CpuCoresUsed, phase.Throughput.DeliveriesPerSecond) is { } server
        && phase.Driver.CpuMicrosPerDelivery < server;

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}

/// <summary>
/// Storage requests (Azurite's access log) in the measured window, and per write acknowledged in it: below 1 means
/// group commit carried several writes per storage call. <see cref="CpuCoresUsed"/>: the emulator's own CPU over the
/// window, a third process on the same cores.
/// </summary>
public sealed record StorageFigures(long Requests, double PerAckedWrite, double? CpuCoresUsed = null);
