using Community.Creators;
using Community.Engagement;
using Community.Grains.Engagement;
using Community.Grains.Storage;
using Community.Posts;
using Community.Realtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Community.Grains.Posts;

/// <summary>
/// A post's live engagement: views, rolling windows and heat of what this activation stored (in memory; the
/// counters of record stay in the post's head), <c>EngagementUpdated</c> to the post's watchers at most once
/// per push interval while it changes, and roll-up reports to the creator and the campaign (docs/engagement.md).
/// </summary>
public sealed partial class PostGrain
{
    private static readonly TimeSpan FollowersMaxAge = TimeSpan.FromMinutes(1);

    private EngagementOptions? _engagementOptions;
    private EngagementTracker? _tracker;
    private EngagementRollup? _rollup;
    private PulseTimer? _engagementPush;
    private RecentMap<long>? _viewedAt;
    private long _followers;
    private DateTimeOffset _followersAt = DateTimeOffset.MinValue;

    private EngagementOptions EngagementOptions =>
        _engagementOptions ??= ServiceProvider.GetRequiredService<IOptions<EngagementOptions>>().Value;

    public async Task<PostCounters> View(string user)
    {
        var head = await RequireHeadAsync();
        var now = _time.GetUtcNow().UtcTicks;
        _viewedAt ??= new RecentMap<long>(100_000);
        if (_viewedAt.TryGetValue(user, out var last) && now - last < EngagementOptions.ViewRepeatAfter.Ticks)
        {
            return head.Counters(PostId);
        }

        // Set before storing so that a burst of views from one user is one view, not one per request in flight.
        _viewedAt.Set(user, now);
        try
        {
            return await _journal.Submit<PostCounters>(new ViewOp());
        }
        catch
        {
            // Not stored: the user's next view may count.
            _viewedAt.Set(user, 0);
            throw;
        }
    }

    public async Task<EngagementScores> GetEngagement()
    {
        var head = await RequireHeadAsync();
        await RefreshFollowersAsync(head);
        return Scores(head);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _engagementPush?.Stop();
        if (_rollup is not null)
        {
            await _rollup.FlushAsync();
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <summary>Called with every stored batch (and with none when the post is created): counts its events, then schedules the push and the roll-up.</summary>
    private void TrackEngagement(IReadOnlyList<(StreamOp Op, Decision<PostHead> Decision)> batch, PostHead head)
    {
        Span<long> deltas = stackalloc long[EngagementCounts.Count];
        foreach (var (op, decision) in batch)
        {
            switch (op)
            {
                case CommentOp:
                    deltas[(int)EngagementCounter.Comments]++;
                    if (decision.Result is Comment { ByCreator: true, ReplyTo: not null })
                    {
                        deltas[(int)EngagementCounter.CreatorReplies]++;
                    }

                    break;
                case ReactionOp r:
                    deltas[(int)(r.Kind switch
                    {
                        ReactionKind.Like => EngagementCounter.Likes,
                        ReactionKind.Share => EngagementCounter.Shares,
                        _ => EngagementCounter.Saves,
                    })]++;
                    break;
                case ViewOp:
                    deltas[(int)EngagementCounter.Views]++;
                    break;
            }
        }

        var options = EngagementOptions;
        _tracker ??= new EngagementTracker(options);
        _engagementPush ??= new PulseTimer(this, options.PushInterval, PushEngagementAsync);
        _rollup ??= new EngagementRollup(this, GrainFactory, "post:" + PostId, head.Creator, head.CampaignId, head.At,
            Totals(head), options.RollupInterval, _time, ServiceProvider.GetRequiredService<ILogger<PostGrain>>());

        _tracker.Record(deltas, _time.GetUtcNow().UtcTicks);
        _rollup.Record(deltas, Totals(head));
        _engagementPush.Touch();
    }

    private async Task PushEngagementAsync()
    {
        if (_journal.Head is not { } head)
        {
            return;
        }

        await RefreshFollowersAsync(head);
        _fanout.Publish(Topics.Post(PostId), Scores(head));
    }

    private async Task RefreshFollowersAsync(PostHead head)
    {
        var now = _time.GetUtcNow();
        if (now - _followersAt < FollowersMaxAge)
        {
            return;
        }

        var profile = await GrainFactory.GetGrain<ICreatorGrain>(head.Creator).GetProfile();
        _followers = profile?.Followers ?? 0;
        _followersAt = now;
    }

    private EngagementScores Scores(PostHead head)
    {
        var now = _time.GetUtcNow();
        _tracker ??= new EngagementTracker(EngagementOptions);
        var totals = Totals(head);
        var rate = EngagementMath.PostRate(totals.Interactions, _followers);
        return new EngagementScores(EngagementScores.PostSubject, PostId, totals, _followers, 1, rate, rate,
            _tracker.Heat.ValueAt(now.UtcTicks), EngagementViews.Windows(_tracker, now.UtcTicks), now);
    }

    private static EngagementCounts Totals(PostHead h) => new(h.Views, h.Likes, h.Comments, h.Shares, h.Saves, h.CreatorReplies);

    /// <summary>A counted view: no row of its own, only the head's count (like a share).</summary>
    private sealed class ViewOp : StreamOp;
}
