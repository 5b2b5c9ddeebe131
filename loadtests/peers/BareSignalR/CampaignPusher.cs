using Microsoft.AspNetCore.SignalR;

namespace Community.LoadTests.Peers.BareSignalR;

/// <summary>
/// Sends <c>CampaignUpdated</c> to a campaign's watchers at most once per <see cref="Interval"/> while it changes, as
/// Community throttles its pushes (there about once a second).
/// </summary>
public sealed class CampaignPusher(PeerState state, IHubContext<RelayHub> hub) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, state.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = state.Time.GetUtcNow();
                foreach (var campaign in state.Campaigns.Values)
                {
                    if (campaign.TakeChanged(now) is { } snapshot)
                    {
                        await hub.Clients.Group(Topics.Campaign(campaign.CampaignId)).SendAsync("CampaignUpdated", snapshot, stoppingToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
