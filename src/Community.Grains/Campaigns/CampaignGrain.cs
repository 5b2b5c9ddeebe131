using Community.Campaigns;
using Community.Creators;
using Community.Engagement;
using Community.Errors;
using Community.Grains.Engagement;
using Community.Grains.Realtime;
using Community.Grains.Storage;
using Community.Identity;
using Community.Realtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Community.Grains.Campaigns;

/// <summary>
/// A brand's campaign: who owns and may watch it, which creators may attach posts, and the live roll-up of those
/// posts (totals, rate, heat, cost per engagement, per-minute series, leaderboard). Posts report in batches
/// (<see cref="EngagementRollup"/>); each report carries the post's counters of record, so the totals are exact and
/// idempotent. Watchers get <c>CampaignUpdated</c> at most once per campaign push interval while anything changes (a
/// short beat: a brand sees a like within a second); the roll-up is stored on the slower push interval, so a restart
/// loses at most one such interval of it (and the next report of each post that changes again restores its exact counts).
/// </summary>
public sealed partial class CampaignGrain(
    [PersistentState("campaign", GrainStorage.ProviderName)] IPersistentState<CampaignState> state,
    RelayRegistry relays,
    IGrainFactory grains,
    TimeProvider time,
    IOptions<EngagementOptions> options,
    ILogger<CampaignGrain> logger) : Grain, ICampaignGrain
{
    private readonly EngagementOptions _options = options.Value;
    private readonly EngagementTracker _tracker = new(options.Value);
    private readonly RealtimeFanout _fanout = new(relays, logger);
    private readonly CampaignCreators _creators = new(grains, time, options.Value.HalfLife, logger);
    private Dictionary<string, CampaignSource> _sources = new(StringComparer.Ordinal);
    private PulseTimer? _pulse;
    private PeriodicStateWriter? _store;

    private string CampaignId => this.GetPrimaryKeyString();

    public Task<long> Attach(string topic, string hostId, long stamp) => _fanout.AttachUnsequenced(topic, hostId, stamp);

    public Task<IReadOnlyList<RealtimeEvent>> Replay(string topic, long afterSeq, long toSeq) => RealtimeFanout.NothingToReplay;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var rollup = state.State.Rollup ?? new CampaignRollup();
        _sources = new Dictionary<string, CampaignSource>(rollup.Sources, StringComparer.Ordinal);
        _tracker.Load(rollup.Tracker);
        foreach (var handle in state.State.Creators)
        {
            _creators[handle].Heat.Load(rollup.CreatorHeat.GetValueOrDefault(handle));
        }

        foreach (var source in _sources.Values)
        {
            _creators[source.Creator].Restore(source.Counts);
        }

        _pulse = new PulseTimer(this, _options.CampaignPushInterval, PulseAsync);
        _store = new PeriodicStateWriter(this, state, _options.PushInterval, () => state.State = WithRollup(state.State), logger);
        return Task.CompletedTask;
    }

    public async Task<CampaignSnapshot> Create(string owner, CampaignInput input)
    {
        if (state.State.Exists)
        {
            throw CommunityException.Conflict($"Campaign '{CampaignId}' already exists.");
        }

        Handle.Require(owner, "owner");
        var name = CampaignLimits.Name(input.Name);
        var budget = CampaignLimits.Budget(input.Budget);
        var creators = (input.Creators ?? []).Select(h => Handle.Require(h, "creator handle")).Distinct(StringComparer.Ordinal).ToList();
        if (creators.Count > CampaignLimits.MaxCreators)
        {
            throw CommunityException.Invalid($"A campaign has at most {CampaignLimits.MaxCreators} creators; {creators.Count} were given.");
        }

        var followers = await Task.WhenAll(creators.Select(RequireCreatorProfileAsync));
        var next = new CampaignState
        {
            Exists = true,
            Owner = owner,
            Name = name,
            Budget = budget,
            CreatedAt = time.GetUtcNow(),
            Creators = creators,
        };
        await GrainStorage.WriteAsync(this, state, next);
        for (var i = 0; i < creators.Count; i++)
        {
            _creators[creators[i]].SetFollowers(followers[i], time.GetUtcNow());
        }

        return await SnapshotAsync();
    }

    public async Task<CampaignSnapshot> AddCreator(string caller, string handle)
    {
        RequireOwner(caller, "add creators");
        Handle.Require(handle, "creator handle");
        if (!state.State.Creators.Contains(handle))
        {
            if (state.State.Creators.Count >= CampaignLimits.MaxCreators)
            {
                throw CommunityException.Conflict($"Campaign '{CampaignId}' already has the most creators a campaign may have ({CampaignLimits.MaxCreators}).");
            }

            var followers = await RequireCreatorProfileAsync(handle);
            await GrainStorage.WriteAsync(this, state, WithRollup(state.State) with { Creators = [.. state.State.Creators, handle] });
            _creators[handle].SetFollowers(followers, time.GetUtcNow());
            _pulse!.Touch();
        }

        return await SnapshotAsync();
    }

    public async Task<CampaignSnapshot> AddMember(string caller, string handle)
    {
        RequireOwner(caller, "add members");
        Handle.Require(handle, "member handle");
        if (handle != state.State.Owner && !state.State.Members.Contains(handle))
        {
            if (state.State.Members.Count >= CampaignLimits.MaxMembers)
            {
                throw CommunityException.Conflict($"Campaign '{CampaignId}' already has the most members a campaign may have ({CampaignLimits.MaxMembers}).");
            }

            await GrainStorage.WriteAsync(this, state, WithRollup(state.State) with { Members = [.. state.State.Members, handle] });
            _pulse!.Touch();
        }

        return await SnapshotAsync();
    }

    public async Task<CampaignSnapshot> Get(string viewer)
    {
        RequireExists();
        if (viewer != state.State.Owner && !state.State.Members.Contains(viewer))
        {
            throw CommunityException.Forbidden($"Only the owner and members of campaign '{CampaignId}' may see it; ask its owner ({state.State.Owner}) to add you.");
        }

        return await SnapshotAsync();
    }

    public Task RequireCreator(string creator)
    {
        RequireExists();
        if (!state.State.Creators.Contains(creator))
        {
            throw CommunityException.Forbidden($"{creator} is not a creator of campaign '{CampaignId}'; its owner ({state.State.Owner}) must add you first.");
        }

        if (_sources.Count >= CampaignLimits.MaxPosts)
        {
            throw CommunityException.Conflict($"Campaign '{CampaignId}' already has the most posts a campaign counts ({CampaignLimits.MaxPosts}).");
        }

        return Task.CompletedTask;
    }

    public Task Report(EngagementReport report)
    {
        if (!state.State.Exists || !state.State.Creators.Contains(report.Creator))
        {
            LogIgnoredReport(logger, report.Source, CampaignId);
            return Task.CompletedTask;
        }

        if (!_sources.TryGetValue(report.Source, out var known))
        {
            if (_sources.Count >= CampaignLimits.MaxPosts)
            {
                LogIgnoredReport(logger, report.Source, CampaignId);
                return Task.CompletedTask;
            }

            known = new CampaignSource(report.Creator, new long[EngagementCounts.Count]);
            _sources[report.Source] = known;
            _creators[report.Creator].Posts++;
        }

        // Counters of record only grow: the difference to what this campaign last saw is what is new, and a
        // repeated or late report adds nothing.
        Span<long> delta = stackalloc long[EngagementCounts.Count];
        double heat = 0;
        var creator = _creators[known.Creator];
        for (var c = 0; c < EngagementCounts.Count; c++)
        {
            delta[c] = Math.Max(0, report.Totals[c] - known.Counts[c]);
            known.Counts[c] += delta[c];
            creator.Totals[c] += delta[c];
            heat += delta[c] * _options.Weight((EngagementCounter)c);
        }

        if (delta[(int)EngagementCounter.Comments] > 0 || delta[(int)EngagementCounter.CreatorReplies] > 0)
        {
            creator.ExpireResponsiveness();
        }

        var at = Math.Min(report.At.UtcTicks, time.GetUtcNow().UtcTicks);
        _tracker.Record(delta, at);
        creator.Heat.Add(heat, at);
        _pulse!.Touch();
        _store!.Changed();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _pulse?.Stop();
        if (_store is not null)
        {
            await _store.FlushAsync();
        }
    }

    private async Task PulseAsync()
    {
        if (!state.State.Exists)
        {
            return;
        }

        var snapshot = await SnapshotAsync();
        _fanout.Publish(Topics.Campaign(CampaignId), snapshot);
    }

    /// <summary>
    /// <paramref name="s"/> with the roll-up as it is now, for every write of the state (the beat's and the owner's), so a
    /// stored state never pairs sources of one moment with windows of another. It holds the live sources (not a copy):
    /// they are serialized within the write, and no report interleaves with it.
    /// </summary>
    private CampaignState WithRollup(CampaignState s) => s with
    {
        Rollup = new CampaignRollup
        {
            Sources = _sources,
            Tracker = _tracker.Save(),
            CreatorHeat = _creators.SaveHeat(),
        },
    };

    private async Task<CampaignSnapshot> SnapshotAsync()
    {
        await _creators.RefreshAsync(state.State.Creators, CampaignId);
        var s = state.State;
        var now = time.GetUtcNow();
        var ticks = now.UtcTicks;

        Span<long> totals = stackalloc long[EngagementCounts.Count];
        long reach = 0;
        var entries = new List<CampaignCreator>(s.Creators.Count);
        foreach (var handle in s.Creators)
        {
            var live = _creators[handle];
            var counts = EngagementCounts.From(live.Totals);
            var creatorReach = live.Posts * Math.Max(live.Followers, 1);
            reach += creatorReach;
            for (var c = 0; c < EngagementCounts.Count; c++)
            {
                totals[c] += live.Totals[c];
            }

            entries.Add(new CampaignCreator(handle, live.Followers, live.Posts, counts,
                live.Posts == 0 ? 0 : EngagementMath.PooledRate(counts.Interactions, creatorReach), live.Heat.ValueAt(ticks),
                live.Responsiveness));
        }

        var sum = EngagementCounts.From(totals);
        var leaderboard = new CampaignLeaderboard(
            [.. entries.OrderByDescending(e => e.Heat).ThenBy(e => e.Handle, StringComparer.Ordinal)],
            [.. entries.OrderByDescending(e => e.EngagementRate).ThenBy(e => e.Handle, StringComparer.Ordinal)]);
        return new CampaignSnapshot(CampaignId, s.Name, s.Owner, s.Budget, s.CreatedAt, [.. s.Creators], [.. s.Members], _sources.Count,
            sum, reach == 0 ? 0 : EngagementMath.PooledRate(sum.Interactions, reach), _tracker.Heat.ValueAt(ticks),
            EngagementMath.CostPerEngagement(s.Budget, sum.Interactions), EngagementViews.Windows(_tracker, ticks), EngagementViews.Minutes(_tracker, ticks), leaderboard, now);
    }

    private async Task<long> RequireCreatorProfileAsync(string handle) =>
        (await GrainFactory.GetGrain<ICreatorGrain>(handle).GetProfile())?.Followers
            ?? throw CommunityException.NotFound($"There is no creator '{handle}': only creators with a profile can join a campaign.");

    private void RequireExists()
    {
        if (!state.State.Exists)
        {
            throw CommunityException.NotFound($"There is no campaign '{CampaignId}'.");
        }
    }

    private void RequireOwner(string caller, string action)
    {
        RequireExists();
        if (caller != state.State.Owner)
        {
            throw CommunityException.Forbidden($"Only the owner of campaign '{CampaignId}' ({state.State.Owner}) may {action}.");
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Report of {Source} ignored by campaign {CampaignId} (not a creator of it, or the campaign is full).")]
    private static partial void LogIgnoredReport(ILogger logger, string source, string campaignId);
}
