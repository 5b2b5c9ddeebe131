using System.Collections.Concurrent;
using Community.Conversations;
using Community.Errors;
using Community.Grains.Realtime;
using Community.Realtime;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Polly;
using Polly.Retry;

namespace Community.Host.Realtime;

/// <summary>
/// This host's end of the grain→client path. It knows which of its connections follow which topic; grains on
/// any silo send it batches, and it serializes each event once and hands it to every subscriber's outbox
/// without waiting, so a slow connection holds up nobody. Per topic it forwards a stream's items once, in
/// seq order and without gaps: a missing range is fetched from the topic's source before anything newer goes
/// out (<see cref="StreamOrder"/>); user topics, which need no subscription, get the same for each conversation's
/// messages (<see cref="UserStreams"/>). It tells sources which topics nobody here follows, so they stop sending them.
/// </summary>
public sealed partial class HostRelay : IRealtimeRelay
{
    private const int MaxDeclinesKept = 10_000;

    private readonly ConcurrentDictionary<string, TopicState> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _declines = new(StringComparer.Ordinal);
    private readonly IGrainFactory _grains;
    private readonly RealtimeConnections _connections;
    private readonly RelayRegistry _registry;
    private readonly RealtimeOptions _options;
    private readonly RealtimeMetrics _metrics;
    private readonly ILogger<HostRelay> _logger;
    private readonly ResiliencePipeline _fetchRetry;
    private readonly DeliveryLanes _lanes;
    private readonly UserStreams _users;

    // Grows with every topic's first subscriber here; stamps the host's answers so a source can order them.
    private long _stamp;

    public HostRelay(
        IGrainFactory grains,
        RealtimeConnections connections,
        RelayRegistry registry,
        ILocalSiloDetails silo,
        Microsoft.Extensions.Options.IOptions<RealtimeOptions> options,
        RealtimeMetrics metrics,
        DeliveryLanes lanes,
        ILogger<HostRelay> logger)
    {
        _lanes = lanes;
        _grains = grains;
        _connections = connections;
        _registry = registry;
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
        HostId = silo.SiloAddress.ToParsableString();
        // The source may be re-activating on another silo right now: a few quick tries before giving the items up.
        _fetchRetry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions { MaxRetryAttempts = 4, Delay = TimeSpan.FromMilliseconds(250), BackoffType = DelayBackoffType.Exponential })
            .Build();
        connections.Disconnected += (outbox, topics) =>
        {
            foreach (var topic in topics)
            {
                RemoveSubscriber(topic, outbox);
            }
        };
        _users = new UserStreams(connections, ReplayMessagesAsync, (events, outboxes) => Send(events, _lanes.ByLane(outboxes)));
    }

    public string HostId { get; }

    /// <summary>
    /// Makes the connection a subscriber of <paramref name="topic"/>. Returns once the topic's source sends this host
    /// its events, so a catch-up read after it misses nothing: an event racing the read arrives twice (clients skip
    /// seq ≤ their last), never zero times.
    /// </summary>
    public async Task SubscribeAsync(string connectionId, string topic)
    {
        var outbox = _connections.Find(connectionId) ?? throw CommunityException.Unavailable("This connection is closing; reconnect and subscribe again.");
        if (!outbox.TryAddTopic(topic, out var added))
        {
            throw CommunityException.Invalid(
                $"A connection may follow at most {_options.MaxSubscriptionsPerConnection} posts, rooms, creators and campaigns at once; unsubscribe from one first.");
        }

        try
        {
            await AttachedAsync(topic, outbox, added);
        }
        catch
        {
            Unsubscribe(connectionId, topic);
            throw;
        }
    }

    public void Unsubscribe(string connectionId, string topic)
    {
        if (_connections.Find(connectionId) is { } outbox && outbox.RemoveTopic(topic))
        {
            RemoveSubscriber(topic, outbox);
        }
    }

    public Task<RelayReceipt> Deliver(IReadOnlyList<RealtimeEvent> batch)
    {
        _metrics.Received(batch.Count);
        var stamp = Volatile.Read(ref _stamp);
        List<string>? unwanted = null;
        foreach (var (topic, events) in ByTopic(batch))
        {
            if (topic.StartsWith(Topics.UserPrefix, StringComparison.Ordinal))
            {
                // Every connection of the user, with no subscription: user topics are never declined (many grains send them).
                _users.Deliver(topic[Topics.UserPrefix.Length..], events);
                continue;
            }

            if (!_topics.TryGetValue(topic, out var state) || !Accept(topic, state, events))
            {
                unwanted ??= [];
                unwanted.Add(topic);
                CountDecline(topic);
            }
        }

        return Task.FromResult(unwanted is null ? RelayReceipt.None : new RelayReceipt(stamp, unwanted));
    }

    /// <summary>Whether this host keeps the order of <paramref name="user"/>'s messages: only while the user has a connection here.</summary>
    public bool OrdersMessagesOf(string user) => _users.Tracks(user);

    /// <summary>How many batches carrying <paramref name="topic"/> this host declined lately: a source that heard the first stops sending.</summary>
    public int DeclinesOf(string topic) => _declines.GetValueOrDefault(topic);

    public Task RelaysChanged(RelaySet relays)
    {
        _registry.Update(relays);
        return Task.CompletedTask;
    }

    private async Task AttachedAsync(string topic, ConnectionOutbox outbox, bool added)
    {
        while (true)
        {
            var state = _topics.GetOrAdd(topic, static _ => new TopicState());
            TaskCompletionSource? attach = null;
            long stamp = 0;
            Task attached;
            lock (state.Lock)
            {
                if (state.Retired)
                {
                    continue;
                }

                if (added && !state.Subscribers.Contains(outbox))
                {
                    state.Subscribers = [.. state.Subscribers, outbox];
                    state.ByLane = _lanes.ByLane(state.Subscribers);
                }

                if (state.Attached is null || state.Attached.IsFaulted || state.Attached.IsCanceled)
                {
                    attach = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    stamp = Interlocked.Increment(ref _stamp);
                    state.Attached = attach.Task;
                }

                attached = state.Attached;
            }

            if (attach is not null)
            {
                _ = AttachAsync(topic, state, stamp, attach);
            }

            await attached;
            return;
        }
    }

    private async Task AttachAsync(string topic, TopicState state, long stamp, TaskCompletionSource done)
    {
        try
        {
            var lastSeq = Topics.SourceOf(_grains, topic) is { } source ? await source.Attach(topic, HostId, stamp) : 0;
            var forward = new List<RealtimeEvent>();
            lock (state.Lock)
            {
                if (!state.Retired && state.Order.Baseline(lastSeq, forward) is { } missing)
                {
                    _ = FetchAsync(topic, state, missing);
                }

                Send(forward, state.ByLane);
            }

            done.SetResult();
        }
        catch (Exception ex)
        {
            done.SetException(ex);
        }
    }

    // A batch's events per topic, in order: each topic's share goes to its subscribers as one write each.
    private static IEnumerable<(string Topic, IReadOnlyList<RealtimeEvent> Events)> ByTopic(IReadOnlyList<RealtimeEvent> batch)
    {
        if (batch.Count == 0)
        {
            return [];
        }

        // The usual batch: one grain's events of its one topic, passed on as they came.
        if (batch.All(e => e.Topic == batch[0].Topic))
        {
            return [(batch[0].Topic, batch)];
        }

        var topics = new Dictionary<string, List<RealtimeEvent>>(StringComparer.Ordinal);
        foreach (var evt in batch)
        {
            if (!topics.TryGetValue(evt.Topic, out var events))
            {
                topics.Add(evt.Topic, events = []);
            }

            events.Add(evt);
        }

        return topics.Select(t => (t.Key, (IReadOnlyList<RealtimeEvent>)t.Value));
    }

    // Under no lock: takes the topic's lock for the ordering decisions and the hand-off to outboxes (neither waits).
    private bool Accept(string topic, TopicState state, IReadOnlyList<RealtimeEvent> events)
    {
        var forward = new List<RealtimeEvent>(events.Count);
        lock (state.Lock)
        {
            if (state.Subscribers.Length == 0)
            {
                return false;
            }

            foreach (var evt in events)
            {
                if (state.Order.Accept(evt, forward) is { } missing)
                {
                    _ = FetchAsync(topic, state, missing);
                }
            }

            Send(forward, state.ByLane);
            return true;
        }
    }

    private async Task FetchAsync(string topic, TopicState state, SeqRange range)
    {
        var source = Topics.SourceOf(_grains, topic)!;
        var fetched = await ReplayAsync(topic, range, () => source.Replay(topic, range.AfterSeq, range.ToSeq));
        var forward = new List<RealtimeEvent>();
        lock (state.Lock)
        {
            if (state.Retired)
            {
                return;
            }

            if (state.Order.Filled(range, fetched, forward) is { } next)
            {
                _ = FetchAsync(topic, state, next);
            }

            Send(forward, state.ByLane);
        }
    }

    private Task<IReadOnlyList<RealtimeEvent>> ReplayMessagesAsync(string user, string conversationId, SeqRange range) =>
        ReplayAsync(conversationId, range, () => _grains.GetGrain<IConversationGrain>(conversationId).Replay(user, range.AfterSeq, range.ToSeq));

    // Nothing (and a warning) when the source cannot answer after a few tries: the stream then skips the range.
    private async Task<IReadOnlyList<RealtimeEvent>> ReplayAsync(string stream, SeqRange range, Func<Task<IReadOnlyList<RealtimeEvent>>> replay)
    {
        try
        {
            var fetched = await _fetchRetry.ExecuteAsync(async _ => await replay());
            _metrics.GapFilled(fetched.Count);
            LogGapFilled(_logger, stream, range.AfterSeq, range.ToSeq);
            return fetched;
        }
        catch (Exception ex)
        {
            LogGapLost(_logger, ex, stream, range.AfterSeq, range.ToSeq);
            return [];
        }
    }

    private void CountDecline(string topic)
    {
        if (_declines.Count >= MaxDeclinesKept)
        {
            _declines.Clear();
        }

        _declines.AddOrUpdate(topic, 1, static (_, n) => n + 1);
    }

    private void RemoveSubscriber(string topic, ConnectionOutbox outbox)
    {
        if (!_topics.TryGetValue(topic, out var state))
        {
            return;
        }

        lock (state.Lock)
        {
            state.Subscribers = [.. state.Subscribers.Where(s => s != outbox)];
            state.ByLane = _lanes.ByLane(state.Subscribers);
            if (state.Subscribers.Length == 0)
            {
                // A later subscriber starts a new state, attaches afresh and takes its own baseline.
                state.Retired = true;
                _topics.TryRemove(new KeyValuePair<string, TopicState>(topic, state));
            }
        }
    }

    // Hands the events to the lanes of the connections that follow them; never waits for a write.
    private void Send(IReadOnlyList<RealtimeEvent> events, ConnectionOutbox[][] byLane)
    {
        if (events.Count == 0)
        {
            return;
        }

        var messages = new SerializedHubMessage[events.Count];
        for (var i = 0; i < messages.Length; i++)
        {
            messages[i] = Serialize(events[i]);
        }

        var frames = new OutgoingFrames(messages);
        for (var lane = 0; lane < byLane.Length; lane++)
        {
            if (byLane[lane].Length > 0)
            {
                _lanes.Post(lane, frames, byLane[lane]);
            }
        }
    }

    // Serialized at most once per protocol (JSON, MessagePack) for all of this host's connections.
    private static SerializedHubMessage Serialize(RealtimeEvent evt) => new(new InvocationMessage(evt.Method, [evt.Payload]));

    private sealed class TopicState
    {
        public Lock Lock { get; } = new();

        public ConnectionOutbox[] Subscribers { get; set; } = [];

        public ConnectionOutbox[][] ByLane { get; set; } = [];

        public StreamOrder Order { get; } = new();

        public Task? Attached { get; set; }

        public bool Retired { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fetched the items of {Stream} after seq {AfterSeq} up to {ToSeq} that never arrived.")]
    private static partial void LogGapFilled(ILogger logger, string stream, long afterSeq, long toSeq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not fetch the items of {Stream} after seq {AfterSeq} up to {ToSeq}; its subscribers here miss them until they resume.")]
    private static partial void LogGapLost(ILogger logger, Exception ex, string stream, long afterSeq, long toSeq);
}
