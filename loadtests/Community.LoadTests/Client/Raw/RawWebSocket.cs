using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Community.LoadTests.Client.Raw;

/// <summary>
/// The client side of a WebSocket (RFC 6455), as small as the driver's receivers need, over a bare socket: its receive
/// side is a byte stream. One read of the socket (up to 64 KiB) usually holds many frames, and one
/// <see cref="ReceiveAsync"/> copies the payloads of all of them into the caller's buffer: one read and one async call
/// serve many deliveries, where <see cref="ClientWebSocket"/> costs one of each per frame. Frame boundaries are not kept
/// (the hub protocol has its own record separator), so text, binary and continuation payloads come out alike. Pings are
/// answered with a pong, pongs ignored, and a close frame ends the stream with its status (<see cref="CloseStatus"/>).
/// </summary>
/// <remarks>
/// Polled mode (<see cref="ConnectPolled"/>, <see cref="Receive"/>) does the same without waiting, for
/// <see cref="ReceivePoller"/>: the frames are walked by the same code (<c>Advance</c>).
/// One receiver at a time; sends (<see cref="SendTextAsync"/>, <see cref="CloseOutputAsync"/>, the pongs) may come from
/// any thread, each frame whole. Disposing aborts the connection without a close handshake.
/// </remarks>
public sealed class RawWebSocket : IAsyncDisposable
{
    public const int ReceiveBufferBytes = 64 * 1024;

    private const int MaxUpgradeResponseBytes = 16 * 1024;

    // Opcodes (RFC 6455 section 5.2); 0x8 and above are control frames (section 5.5).
    private const byte Continuation = 0x0;
    private const byte Text = 0x1;
    private const byte Binary = 0x2;
    private const byte Close = 0x8;
    private const byte Ping = 0x9;
    private const byte Pong = 0xA;

    private const int MaxControlPayload = 125;

    // A client frame's header: 2 bytes, 8 of extended length at most, and the 4-byte mask key (section 5.2).
    private const int MaxClientHeaderBytes = 14;

    private readonly Stream _stream;

    // Set in polled mode (ConnectPolled): the socket is non-blocking and used only synchronously, so the runtime's
    // socket engine never registers it with its epoll thread (see ReceivePoller).
    private readonly Socket? _polled;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly byte[] _buffer = new byte[ReceiveBufferBytes];
    private int _start;
    private int _end;
    private long _payloadLeft;
    private bool _inFragmentedMessage;
    private volatile bool _ended;
    private volatile bool _closeReceived;
    private volatile bool _closeSent;

    /// <summary>A WebSocket over <paramref name="stream"/>, already upgraded: the next byte read is a frame's first.</summary>
    public RawWebSocket(Stream stream) => _stream = stream;

    private RawWebSocket(Socket socket, Stream stream)
    {
        _stream = stream;
        _polled = socket;
    }

    /// <summary>Neither side has closed, and the connection has not ended.</summary>
    public bool IsOpen => !_closeReceived && !_closeSent && !_ended;

    /// <summary>The <see cref="Stopwatch"/> timestamp of the socket read that brought the bytes last received.</summary>
    public long ReceivedAt { get; private set; }

    /// <summary>The status of the server's close frame; null if none came (yet).</summary>
    public WebSocketCloseStatus? CloseStatus { get; private set; }

    /// <summary>The reason in the server's close frame; null if none came, empty if it gave none.</summary>
    public string? CloseStatusDescription { get; private set; }

    /// <summary>
    /// Connects to the community hub of <paramref name="baseUrl"/> as the token's user: a TCP socket with Nagle off (TLS
    /// if the URL is https), then the HTTP/1.1 upgrade (section 4.1). <paramref name="receiveBufferBytes"/> sets the
    /// socket's receive buffer before it connects (the kernel sizes the TCP window it advertises from it).
    /// </summary>
    public static async Task<RawWebSocket> ConnectAsync(Uri baseUrl, string token, int? receiveBufferBytes, CancellationToken cancellationToken)
    {
        // Dual mode, so an IPv6 or an IPv4 address both work.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferBytes is { } bytes)
        {
            socket.ReceiveBufferSize = bytes;
        }

        Stream? stream = null;
        try
        {
            await socket.ConnectAsync(baseUrl.DnsSafeHost, baseUrl.Port, cancellationToken);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (baseUrl.Scheme == Uri.UriSchemeHttps)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = baseUrl.DnsSafeHost }, cancellationToken);
            }

            await UpgradeAsync(stream, baseUrl, token, cancellationToken);
            return new RawWebSocket(stream);
        }
        catch
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }

            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connects for <see cref="Receive"/>: blocking connect and upgrade, then a non-blocking socket that is only ever
    /// used synchronously (plain <c>ws://</c> only). The runtime registers a socket with its epoll thread at the first
    /// asynchronous operation that has to wait, and from then on every segment that arrives wakes that thread; a socket
    /// read only by <see cref="ReceivePoller"/> never is.
    /// </summary>
    public static RawWebSocket ConnectPolled(Uri baseUrl, string token)
    {
        if (baseUrl.Scheme == Uri.UriSchemeHttps)
        {
            throw new NotSupportedException("the polled receiver speaks plain ws:// only");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Connect(baseUrl.DnsSafeHost, baseUrl.Port);
            var stream = new NetworkStream(socket, ownsSocket: true);
            Upgrade(stream, baseUrl, token);
            socket.Blocking = false;
            return new RawWebSocket(socket, stream);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Polled mode: copies the payload bytes of the data frames in hand or readable now into <paramref name="destination"/>
    /// without waiting. Returns 0 with <paramref name="wouldBlock"/> set when nothing is readable yet, and 0 without it
    /// when the connection has ended (a close frame, or the socket's end).
    /// </summary>
    public int Receive(Span<byte> destination, out bool wouldBlock)
    {
        ArgumentOutOfRangeException.ThrowIfZero(destination.Length);
        var socket = _polled ?? throw new InvalidOperationException("not a polled WebSocket");
        wouldBlock = false;
        var written = 0;
        while (true)
        {
            switch (Advance(destination, ref written))
            {
                case Step.Control:
                    // In polled mode the answer (a pong, a close) is written synchronously: the task is complete.
                    ControlFrameAsync(CancellationToken.None).GetAwaiter().GetResult();
                    continue;
                case Step.Fill:
                    break;
                default:
                    return written;
            }

            Compact();
            var read = socket.Receive(_buffer.AsSpan(_end), SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                wouldBlock = true;
                return written;
            }

            if (error != SocketError.Success)
            {
                throw new IOException($"receive failed: {error}", new SocketException((int)error));
            }

            Filled(read);
        }
    }

    /// <summary>
    /// Copies the payload bytes that have arrived into <paramref name="destination"/>, reading the socket only when none
    /// is in hand; returns how many, or 0 once the connection is closed (a close frame or the connection's end).
    /// </summary>
    /// <exception cref="WebSocketException">The server broke the protocol.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ReceiveAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(destination.Length);
        var written = 0;
        while (true)
        {
            switch (Advance(destination.Span, ref written))
            {
                case Step.Control:
                    await ControlFrameAsync(cancellationToken);
                    continue;
                case Step.Fill:
                    Compact();
                    Filled(await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken));
                    continue;
                default:
                    return written;
            }
        }
    }

    /// <summary>What <see cref="Advance"/> needs next.</summary>
    private enum Step
    {
        /// <summary>The caller's buffer is full, something was copied, or the connection ended: return.</summary>
        Return,

        /// <summary>A whole control frame is in hand at <c>_start</c>: handle it.</summary>
        Control,

        /// <summary>Nothing more can be taken from the bytes in hand and nothing was copied yet: read the socket.</summary>
        Fill,
    }

    /// <summary>
    /// Walks the frames in hand: the current data frame's payload goes straight into <paramref name="destination"/> (as
    /// much as is in hand and fits), data frame headers are taken, and it stops at a whole control frame or when it needs
    /// more bytes.
    /// </summary>
    private Step Advance(Span<byte> destination, ref int written)
    {
        while (written < destination.Length && !_closeReceived && !_ended)
        {
            if (_payloadLeft > 0 && _end > _start)
            {
                var count = (int)Math.Min(_payloadLeft, Math.Min(_end - _start, destination.Length - written));
                _buffer.AsSpan(_start, count).CopyTo(destination[written..]);
                _start += count;
                _payloadLeft -= count;
                written += count;
                continue;
            }

            if (_payloadLeft == 0 && TryReadHeader(_buffer.AsSpan(_start, _end - _start), out var fin, out var opcode, out var length, out var headerBytes))
            {
                if (opcode < Close)
                {
                    StartDataFrame(fin, opcode, length);
                    _start += headerBytes;
                    continue;
                }

                // A control frame is never fragmented and has at most 125 bytes of payload (section 5.5): it is handled
                // whole, once all of it is in hand.
                if (!fin || length > MaxControlPayload)
                {
                    throw Violation("a control frame is fragmented or longer than 125 bytes");
                }

                if (_end - _start >= headerBytes + length)
                {
                    return Step.Control;
                }
            }

            // Nothing more to take from the bytes in hand: give what was copied, or read the socket.
            return written > 0 ? Step.Return : Step.Fill;
        }

        return Step.Return;
    }

    private void Compact()
    {
        var kept = _end - _start;
        _buffer.AsSpan(_start, kept).CopyTo(_buffer);
        (_start, _end) = (0, kept);
    }

    private void Filled(int read)
    {
        ReceivedAt = Stopwatch.GetTimestamp();
        _end += read;
        _ended = read == 0;
    }

    public Task SendTextAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        SendFrameAsync(Text, payload, cancellationToken, CancellationToken.None);

    /// <summary>Starts the close handshake (section 7.1.2): nothing is sent after it; the server's close ends receiving.</summary>
    public Task CloseOutputAsync(WebSocketCloseStatus status, CancellationToken cancellationToken)
    {
        var code = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(code, (ushort)status);
        return SendFrameAsync(Close, code, cancellationToken, cancellationToken);
    }

    /// <summary>Polled mode: writes one frame synchronously; a full send buffer (rare: the driver's writes are small) is waited out in 1 ms sleeps.</summary>
    private void SendPolled(byte opcode, ReadOnlySpan<byte> payload, CancellationToken cancellationToken)
    {
        var socket = _polled!;
        var frame = ArrayPool<byte>.Shared.Rent(MaxClientHeaderBytes + payload.Length);
        try
        {
            var length = WriteFrame(frame, opcode, payload);
            _sendLock.Wait(cancellationToken);
            try
            {
                if (_closeSent)
                {
                    throw new InvalidOperationException("the WebSocket is closing: nothing more can be sent");
                }

                _closeSent = opcode == Close;
                var sent = 0;
                while (sent < length)
                {
                    var n = socket.Send(frame.AsSpan(sent, length - sent), SocketFlags.None, out var error);
                    if (error == SocketError.WouldBlock)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        Thread.Sleep(1);
                        continue;
                    }

                    if (error != SocketError.Success)
                    {
                        throw new IOException($"send failed: {error}", new SocketException((int)error));
                    }

                    sent += n;
                }
            }
            finally
            {
                _sendLock.Release();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Writes a masked client frame (header, mask key, masked payload) into <paramref name="span"/>; returns its length.</summary>
    private static int WriteFrame(Span<byte> span, byte opcode, ReadOnlySpan<byte> data)
    {
        span[0] = (byte)(0x80 | opcode);
        int headerBytes;
        if (data.Length <= 125)
        {
            span[1] = (byte)(0x80 | data.Length);
            headerBytes = 2;
        }
        else if (data.Length <= ushort.MaxValue)
        {
            span[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)data.Length);
            headerBytes = 4;
        }
        else
        {
            span[1] = 0x80 | 127;
            BinaryPrimitives.WriteUInt64BigEndian(span[2..], (ulong)data.Length);
            headerBytes = 10;
        }

        var mask = span.Slice(headerBytes, 4);
        RandomNumberGenerator.Fill(mask);
        var masked = span.Slice(headerBytes + 4, data.Length);
        for (var i = 0; i < data.Length; i++)
        {
            masked[i] = (byte)(data[i] ^ mask[i & 3]);
        }

        return headerBytes + 4 + data.Length;
    }

    public ValueTask DisposeAsync()
    {
        _ended = true;
        return _stream.DisposeAsync();
    }

    /// <summary>
    /// Reads a server frame's header (section 5.2) from the start of <paramref name="data"/>: false if it is not all there.
    /// </summary>
    private static bool TryReadHeader(ReadOnlySpan<byte> data, out bool fin, out byte opcode, out long length, out int headerBytes)
    {
        (fin, opcode, length, headerBytes) = (false, 0, 0, 2);
        if (data.Length < 2)
        {
            return false;
        }

        fin = (data[0] & 0x80) != 0;
        opcode = (byte)(data[0] & 0x0F);
        if ((data[0] & 0x70) != 0)
        {
            throw Violation("a frame has a reserved bit set, but no extension was negotiated");
        }

        if ((data[1] & 0x80) != 0)
        {
            throw Violation("a server frame is masked (section 5.1)");
        }

        length = data[1] & 0x7F;
        if (length == 126)
        {
            headerBytes = 4;
            if (data.Length < headerBytes)
            {
                return false;
            }

            length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        }
        else if (length == 127)
        {
            headerBytes = 10;
            if (data.Length < headerBytes)
            {
                return false;
            }

            // The most significant bit must be 0 (section 5.2), so it reads as a non-negative long.
            length = BinaryPrimitives.ReadInt64BigEndian(data[2..]);
            if (length < 0)
            {
                throw Violation("a frame's 64-bit length has its most significant bit set");
            }
        }

        return true;
    }

    /// <summary>Text and binary frames start a message; continuation frames carry on a fragmented one (section 5.4).</summary>
    private void StartDataFrame(bool fin, byte opcode, long length)
    {
        if (opcode is not (Continuation or Text or Binary))
        {
            throw Violation($"a frame has the unknown opcode 0x{opcode:X}");
        }

        if ((opcode == Continuation) != _inFragmentedMessage)
        {
            throw Violation(_inFragmentedMessage
                ? "a new message started before the fragmented one ended"
                : "a continuation frame came outside a fragmented message");
        }

        _inFragmentedMessage = !fin;
        _payloadLeft = length;
    }

    /// <summary>
    /// Handles the whole control frame at <c>_start</c> (see <see cref="Advance"/>) and moves past it. Ping: a pong with
    /// the same data (section 5.5.2); pong: nothing; close: the stream ends (section 5.5.1).
    /// </summary>
    private async Task ControlFrameAsync(CancellationToken cancellationToken)
    {
        TryReadHeader(_buffer.AsSpan(_start, _end - _start), out _, out var opcode, out var length, out var headerBytes);
        var payload = _buffer.AsMemory(_start + headerBytes, (int)length).ToArray();
        _start += headerBytes + (int)length;
        switch (opcode)
        {
            case Ping:
                await SendFrameAsync(Pong, payload, cancellationToken, CancellationToken.None);
                break;
            case Pong:
                break;
            case Close:
                if (payload.Length == 1)
                {
                    throw Violation("a close frame's payload is one byte, too short for its status");
                }

                // No status in the frame reads as 1005 (section 7.1.5).
                CloseStatus = payload.Length >= 2
                    ? (WebSocketCloseStatus)BinaryPrimitives.ReadUInt16BigEndian(payload)
                    : WebSocketCloseStatus.Empty;
                CloseStatusDescription = payload.Length > 2 ? Encoding.UTF8.GetString(payload.AsSpan(2)) : "";
                _closeReceived = true;
                await AnswerCloseAsync(payload.Length >= 2 ? payload.AsMemory(0, 2) : ReadOnlyMemory<byte>.Empty);
                break;
            default:
                throw Violation($"a frame has the unknown opcode 0x{opcode:X}");
        }
    }

    /// <summary>A close is answered with a close (section 5.5.1) unless this side sent one first; the server may be gone.</summary>
    private async Task AnswerCloseAsync(ReadOnlyMemory<byte> status)
    {
        if (_closeSent)
        {
            return;
        }

        try
        {
            await SendFrameAsync(Close, status, CancellationToken.None, CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection is over either way.
        }
    }

    /// <summary>Writes one whole masked frame; frames from several threads never interleave.</summary>
    private async Task SendFrameAsync(byte opcode, ReadOnlyMemory<byte> payload, CancellationToken waitCancellation, CancellationToken writeCancellation)
    {
        if (_polled is not null)
        {
            SendPolled(opcode, payload.Span, waitCancellation);
            return;
        }

        var frame = ArrayPool<byte>.Shared.Rent(MaxClientHeaderBytes + payload.Length);
        try
        {
            var length = WriteFrame(frame, opcode, payload.Span);
            await _sendLock.WaitAsync(waitCancellation);
            try
            {
                if (_closeSent)
                {
                    throw new InvalidOperationException("the WebSocket is closing: nothing more can be sent");
                }

                _closeSent = opcode == Close;

                // NetworkStream and SslStream write through: no flush needed.
                await _stream.WriteAsync(frame.AsMemory(0, length), writeCancellation);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    private static WebSocketException Violation(string what) =>
        new(WebSocketError.Faulted, $"WebSocket protocol violation by the server: {what}");

    private static async Task UpgradeAsync(Stream stream, Uri baseUrl, string token, CancellationToken cancellationToken)
    {
        var request = UpgradeRequest(baseUrl, token, out var path);
        await stream.WriteAsync(request, cancellationToken);
        await stream.FlushAsync(cancellationToken);

        // One byte at a time: the first frame starts right after the blank line.
        var response = new byte[MaxUpgradeResponseBytes];
        var length = 0;
        while (!EndsHeaders(response, length, path))
        {
            if (await stream.ReadAsync(response.AsMemory(length, 1), cancellationToken) == 0)
            {
                throw new IOException($"the server closed the connection during the WebSocket upgrade of {path}");
            }

            length++;
        }

        CheckUpgraded(response, length, path);
    }

    /// <summary><see cref="UpgradeAsync"/> over a blocking socket, for polled mode.</summary>
    private static void Upgrade(Stream stream, Uri baseUrl, string token)
    {
        var request = UpgradeRequest(baseUrl, token, out var path);
        stream.Write(request);
        var response = new byte[MaxUpgradeResponseBytes];
        var length = 0;
        while (!EndsHeaders(response, length, path))
        {
            if (stream.Read(response.AsSpan(length, 1)) == 0)
            {
                throw new IOException($"the server closed the connection during the WebSocket upgrade of {path}");
            }

            length++;
        }

        CheckUpgraded(response, length, path);
    }

    private static byte[] UpgradeRequest(Uri baseUrl, string token, out string path)
    {
        path = new Uri(baseUrl, HubNames.Path).AbsolutePath;
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        return Encoding.ASCII.GetBytes($"GET {path}?access_token={Uri.EscapeDataString(token)} HTTP/1.1\r\nHost: {baseUrl.Authority}\r\n"
            + $"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n");
    }

    private static bool EndsHeaders(byte[] response, int length, string path)
    {
        if (length >= 4 && response.AsSpan(length - 4, 4).SequenceEqual("\r\n\r\n"u8))
        {
            return true;
        }

        return length < response.Length
            ? false
            : throw new InvalidOperationException($"the answer to the WebSocket upgrade of {path} has no end of headers within {MaxUpgradeResponseBytes} bytes");
    }

    private static void CheckUpgraded(byte[] response, int length, string path)
    {
        var head = Encoding.ASCII.GetString(response, 0, length);
        var status = head[..head.IndexOf("\r\n", StringComparison.Ordinal)];
        if (!status.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"WebSocket upgrade of {path} refused: {status}");
        }
    }
}
