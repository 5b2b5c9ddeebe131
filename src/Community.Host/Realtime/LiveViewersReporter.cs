using Community.Grains.Livestreams;
using Community.Livestreams;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Community.Host.Realtime;

/// <summary>
/// Sends each room this host serves its viewer counts: one call per room per interval, whatever the number of
/// connections, so presence costs a big room's grain a few calls a second. Reports must keep coming or the
/// grain stops counting this host's viewers; on a clean stop the host reports its rooms empty on the way out.
/// </summary>
public sealed partial class LiveViewersReporter(
    IGrainFactory grains,
    LocalViewers viewers,
    ILocalSiloDetails silo,
    IOptions<LivestreamOptions> options,
    ILogger<LiveViewersReporter> logger) : BackgroundService
{
    private static readonly TimeSpan GoodbyeTimeout = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var hostId = silo.SiloAddress.ToParsableString();
        using var timer = new PeriodicTimer(options.Value.PresenceReportInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await ReportAsync(hostId, viewers.Collect());
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        try
        {
            await ReportAsync(hostId, viewers.CollectEmpty()).WaitAsync(GoodbyeTimeout);
        }
        catch (TimeoutException ex)
        {
            LogGoodbyeTimedOut(logger, ex);
        }
    }

    private Task ReportAsync(string hostId, IReadOnlyList<RoomViewers> rooms) =>
        Task.WhenAll(rooms.Select(room => ReportRoomAsync(hostId, room)));

    private async Task ReportRoomAsync(string hostId, RoomViewers room)
    {
        try
        {
            await grains.GetGrain<ILivestreamGrain>(room.LiveId).ReportViewers(hostId, room.ByVia);
        }
        catch (Exception ex)
        {
            // The next report (within one interval) carries the counts again; the grain expires them if none arrives.
            LogReportFailed(logger, ex, room.LiveId);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reporting the viewers of livestream {LiveId} failed; the next report retries.")]
    private static partial void LogReportFailed(ILogger logger, Exception ex, string liveId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reporting this host's rooms empty on stop timed out; the rooms expire its viewers instead.")]
    private static partial void LogGoodbyeTimedOut(ILogger logger, Exception ex);
}
