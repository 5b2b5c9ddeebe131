using System.Diagnostics;
using Community.LoadTests.Client;
using Community.LoadTests.Metrics;
using Microsoft.AspNetCore.SignalR.Client;

namespace Community.LoadTests.Workload;

/// <summary>
/// One client watching one post: a hub connection subscribed to the post, accounting every <c>CommentAdded</c> it
/// receives by seq (<see cref="SequenceTracker"/>) and reporting first deliveries to the shared <see cref="DeliveryMeter"/>.
/// </summary>
public sealed class PostWatcher : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly string _postId;
    private readonly DeliveryMeter _meter;
    private readonly ErrorCounter _errors;
    private readonly SequenceTracker _tracker = new();
    private readonly Lock _lock = new();
    private volatile bool _closing;

    public PostWatcher(HubConnection connection, string postId, DeliveryMeter meter, ErrorCounter errors)
    {
        _connection = connection;
        _postId = postId;
        _meter = meter;
        _errors = errors;
        _connection.On<CommentMessage>(HubNames.CommentAdded, OnCommentAdded);
        _connection.Closed += OnClosed;
    }

    /// <summary>Connected and subscribed.</summary>
    public bool Subscribed { get; private set; }

    /// <summary>Whether the connection dropped before the run ended.</summary>
    public bool Disconnected { get; private set; }

    /// <summary>Every seq through this one has arrived.</summary>
    public long ContiguousThrough
    {
        get
        {
            lock (_lock)
            {
                return _tracker.ContiguousThrough;
            }
        }
    }

    public long HighestSeen
    {
        get
        {
            lock (_lock)
            {
                return _tracker.HighestSeen;
            }
        }
    }

    /// <summary>Connects and subscribes from the start of the post's comment stream.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _connection.StartAsync(cancellationToken);
        var catchUp = await _connection.InvokeAsync<CommentCatchUp>(HubNames.SubscribePost, _postId, 0L, cancellationToken);
        lock (_lock)
        {
            // What the subscribe answer returned counts as delivered, through the last seq it saw (unless it was capped).
            var through = catchUp.HasMore ? catchUp.Missed.Select(c => c.Seq).DefaultIfEmpty(0).Max() : catchUp.LastSeq;
            _tracker.CaughtUpThrough(through);
        }

        Subscribed = true;
    }

    /// <summary>Lost, duplicated and out-of-order deliveries once the stream is known to end at <paramref name="expectedLastSeq"/>.</summary>
    public WatcherTally Tally(long expectedLastSeq)
    {
        lock (_lock)
        {
            return new WatcherTally(
                _tracker.Received,
                _tracker.CountMissing(expectedLastSeq),
                _tracker.Duplicates,
                _tracker.OutOfOrder,
                _tracker.MissingSeqs(expectedLastSeq, 5),
                Disconnected);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _closing = true;
        await _connection.DisposeAsync();
    }

    private void OnCommentAdded(CommentMessage comment)
    {
        var receivedAt = Stopwatch.GetTimestamp();
        if (comment.PostId != _postId)
        {
            return;
        }

        SequenceObservation observation;
        lock (_lock)
        {
            observation = _tracker.Observe(comment.Seq);
        }

        switch (observation)
        {
            case SequenceObservation.InOrder or SequenceObservation.OutOfOrder:
                _meter.RecordFirstDelivery(comment.Text, receivedAt);
                break;
            case SequenceObservation.Invalid:
                _errors.Add("watcher", $"CommentAdded with invalid seq {comment.Seq}");
                break;
        }
    }

    private Task OnClosed(Exception? exception)
    {
        if (!_closing)
        {
            Disconnected = true;
            _errors.Add("watcher connection closed", exception?.Message ?? "closed by the server without an error");
        }

        return Task.CompletedTask;
    }
}

/// <summary>One watcher's delivery accounting at the end of a run.</summary>
public sealed record WatcherTally(long Received, long Lost, long Duplicated, long OutOfOrder, IReadOnlyList<long> FirstMissing, bool Disconnected);
