using Community.Campaigns;
using Community.Engagement;
using Microsoft.Extensions.Logging;

namespace Community.Grains.Engagement;

/// <summary>
/// Reports one source of engagement (a post; a livestream can use it the same way) to its creator's engagement
/// grain and, when attached, to its campaign: never a call per event, but one <see cref="EngagementReport"/> per
/// receiver at most once per interval while there is something new. A report carries the source's counters of
/// record, so receivers' totals are exact once a report lands, and the events since the last report that landed
/// there (for windows and heat). A failed report stays pending and goes out with the next one.
/// Used from the owning grain's context.
/// </summary>
public sealed partial class EngagementRollup
{
    private readonly Target[] _targets;
    private readonly string _source;
    private readonly string _creator;
    private readonly DateTimeOffset _publishedAt;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PulseTimer _timer;
    private EngagementCounts _totals;

    /// <param name="grain">The source's grain (its timer runs there).</param>
    /// <param name="source">The source's name, unique across kinds: "post:{id}", "live:{id}".</param>
    public EngagementRollup(
        IGrainBase grain, IGrainFactory grains, string source, string creator, string? campaignId, DateTimeOffset publishedAt,
        EngagementCounts totals, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        _source = source;
        _creator = creator;
        _publishedAt = publishedAt;
        _totals = totals;
        _time = time;
        _logger = logger;
        List<Target> targets = [new(grains.GetGrain<ICreatorEngagementGrain>(creator))];
        if (campaignId is not null)
        {
            targets.Add(new Target(grains.GetGrain<ICampaignGrain>(campaignId)));
        }

        _targets = [.. targets];
        _timer = new PulseTimer(grain, interval, SendAsync);
    }

    /// <summary>Adds what just happened (<paramref name="deltas"/>[c] events of counter c) and the source's counters after it.</summary>
    public void Record(ReadOnlySpan<long> deltas, EngagementCounts totals)
    {
        _totals = totals;
        foreach (var target in _targets)
        {
            for (var c = 0; c < EngagementCounts.Count; c++)
            {
                target.Pending[c] += deltas[c];
            }

            target.Dirty = true;
        }

        _timer.Touch();
    }

    /// <summary>Sends what is pending now (before the source deactivates).</summary>
    public Task FlushAsync()
    {
        _timer.Stop();
        return SendAsync();
    }

    private Task SendAsync() => Task.WhenAll(_targets.Where(t => t.Dirty).Select(SendAsync));

    private async Task SendAsync(Target target)
    {
        var delta = EngagementCounts.From(target.Pending);
        Array.Clear(target.Pending);
        target.Dirty = false;
        try
        {
            await target.Sink.Report(new EngagementReport(_source, _creator, _publishedAt, _totals, delta, _time.GetUtcNow()));
        }
        catch (Exception ex)
        {
            for (var c = 0; c < EngagementCounts.Count; c++)
            {
                target.Pending[c] += delta[c];
            }

            target.Dirty = true;
            _timer.Touch();
            LogReportFailed(_logger, ex, _source, target.Sink.GetPrimaryKeyString());
        }
    }

    private sealed class Target(IEngagementSink sink)
    {
        public IEngagementSink Sink { get; } = sink;

        public long[] Pending { get; } = new long[EngagementCounts.Count];

        public bool Dirty { get; set; } = true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Engagement report of {Source} to {Receiver} failed; it is retried with the next one.")]
    private static partial void LogReportFailed(ILogger logger, Exception ex, string source, string receiver);
}
