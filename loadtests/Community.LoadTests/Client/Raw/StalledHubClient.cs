using System.Net.WebSockets;

namespace Community.LoadTests.Client.Raw;

/// <summary>
/// The adversary of issue 9: a hub connection that joins a live room and then never reads its socket again. A bare TCP
/// socket whose receive buffer is made tiny before it connects (the window it advertises is sized from it, so it fills
/// at once), upgraded to a WebSocket (<see cref="RawWebSocket"/>), then the SignalR JSON handshake and one <c>JoinLive(liveId, null, 0)</c>;
/// after the join's completion nothing is read until <see cref="CheckClosedAsync"/> at the end of the run.
/// </summary>
/// <remarks>
/// It keeps sending a ping every <see cref="RawHubConnection.PingInterval"/>, as the driver's other connections do: it
/// is alive but does not read, so the server's client timeout (30 s without a message) does not close it, and whatever
/// closes it is the server's handling of slow consumers.
/// </remarks>
public sealed class StalledHubClient : IAsyncDisposable
{
    /// <summary>The socket's receive buffer, set before connecting (the kernel sizes the advertised TCP window from it).</summary>
    public const int ReceiveBufferBytes = 4096;

    private const long JoinInvocationId = 1;

    private static ReadOnlySpan<byte> JoinInvocationIdUtf8 => "1"u8;

    private readonly RawWebSocket _webSocket;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;
    private Timer? _ping;
    private int _pinging;
    private volatile string? _pingFailure;

    private StalledHubClient(RawWebSocket webSocket) => _webSocket = webSocket;

    /// <summary>Connects to the hub of <paramref name="baseUrl"/> as the token's user, joins the room, and from then on reads nothing.</summary>
    public static async Task<StalledHubClient> JoinLiveAsync(Uri baseUrl, string token, string liveId, CancellationToken cancellationToken)
    {
        var client = new StalledHubClient(await RawWebSocket.ConnectAsync(baseUrl, token, ReceiveBufferBytes, cancellationToken));
        try
        {
            await client.HandshakeAndJoinAsync(liveId, cancellationToken);
            client._ping = new Timer(static state => _ = ((StalledHubClient)state!).PingAsync(), client, RawHubConnection.PingInterval, RawHubConnection.PingInterval);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// At the end of the run: whether the server has closed this connection, and why. A stalled socket's unread data sits
    /// ahead of the server's close, so a non-blocking look (<c>Poll</c>, <c>Available</c>) cannot tell; this reads what
    /// the server wrote for at most <paramref name="within"/>. A close record, a WebSocket close or the connection's end
    /// means closed; nothing of that by the deadline means the server kept it.
    /// </summary>
    public async Task<StalledClientEnd> CheckClosedAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        if (_ping is not null)
        {
            await _ping.DisposeAsync();
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(within);
        try
        {
            while (await NextRecordAsync(deadline.Token) is { } record)
            {
                if (HubRecords.Read(record, [], []).Type == HubRecords.CloseType)
                {
                    return new StalledClientEnd(true, HubRecords.Error(record) ?? "a close record without an error");
                }
            }

            return new StalledClientEnd(true, _webSocket.CloseStatusDescription is { Length: > 0 } description ? $"WebSocket closed by the server: {description}"
                : _webSocket.CloseStatus is { } status ? $"WebSocket closed by the server ({status})"
                : "the connection ended without a WebSocket close");
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            // Cancelling a receive can surface as an IOException of the aborted read: the deadline decides.
            return deadline.IsCancellationRequested
                ? new StalledClientEnd(false, null)
                : new StalledClientEnd(true, _pingFailure ?? $"the connection ended: {ex.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_ping is not null)
        {
            await _ping.DisposeAsync();
        }

        // No close handshake: that would mean reading. Closing a socket with unread data resets the connection.
        await _webSocket.DisposeAsync();
    }

    private async Task HandshakeAndJoinAsync(string liveId, CancellationToken cancellationToken)
    {
        await _webSocket.SendTextAsync(HubRecords.Handshake.ToArray(), cancellationToken);
        var handshake = await NextRecordAsync(cancellationToken)
            ?? throw new InvalidOperationException("hub connection closed before its handshake");
        if (HubRecords.Error(handshake) is { } refused)
        {
            throw new InvalidOperationException($"hub handshake refused: {refused}");
        }

        await _webSocket.SendTextAsync(HubRecords.Invocation(JoinInvocationId, HubNames.JoinLive, [liveId, null, 0L]), cancellationToken);
        while (await NextRecordAsync(cancellationToken) is { } record)
        {
            var (type, isJoin, hasError) = Classify(record);
            if (type == HubRecords.CloseType || (isJoin && hasError))
            {
                throw new InvalidOperationException($"{HubNames.JoinLive} failed: {HubRecords.Error(record) ?? "the server closed the hub connection"}");
            }

            if (isJoin)
            {
                return;
            }
        }

        throw new InvalidOperationException($"hub connection closed before {HubNames.JoinLive} completed");
    }

    private static (int Type, bool IsJoinCompletion, bool HasError) Classify(byte[] record)
    {
        var read = HubRecords.Read(record, [], []);
        return (read.Type, read.Type == HubRecords.CompletionType && read.InvocationId.SequenceEqual(JoinInvocationIdUtf8), read.HasError);
    }

    /// <summary>The next whole record (without its separator), or null once the server has closed the WebSocket or the connection.</summary>
    private async Task<byte[]?> NextRecordAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var separator = _buffer.AsSpan(_start, _end - _start).IndexOf(HubRecords.Separator);
            if (separator >= 0)
            {
                var record = _buffer.AsSpan(_start, separator).ToArray();
                _start += separator + 1;
                return record;
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var received = await _webSocket.ReceiveAsync(_buffer.AsMemory(_end), cancellationToken);
            if (received == 0)
            {
                return null;
            }

            _end += received;
        }
    }

    private async Task PingAsync()
    {
        // A ping that cannot leave (the server stopped reading us) must not pile up behind itself.
        if (Interlocked.Exchange(ref _pinging, 1) == 1)
        {
            return;
        }

        try
        {
            await _webSocket.SendTextAsync(HubRecords.Ping.ToArray(), CancellationToken.None);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            _pingFailure ??= $"a ping could not be sent: {ex.Message}";
        }
        finally
        {
            Volatile.Write(ref _pinging, 0);
        }
    }
}

/// <summary>How a stalled client stood at the end of the run: closed by the server (and why, in its words) or still open.</summary>
public sealed record StalledClientEnd(bool ClosedByServer, string? Reason);
