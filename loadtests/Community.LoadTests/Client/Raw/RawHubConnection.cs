using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Community.LoadTests.Workload;

namespace Community.LoadTests.Client.Raw;

/// <summary>
/// A hub connection over a bare <see cref="RawWebSocket"/> that speaks the SignalR JSON protocol itself: the receiver
/// the driver uses by default, because it costs a fraction of the SignalR .NET client per delivery. One receive loop per
/// connection takes the payload bytes of whatever frames have arrived into a pooled buffer (one socket read serves many
/// frames), stamped with the time of the read that brought them, splits them at 0x1E and hands each
/// push of the registered event to its <see cref="StreamSubscriber"/> as (stream id, seq, stamp) scanned straight from
/// the bytes (<see cref="HubRecords"/>): no message objects, no strings. Invocations (joins, subscribes, sends) go
/// over the same socket and are matched to their completions by invocation id. It sends a ping every
/// <see cref="PingInterval"/> so that the server's client timeout does not close a connection that only listens.
/// </summary>
public sealed class RawHubConnection : IHubClient, IPolledReceiver
{
    public static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(10);

    private const int ReceiveBufferBytes = 16 * 1024;
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly Uri _baseUrl;
    private readonly string _token;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _receiveEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _polled;
    private byte[] _pollBuffer = [];
    private ReceivePoller? _poller;
    private int _pollFilled;
    private byte[] _eventName = [];
    private byte[] _streamIdProperty = [];
    private StreamSubscriber? _subscriber;
    private Action<string?>? _closed;
    private RawWebSocket? _socket;
    private Task? _receiveLoop;
    private Timer? _ping;
    private long _nextInvocationId;
    private volatile bool _handshakeDone;
    private volatile bool _disposing;

    /// <param name="polled">
    /// Read by a <see cref="ReceivePoller"/> instead of a receive loop of its own (plain <c>ws://</c>; <c>wss://</c>
    /// keeps the loop).
    /// </param>
    public RawHubConnection(Uri baseUrl, string token, bool polled = false)
    {
        _baseUrl = baseUrl;
        _token = token;
        _polled = polled && baseUrl.Scheme == Uri.UriSchemeHttp;
    }

    public bool Connected => _handshakeDone && _socket is { IsOpen: true };

    public void Deliver(StreamEvent streamEvent, StreamSubscriber subscriber)
    {
        _eventName = Encoding.UTF8.GetBytes(streamEvent.Name);
        _streamIdProperty = Encoding.UTF8.GetBytes(streamEvent.StreamIdProperty);
        _subscriber = subscriber;
    }

    public void OnClosed(Action<string?> handler) => _closed = handler;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_polled)
        {
            _socket = await Task.Run(() => RawWebSocket.ConnectPolled(_baseUrl, _token), cancellationToken);
            _pollBuffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferBytes);
            _receiveLoop = _receiveEnded.Task;
            _poller = ReceivePoller.Next();
            _poller.Add(this);
        }
        else
        {
            var socket = await RawWebSocket.ConnectAsync(_baseUrl, _token, receiveBufferBytes: null, cancellationToken);
            _socket = socket;
            _receiveLoop = Task.Run(() => ReceiveLoopAsync(socket), CancellationToken.None);
        }

        await SendAsync(HubRecords.Handshake.ToArray(), cancellationToken);
        await _handshake.Task.WaitAsync(cancellationToken);
        _ping = new Timer(static state => _ = ((RawHubConnection)state!).PingAsync(), this, PingInterval, PingInterval);
    }

    public async Task<T> InvokeAsync<T>(string method, object?[] arguments, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextInvocationId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        try
        {
            await SendAsync(HubRecords.Invocation(id, method, arguments), cancellationToken);
            using var cancel = cancellationToken.Register(static s => ((TaskCompletionSource<JsonElement>)s!).TrySetCanceled(), answer);
            var result = await answer.Task;
            return HubRecords.Deserialize<T>(result)
                ?? throw new InvalidOperationException($"{method} answered without a result.");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposing = true;
        if (_ping is not null)
        {
            await _ping.DisposeAsync();
        }

        if (_socket is { IsOpen: true })
        {
            using var timeout = new CancellationTokenSource(CloseTimeout);
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, timeout.Token);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
            {
                // Already broken or too slow to close: disposing below aborts it.
            }
        }

        if (_receiveLoop is not null)
        {
            await _receiveLoop.WaitAsync(CloseTimeout, CancellationToken.None).ContinueWith(static _ => { }, TaskScheduler.Default);
        }

        if (_socket is not null)
        {
            await _socket.DisposeAsync();
        }
    }

    /// <summary>
    /// Sends one or more whole records as one frame. Not cancellable once on the wire: a frame cut short would break the
    /// connection, and a write given up by the driver must not take the connection down with it.
    /// </summary>
    private Task SendAsync(byte[] records, CancellationToken cancellationToken) =>
        (_socket ?? throw new InvalidOperationException("the hub connection is not started")).SendTextAsync(records, cancellationToken);

    private async Task PingAsync()
    {
        try
        {
            await SendAsync(HubRecords.Ping.ToArray(), CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The socket is closing or broken: the receive loop reports that once, with its reason.
        }
    }

    private async Task ReceiveLoopAsync(RawWebSocket socket)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferBytes);
        var filled = 0;
        string? reason = null;
        try
        {
            while (true)
            {
                MakeRoom(ref buffer, filled);
                var received = await socket.ReceiveAsync(buffer.AsMemory(filled), CancellationToken.None);
                if (received == 0)
                {
                    reason ??= EndReason(socket);
                    break;
                }

                filled = Received(buffer, filled + received, socket.ReceivedAt, ref reason);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException or JsonException)
        {
            reason ??= ex.Message;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        Ended(reason ?? "closed");
    }

    /// <inheritdoc />
    public bool Poll()
    {
        var socket = _socket;
        if (socket is null || _receiveEnded.Task.IsCompleted)
        {
            return false;
        }

        string? reason = null;
        var any = false;
        try
        {
            while (true)
            {
                MakeRoom(ref _pollBuffer, _pollFilled);
                var received = socket.Receive(_pollBuffer.AsSpan(_pollFilled), out var wouldBlock);
                if (received == 0)
                {
                    if (wouldBlock)
                    {
                        return any;
                    }

                    reason = EndReason(socket);
                    break;
                }

                any = true;
                _pollFilled = Received(_pollBuffer, _pollFilled + received, socket.ReceivedAt, ref reason);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or JsonException)
        {
            reason ??= ex.Message;
        }

        _poller?.Remove(this);
        ArrayPool<byte>.Shared.Return(_pollBuffer);
        _pollBuffer = [];
        Ended(reason ?? "closed");
        return any;
    }

    private static string EndReason(RawWebSocket socket) =>
        socket.CloseStatusDescription is { Length: > 0 } description ? description
        : socket.CloseStatus is { } status ? $"closed by the server ({status})"
        : "the server ended the connection without a WebSocket close";

    /// <summary>A record longer than the buffer (a long catch-up answer): grow it, keeping what arrived.</summary>
    private static void MakeRoom(ref byte[] buffer, int filled)
    {
        if (filled == buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
            buffer.AsSpan(0, filled).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }
    }

    /// <summary>Handles the complete records among the first <paramref name="filled"/> bytes, moves the rest to the front; returns how many bytes remain.</summary>
    private int Received(byte[] buffer, int filled, long receivedAt, ref string? closeReason)
    {
        var consumed = ProcessRecords(buffer.AsSpan(0, filled), receivedAt, ref closeReason);
        if (consumed > 0)
        {
            buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
        }

        return filled - consumed;
    }

    /// <summary>Handles every complete record in <paramref name="data"/>; returns the bytes consumed.</summary>
    private int ProcessRecords(ReadOnlySpan<byte> data, long receivedAt, ref string? closeReason)
    {
        Span<char> streamId = stackalloc char[HubRecords.MaxStreamIdChars];
        var consumed = 0;
        int end;
        while ((end = data[consumed..].IndexOf(HubRecords.Separator)) >= 0)
        {
            var record = data.Slice(consumed, end);
            consumed += end + 1;
            if (!_handshakeDone)
            {
                Handshaken(record);
                continue;
            }

            var read = HubRecords.Read(record, _streamIdProperty, streamId);
            switch (read.Type)
            {
                case HubRecords.InvocationType when _subscriber is not null && read.StreamIdLength >= 0 && read.Target.SequenceEqual(_eventName):
                    _subscriber.OnItem(streamId[..read.StreamIdLength], read.Seq, read.Stamp, receivedAt);
                    break;
                case HubRecords.CompletionType:
                    Complete(record, read.InvocationId, read.HasError);
                    break;
                case HubRecords.CloseType:
                    closeReason ??= HubRecords.Error(record) ?? "the server closed the hub connection";
                    break;
            }
        }

        return consumed;
    }

    private void Handshaken(ReadOnlySpan<byte> record)
    {
        if (HubRecords.Error(record) is { } error)
        {
            _handshake.TrySetException(new InvalidOperationException($"hub handshake refused: {error}"));
            return;
        }

        _handshakeDone = true;
        _handshake.TrySetResult();
    }

    private void Complete(ReadOnlySpan<byte> record, ReadOnlySpan<byte> invocationId, bool hasError)
    {
        if (!long.TryParse(Encoding.UTF8.GetString(invocationId), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !_pending.TryGetValue(id, out var answer))
        {
            return;
        }

        if (hasError)
        {
            answer.TrySetException(new InvalidOperationException(HubRecords.Error(record)));
        }
        else
        {
            answer.TrySetResult(HubRecords.Result(record));
        }
    }

    private void Ended(string reason)
    {
        _receiveEnded.TrySetResult();
        _handshake.TrySetException(new InvalidOperationException($"hub connection closed before its handshake: {reason}"));
        foreach (var answer in _pending.Values)
        {
            answer.TrySetException(new InvalidOperationException($"hub connection closed: {reason}"));
        }

        if (!_disposing)
        {
            _closed?.Invoke(reason);
        }
    }
}
