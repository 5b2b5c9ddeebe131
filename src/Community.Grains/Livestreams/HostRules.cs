using Community.Campaigns;
using Community.Creators;
using Community.Errors;

namespace Community.Grains.Livestreams;

/// <summary>
/// Who may become a host, where the head alone cannot tell: a room claims a campaign only for a creator of it, and a
/// user banned from the room's chat is neither invited nor accepted as a co-host (a host who may not chat in their
/// own room helps no one; the ban wins until a host lifts it, and a ban revokes a pending invite, see <see cref="LiveHead.Apply"/>).
/// </summary>
internal static class HostRules
{
    /// <summary>404 for no such campaign (a malformed id included), 403 when <paramref name="host"/> is not one of its creators.</summary>
    public static Task RequireCampaignCreatorAsync(IGrainFactory grains, string? campaignId, string host) =>
        campaignId is null ? Task.CompletedTask : grains.GetGrain<ICampaignGrain>(CampaignKey.Require(campaignId)).RequireCreator(host);

    /// <summary>Throws <paramref name="refusal"/> unless <paramref name="handle"/> has a creator profile: only creators host.</summary>
    public static async Task RequireCreatorAsync(IGrainFactory grains, string handle, Func<CommunityException> refusal)
    {
        if (await grains.GetGrain<ICreatorGrain>(handle).GetProfile() is null)
        {
            throw refusal();
        }
    }

    public static void RequireInvitable(LiveUser user, string handle)
    {
        if (user.Banned)
        {
            throw CommunityException.Conflict($"{handle} is banned from this livestream; unban them before inviting them to co-host.");
        }
    }

    public static void RequireMayAccept(LiveUser user)
    {
        if (user.Banned)
        {
            throw CommunityException.Forbidden("You are banned from this livestream; a host must unban you and invite you again before you can co-host.");
        }
    }
}
