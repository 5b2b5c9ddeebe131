using Community.Campaigns;
using Community.Engagement;
using Community.Host.Hosting;
using Community.Identity;
using Community.Realtime;

namespace Community.Host.Hubs;

public sealed partial class CommunityHub
{
    /// <summary>Returns the creator's engagement, then sends <c>EngagementUpdated</c> while it changes.</summary>
    [HubRead]
    public async Task<EngagementScores> WatchCreator(string handle)
    {
        var creator = grains.GetGrain<ICreatorEngagementGrain>(Handle.Require(handle));
        // Join first, then read: an update racing the read arrives after it, never falls between.
        await relay.SubscribeAsync(Context.ConnectionId, Topics.Creator(handle));
        try
        {
            return await creator.Get();
        }
        catch
        {
            relay.Unsubscribe(Context.ConnectionId, Topics.Creator(handle));
            throw;
        }
    }

    [HubRead]
    public void UnwatchCreator(string handle) =>
        relay.Unsubscribe(Context.ConnectionId, Topics.Creator(Handle.Require(handle)));

    /// <summary>Owner and members only: returns the campaign's snapshot, then sends <c>CampaignUpdated</c> while it changes.</summary>
    [HubRead]
    public async Task<CampaignSnapshot> WatchCampaign(string campaignId)
    {
        var campaign = grains.GetGrain<ICampaignGrain>(CampaignKey.Require(campaignId));
        // Authorize before joining, so that no update ever reaches someone who may not see the campaign.
        await campaign.Get(Me);
        await relay.SubscribeAsync(Context.ConnectionId, Topics.Campaign(campaignId));
        return await campaign.Get(Me);
    }

    [HubRead]
    public void UnwatchCampaign(string campaignId) =>
        relay.Unsubscribe(Context.ConnectionId, Topics.Campaign(CampaignKey.Require(campaignId)));
}
