using Community.Creators;
using Community.Engagement;
using Community.Grains.Engagement;
using Community.Replies;
using Microsoft.Extensions.Logging;

namespace Community.Grains.Campaigns;

/// <summary>
/// A campaign's live figures per creator: totals and posts from the reports, a decaying heat, and the follower count and
/// responsiveness read from the creator's grains, each refreshed only when stale (a push beat must not cost a call per
/// creator). Used from the campaign grain's context.
/// </summary>
internal sealed partial class CampaignCreators(IGrainFactory grains, TimeProvider time, TimeSpan halfLife, ILogger logger)
{
    private static readonly TimeSpan FollowersMaxAge = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Responsiveness moves slowly (a 7-day window): reading it for every push would cost a call per creator per beat.
    /// A creator's figure is read again after this, or on the next push after their posts report comments or replies.
    /// </summary>
    private static readonly TimeSpan ResponsivenessMaxAge = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, Live> _creators = new(StringComparer.Ordinal);

    public Live this[string handle]
    {
        get
        {
            if (!_creators.TryGetValue(handle, out var live))
            {
                live = new Live(halfLife);
                _creators.Add(handle, live);
            }

            return live;
        }
    }

    /// <summary>Every creator's heat, to store with the roll-up.</summary>
    public Dictionary<string, DecayingSumState> SaveHeat() =>
        _creators.ToDictionary(c => c.Key, c => c.Value.Heat.Save(), StringComparer.Ordinal);

    /// <summary>Reads the follower counts and responsiveness of <paramref name="handles"/> that are stale.</summary>
    public Task RefreshAsync(IReadOnlyCollection<string> handles, string campaignId) =>
        Task.WhenAll(RefreshFollowersAsync(handles), RefreshResponsivenessAsync(handles, campaignId));

    private async Task RefreshFollowersAsync(IReadOnlyCollection<string> handles)
    {
        var now = time.GetUtcNow();
        var stale = handles.Where(h => now - this[h].FollowersAt >= FollowersMaxAge).ToList();
        if (stale.Count == 0)
        {
            return;
        }

        var profiles = await Task.WhenAll(stale.Select(h => grains.GetGrain<ICreatorGrain>(h).GetProfile()));
        for (var i = 0; i < stale.Count; i++)
        {
            this[stale[i]].SetFollowers(profiles[i]?.Followers ?? 0, now);
        }
    }

    private async Task RefreshResponsivenessAsync(IReadOnlyCollection<string> handles, string campaignId)
    {
        var now = time.GetUtcNow();
        var stale = handles.Where(h => now - this[h].ResponsivenessAt >= ResponsivenessMaxAge).ToList();
        if (stale.Count == 0)
        {
            return;
        }

        await Task.WhenAll(stale.Select(async handle =>
        {
            var live = this[handle];
            try
            {
                live.SetResponsiveness(await grains.GetGrain<IReplyQueueGrain>(handle).Responsiveness(), now);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A figure beside the leaderboard must not stop the campaign's push: keep the last one and try again
                // after the max age, not on every push beat.
                live.SetResponsiveness(live.Responsiveness, now);
                LogResponsivenessFailed(logger, ex, handle, campaignId);
            }
        }));
    }

    /// <summary>One creator's live figures in the campaign.</summary>
    public sealed class Live(TimeSpan halfLife)
    {
        public long[] Totals { get; } = new long[EngagementCounts.Count];

        public int Posts { get; set; }

        public DecayingSum Heat { get; } = new(halfLife);

        public long Followers { get; private set; }

        public DateTimeOffset FollowersAt { get; private set; } = DateTimeOffset.MinValue;

        public Responsiveness? Responsiveness { get; private set; }

        public DateTimeOffset ResponsivenessAt { get; private set; } = DateTimeOffset.MinValue;

        /// <summary>One of the creator's posts, as the stored roll-up last counted it.</summary>
        public void Restore(long[] counts)
        {
            Posts++;
            for (var c = 0; c < EngagementCounts.Count; c++)
            {
                Totals[c] += counts[c];
            }
        }

        public void SetFollowers(long followers, DateTimeOffset at)
        {
            Followers = followers;
            FollowersAt = at;
        }

        public void SetResponsiveness(Responsiveness? responsiveness, DateTimeOffset at)
        {
            Responsiveness = responsiveness;
            ResponsivenessAt = at;
        }

        public void ExpireResponsiveness() => ResponsivenessAt = DateTimeOffset.MinValue;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the responsiveness of {Handle} for campaign {CampaignId} failed; the last figure stays for now.")]
    private static partial void LogResponsivenessFailed(ILogger logger, Exception ex, string handle, string campaignId);
}
