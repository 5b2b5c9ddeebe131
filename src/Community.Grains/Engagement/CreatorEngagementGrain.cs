using System.Text.Json.Serialization;
using Community.Creators;
using Community.Engagement;
using Community.Errors;
using Community.Grains.Realtime;
using Community.Grains.Storage;
using Community.Posts;
using Community.Realtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Community.Grains.Engagement;

/// <summary>
/// A creator's live engagement, fed by their posts' roll-up reports: windows and heat across all their posts,
/// and the rate over their 12 newest posts (mean: HypeAuditor; median: Modash). Pushes <c>EngagementUpdated</c>
/// to <c>creator:{handle}</c> at most once per push interval while it changes, and stores windows and heat on
/// a beat of the same length (<see cref="PeriodicStateWriter"/>), so a restart loses at most one interval of roll-ups.
/// Kept apart from <see cref="Creators.CreatorGrain"/> so that engagement traffic never queues behind profile and follower writes.
/// </summary>
public sealed partial class CreatorEngagementGrain(
    [PersistentState("creator-engagement", GrainStorage.ProviderName)] IPersistentState<CreatorEngagementState> state,
    RelayRegistry relays,
    TimeProvider time,
    IOptions<EngagementOptions> options,
    ILogger<CreatorEngagementGrain> logger) : Grain, ICreatorEngagementGrain
{
    private static readonly TimeSpan FollowersMaxAge = TimeSpan.FromMinutes(1);

    private readonly EngagementTracker _tracker = new(options.Value);
    private readonly RealtimeFanout _fanout = new(relays, logger);
    private readonly Dictionary<string, RecentPost> _recent = new(StringComparer.Ordinal);
    private PulseTimer? _pulse;
    private PeriodicStateWriter? _store;
    private bool _seeded;
    private long _followers;
    private DateTimeOffset _followersAt = DateTimeOffset.MinValue;

    private string Handle => this.GetPrimaryKeyString();

    public Task<long> Attach(string topic, string hostId, long stamp) => _fanout.AttachUnsequenced(topic, hostId, stamp);

    public Task<IReadOnlyList<RealtimeEvent>> Replay(string topic, long afterSeq, long toSeq) => RealtimeFanout.NothingToReplay;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _tracker.Load(state.State.Tracker);
        _pulse = new PulseTimer(this, options.Value.PushInterval, PulseAsync);
        _store = new PeriodicStateWriter(this, state, options.Value.PushInterval, () => state.State.Tracker = _tracker.Save(), logger);
        return Task.CompletedTask;
    }

    public async Task Report(EngagementReport report)
    {
        await SeedAsync();
        var now = time.GetUtcNow();
        Span<long> delta = stackalloc long[EngagementCounts.Count];
        report.Delta.CopyTo(delta);
        _tracker.Record(delta, Math.Min(report.At.UtcTicks, now.UtcTicks));
        Remember(report.Source, report.PublishedAt, report.Totals);
        _store!.Changed();
        _pulse!.Touch();
    }

    public async Task<EngagementScores> Get()
    {
        // A read is rare next to events: it always takes the current follower count (pushes reuse it up to a minute).
        _followersAt = DateTimeOffset.MinValue;
        await RefreshFollowersAsync(require: true);
        await SeedAsync();
        return Scores();
    }

    public async Task<EngagementScores> GetWithFollowers(long followers)
    {
        _followers = followers;
        _followersAt = time.GetUtcNow();
        await SeedAsync();
        return Scores();
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
        await RefreshFollowersAsync(require: false);
        _fanout.Publish(Topics.Creator(Handle), Scores());
    }

    /// <summary>Once per activation: the newest posts' counters, so the rate is right before their first report.</summary>
    private async Task SeedAsync()
    {
        if (_seeded)
        {
            return;
        }

        var ids = await GrainFactory.GetGrain<ICreatorGrain>(Handle).RecentPosts(EngagementMath.CreatorWindowPosts);
        var posts = await Task.WhenAll(ids.Select(id => GrainFactory.GetGrain<IPostGrain>(id).Get()));
        foreach (var post in posts.OfType<Post>())
        {
            var source = "post:" + post.PostId;
            if (!_recent.ContainsKey(source))
            {
                Remember(source, post.At, new EngagementCounts(post.Views, post.Likes, post.Comments, post.Shares, post.Saves, post.CreatorReplies));
            }
        }

        _seeded = true;
    }

    /// <summary>Keeps the newest <see cref="EngagementMath.CreatorWindowPosts"/> sources by publish time, with their latest counters.</summary>
    private void Remember(string source, DateTimeOffset publishedAt, EngagementCounts totals)
    {
        if (_recent.TryGetValue(source, out var known))
        {
            _recent[source] = known with { Totals = EngagementViews.Max(known.Totals, totals) };
            return;
        }

        if (_recent.Count >= EngagementMath.CreatorWindowPosts)
        {
            var oldest = _recent.MinBy(p => p.Value.PublishedAt);
            if (oldest.Value.PublishedAt >= publishedAt)
            {
                return;
            }

            _recent.Remove(oldest.Key);
        }

        _recent[source] = new RecentPost(publishedAt, totals);
    }

    private async Task RefreshFollowersAsync(bool require)
    {
        var now = time.GetUtcNow();
        if (now - _followersAt < FollowersMaxAge)
        {
            return;
        }

        var profile = await GrainFactory.GetGrain<ICreatorGrain>(Handle).GetProfile();
        if (profile is null && require)
        {
            throw CommunityException.NotFound($"There is no creator '{Handle}'.");
        }

        _followers = profile?.Followers ?? 0;
        _followersAt = now;
    }

    private EngagementScores Scores()
    {
        var now = time.GetUtcNow();
        var newestFirst = _recent.Values.OrderByDescending(p => p.PublishedAt).ToList();
        var rate = EngagementMath.CreatorRate(newestFirst.Select(p => p.Totals.Interactions), _followers);
        var totals = newestFirst.Aggregate(EngagementCounts.Zero, (sum, p) => new EngagementCounts(
            sum.Views + p.Totals.Views, sum.Likes + p.Totals.Likes, sum.Comments + p.Totals.Comments,
            sum.Shares + p.Totals.Shares, sum.Saves + p.Totals.Saves, sum.CreatorReplies + p.Totals.CreatorReplies));
        return new EngagementScores(EngagementScores.CreatorSubject, Handle, totals, _followers, rate.Posts, rate.Mean, rate.Median,
            _tracker.Heat.ValueAt(now.UtcTicks), EngagementViews.Windows(_tracker, now.UtcTicks), now);
    }

    private sealed record RecentPost(DateTimeOffset PublishedAt, EngagementCounts Totals);
}

/// <summary>A creator's stored windows and heat (Orleans grain state, provider "store").</summary>
[GenerateSerializer]
[Alias("community.creator-engagement-state")]
public sealed class CreatorEngagementState
{
    /// <summary>Stored as JSON of its own; state stored before that holds it as a string of JSON, and still reads.</summary>
    [Id(0)]
    [JsonConverter(typeof(StoredJsonConverter<EngagementTrackerState>))]
    public EngagementTrackerState? Tracker { get; set; }
}
