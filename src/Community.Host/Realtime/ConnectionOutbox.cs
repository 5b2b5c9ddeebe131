using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Community.Host.Realtime;

/// <summary>
/// One connection's outgoing events. A write that completes at once costs nothing more; while one is pending,
/// later events wait here in order, and a connection whose waiting events exceed the byte or age bound is
/// closed as a slow consumer: it costs only itself, never the writer that feeds every other connection. The same
/// happens when it must queue while the host's connections together hold more than the host's budget (<see cref="PendingBudget"/>).
/// The close message says why and allows reconnecting; the client resumes with <c>afterSeq</c> and loses nothing.
/// </summary>
public sealed partial class ConnectionOutbox(
    HubConnectionContext connection, int lane, RealtimeOptions options, PendingBudget hostBudget, TimeProvider time, RealtimeMetrics metrics, ILogger logger)
{
    public const string SlowConsumerReason =
        "Connection closed: slow consumer. This client fell behind the events sent to it; reconnect and resubscribe with afterSeq to resume.";

    private readonly Lock _lock = new();
    private readonly Queue<Pending> _pending = new();
    private readonly HashSet<string> _topics = new(StringComparer.Ordinal);
    private long _pendingBytes;
    private bool _writing;
    private State _state;

    public string ConnectionId => connection.ConnectionId;

    /// <summary>The <see cref="DeliveryLanes"/> lane that writes every event to this connection.</summary>
    public int Lane => lane;

    public string? UserId => connection.UserIdentifier;

    /// <summary>Queues <paramref name="frames"/>, as one write in this connection's protocol, behind its earlier events; never waits.</summary>
    public void Send(OutgoingFrames frames) => Send(frames.For(connection.Protocol));

    private void Send(SerializedHubMessage message)
    {
        lock (_lock)
        {
            if (_state != State.Open)
            {
                return;
            }

            if (_writing)
            {
                Enqueue(message);
                return;
            }

            _writing = true;
        }

        WriteFrom(message);
    }

    /// <summary>Adds a topic to this connection's subscriptions; false when it already follows the most it may.</summary>
    public bool TryAddTopic(string topic, out bool added)
    {
        lock (_lock)
        {
            added = false;
            if (_topics.Contains(topic))
            {
                return true;
            }

            if (_topics.Count >= options.MaxSubscriptionsPerConnection)
            {
                return false;
            }

            added = _topics.Add(topic);
            return true;
        }
    }

    public bool RemoveTopic(string topic)
    {
        lock (_lock)
        {
            return _topics.Remove(topic);
        }
    }

    /// <summary>The connection is gone: stops its writes and returns what it followed.</summary>
    public string[] TakeTopics()
    {
        lock (_lock)
        {
            _state = State.Gone;
            DropPending();
            var topics = _topics.ToArray();
            _topics.Clear();
            return topics;
        }
    }

    /// <summary>Closes a connection whose oldest waiting event is older than the bound, even when no new event arrives.</summary>
    public void CloseIfStale()
    {
        lock (_lock)
        {
            if (_state != State.Open || _pending.Count == 0 || time.GetElapsedTime(_pending.Peek().QueuedAt) <= options.MaxPendingAge)
            {
                return;
            }

            BeginClose();
        }
    }

    private void Enqueue(SerializedHubMessage message)
    {
        var size = message.GetSerializedMessage(connection.Protocol).Length;
        _pending.Enqueue(new Pending(message, size, time.GetTimestamp()));
        _pendingBytes += size;
        var hostWithin = hostBudget.Add(size);
        if (!hostWithin || _pendingBytes > options.MaxPendingBytes || time.GetElapsedTime(_pending.Peek().QueuedAt) > options.MaxPendingAge)
        {
            BeginClose();
        }
    }

    // Called under the lock: drops what waits, and lets the write in flight finish before the close message.
    private void BeginClose()
    {
        _state = State.SlowConsumer;
        var behind = _pendingBytes;
        DropPending();
        metrics.SlowConsumerClosed();
        LogSlowConsumer(logger, connection.ConnectionId, connection.UserIdentifier, behind);
        _ = AbortAfterGraceAsync();
        if (!_writing)
        {
            _writing = true;
            _ = CloseAsync();
        }
    }

    // Called under the lock: forgets what waits, and gives its bytes back to the host's budget.
    private void DropPending()
    {
        _pending.Clear();
        hostBudget.Release(_pendingBytes);
        _pendingBytes = 0;
    }

    private void WriteFrom(SerializedHubMessage first)
    {
        var message = first;
        while (true)
        {
            ValueTask write;
            try
            {
                write = connection.WriteAsync(message);
            }
            catch (Exception ex)
            {
                LogWriteFailed(logger, ex, connection.ConnectionId);
                write = ValueTask.CompletedTask;
            }

            if (!write.IsCompleted)
            {
                _ = ContinueAfterAsync(write);
                return;
            }

            Observe(write);
            if (!TryNext(out message))
            {
                return;
            }
        }
    }

    private async Task ContinueAfterAsync(ValueTask write)
    {
        try
        {
            await write;
        }
        catch (Exception ex)
        {
            LogWriteFailed(logger, ex, connection.ConnectionId);
        }

        if (TryNext(out var next))
        {
            WriteFrom(next);
        }
    }

    private bool TryNext(out SerializedHubMessage message)
    {
        lock (_lock)
        {
            if (_state != State.Open)
            {
                // A slow consumer gets its close message after the write in flight; a connection that is gone gets nothing.
                if (_state == State.SlowConsumer)
                {
                    _ = CloseAsync();
                }

                message = null!;
                return false;
            }

            if (_pending.TryDequeue(out var pending))
            {
                _pendingBytes -= pending.Size;
                hostBudget.Release(pending.Size);
                message = pending.Message;
                return true;
            }

            _writing = false;
            message = null!;
            return false;
        }
    }

    private async Task CloseAsync()
    {
        try
        {
            await connection.WriteAsync(new CloseMessage(SlowConsumerReason, allowReconnect: true));
        }
        catch (Exception ex)
        {
            LogWriteFailed(logger, ex, connection.ConnectionId);
        }
    }

    private async Task AbortAfterGraceAsync()
    {
        // A client that reads the close message disconnects by itself; one that reads nothing is cut off.
        try
        {
            await Task.Delay(options.CloseGrace, time, connection.ConnectionAborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        connection.Abort();
    }

    private void Observe(ValueTask write)
    {
        try
        {
            write.GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            LogWriteFailed(logger, ex, connection.ConnectionId);
        }
    }

    private enum State
    {
        Open,
        SlowConsumer,
        Gone,
    }

    private readonly record struct Pending(SerializedHubMessage Message, int Size, long QueuedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closing connection {ConnectionId} of {User} as a slow consumer ({Bytes} bytes waiting).")]
    private static partial void LogSlowConsumer(ILogger logger, string connectionId, string? user, long bytes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Writing to connection {ConnectionId} failed.")]
    private static partial void LogWriteFailed(ILogger logger, Exception ex, string connectionId);
}
