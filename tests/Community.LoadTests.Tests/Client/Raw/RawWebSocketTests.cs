using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Community.LoadTests.Client.Raw;

namespace Community.LoadTests.Tests.Client.Raw;

public class RawWebSocketTests
{
    private const byte Fin = 0x80;
    private const byte Text = 0x1;
    private const byte Binary = 0x2;
    private const byte Close = 0x8;
    private const byte Ping = 0x9;
    private const byte Pong = 0xA;

    [Fact]
    public async Task Several_frames_that_arrive_in_one_read_come_out_of_one_receive()
    {
        var stream = new ScriptedStream(Concat(Frame(Fin | Text, "{\"a\":1}\u001e"), Frame(Fin | Binary, "{\"b\":2}\u001e"), Frame(Fin | Text, "{\"c\":3}\u001e")));
        await using var socket = new RawWebSocket(stream);

        var buffer = new byte[1024];
        var count = await socket.ReceiveAsync(buffer);

        Assert.Equal("{\"a\":1}\u001e{\"b\":2}\u001e{\"c\":3}\u001e", Encoding.UTF8.GetString(buffer, 0, count));
        Assert.Equal(1, stream.Reads);
    }

    [Fact]
    public async Task A_frame_whose_header_and_payload_are_split_across_reads_comes_out_whole()
    {
        var payload = Bytes(300, seed: 7);
        var frame = Frame(Fin | Text, payload);
        var stream = new ScriptedStream(frame[..1], frame[1..3], frame[3..50], frame[50..]);
        await using var socket = new RawWebSocket(stream);

        Assert.Equal(payload, await ReceiveAllAsync(socket));
        Assert.Null(socket.CloseStatus);
    }

    [Fact]
    public async Task Payloads_with_16_bit_and_64_bit_lengths_come_out_whole_even_into_a_small_buffer()
    {
        var medium = Bytes(65_535, seed: 1);
        var large = Bytes(200_000, seed: 2);
        var stream = new ScriptedStream(Concat(Frame(Fin | Binary, medium), Frame(Fin | Text, large)));
        await using var socket = new RawWebSocket(stream);

        Assert.Equal(Concat(medium, large), await ReceiveAllAsync(socket, bufferBytes: 1000));
    }

    [Fact]
    public async Task A_fragmented_message_comes_out_as_its_fragments_joined()
    {
        var stream = new ScriptedStream(Concat(Frame(Text, "hel"), Frame(0x0, "lo "), Frame(Fin | 0x0, "world"), Frame(Fin | Text, "!")));
        await using var socket = new RawWebSocket(stream);

        Assert.Equal("hello world!", Encoding.UTF8.GetString(await ReceiveAllAsync(socket)));
    }

    [Fact]
    public async Task A_continuation_frame_outside_a_fragmented_message_is_a_protocol_violation()
    {
        await using var socket = new RawWebSocket(new ScriptedStream(Frame(Fin | 0x0, "stray")));

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ReceiveAsync(new byte[64]).AsTask());
    }

    [Fact]
    public async Task A_ping_between_data_frames_is_answered_with_a_masked_pong_and_its_data_is_not_delivered()
    {
        var stream = new ScriptedStream(Concat(Frame(Text, "a"), Frame(Fin | Ping, "hi"), Frame(Fin | 0x0, "b"), Frame(Fin | Text, "c")));
        await using var socket = new RawWebSocket(stream);

        Assert.Equal("abc", Encoding.UTF8.GetString(await ReceiveAllAsync(socket)));
        var pong = Assert.Single(ClientFrames(stream.Written));
        Assert.Equal((true, Pong, "hi"), (pong.Fin, pong.Opcode, Encoding.UTF8.GetString(pong.Payload)));
    }

    [Fact]
    public async Task A_close_frame_ends_the_stream_with_its_status_and_reason_and_is_answered_with_a_close()
    {
        var close = new byte[2 + "too slow".Length];
        BinaryPrimitives.WriteUInt16BigEndian(close, (ushort)WebSocketCloseStatus.PolicyViolation);
        Encoding.UTF8.GetBytes("too slow", close.AsSpan(2));
        var stream = new ScriptedStream(Concat(Frame(Fin | Text, "x"), Frame(Fin | Close, close), Frame(Fin | Text, "after the close")));
        await using var socket = new RawWebSocket(stream);

        var buffer = new byte[64];
        Assert.Equal("x", Encoding.UTF8.GetString(buffer, 0, await socket.ReceiveAsync(buffer)));
        Assert.Equal(0, await socket.ReceiveAsync(buffer));
        Assert.Equal(0, await socket.ReceiveAsync(buffer));

        Assert.Equal((WebSocketCloseStatus.PolicyViolation, "too slow"), (socket.CloseStatus, socket.CloseStatusDescription));
        Assert.False(socket.IsOpen);
        var answer = Assert.Single(ClientFrames(stream.Written));
        Assert.Equal((Close, (ushort)WebSocketCloseStatus.PolicyViolation), (answer.Opcode, BinaryPrimitives.ReadUInt16BigEndian(answer.Payload)));
    }

    [Fact]
    public async Task The_end_of_the_connection_without_a_close_frame_ends_the_stream_with_no_status()
    {
        var stream = new ScriptedStream(Frame(Fin | Text, "partial rec"));
        await using var socket = new RawWebSocket(stream);

        Assert.Equal("partial rec", Encoding.UTF8.GetString(await ReceiveAllAsync(socket)));
        Assert.Null(socket.CloseStatus);
        Assert.False(socket.IsOpen);
    }

    [Fact]
    public async Task Sent_frames_are_whole_masked_text_frames_with_the_right_length_encoding()
    {
        var stream = new ScriptedStream();
        await using var socket = new RawWebSocket(stream);
        var payloads = new[] { Bytes(5, seed: 3), Bytes(126, seed: 4), Bytes(70_000, seed: 5) };

        foreach (var payload in payloads)
        {
            await socket.SendTextAsync(payload, CancellationToken.None);
        }

        var frames = ClientFrames(stream.Written);
        Assert.Equal(payloads.Length, frames.Count);
        Assert.All(frames, f => Assert.Equal((true, Text), (f.Fin, f.Opcode)));
        Assert.Equal(payloads, frames.Select(f => f.Payload));
        Assert.Equal(new[] { 2, 4, 10 }, frames.Select(f => f.LengthBytes));
    }

    [Fact]
    public async Task Polled_it_takes_what_has_arrived_without_waiting_answers_a_ping_and_ends_at_a_close_with_its_reason()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = AcceptUpgradeAsync(listener);
        var socket = RawWebSocket.ConnectPolled(new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/"), "token");
        await using var _ = socket;
        using var server = await accepted;
        var buffer = new byte[1024];

        // Nothing sent yet: no wait, no bytes.
        Assert.Equal(0, socket.Receive(buffer, out var wouldBlock));
        Assert.True(wouldBlock);

        await server.SendAsync(Concat(Frame(Fin | Text, "{\"a\":1}\u001e"), Frame(Fin | Ping, "hi"), Frame(Fin | Text, "{\"b\":2}\u001e")));
        Assert.Equal("{\"a\":1}\u001e{\"b\":2}\u001e", Encoding.UTF8.GetString(await PollAsync(socket, 14)));
        var pong = Assert.Single(ClientFrames(await ReadAtLeastAsync(server, 2 + 4 + 2)));
        Assert.Equal((true, Pong, "hi"), (pong.Fin, pong.Opcode, Encoding.UTF8.GetString(pong.Payload)));

        var close = new byte[2 + "too slow".Length];
        BinaryPrimitives.WriteUInt16BigEndian(close, (ushort)WebSocketCloseStatus.PolicyViolation);
        Encoding.UTF8.GetBytes("too slow", close.AsSpan(2));
        await server.SendAsync(Frame(Fin | Close, close));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        do
        {
            Assert.Equal(0, socket.Receive(buffer, out wouldBlock));
        }
        while (wouldBlock && DateTime.UtcNow < deadline && await Task.Delay(5).ContinueWith(_ => true));

        Assert.False(wouldBlock);
        Assert.Equal((WebSocketCloseStatus.PolicyViolation, "too slow"), (socket.CloseStatus, socket.CloseStatusDescription));
        var answer = Assert.Single(ClientFrames(await ReadAtLeastAsync(server, 2 + 4 + 2)));
        Assert.Equal((Close, (ushort)WebSocketCloseStatus.PolicyViolation), (answer.Opcode, BinaryPrimitives.ReadUInt16BigEndian(answer.Payload)));
    }

    /// <summary>Accepts one connection and answers its WebSocket upgrade (the accept key is not checked by the driver).</summary>
    private static async Task<Socket> AcceptUpgradeAsync(TcpListener listener)
    {
        var server = await listener.AcceptSocketAsync();
        var request = new List<byte>();
        var one = new byte[1];
        while (request.Count < 4 || !request.TakeLast(4).SequenceEqual("\r\n\r\n"u8.ToArray()))
        {
            Assert.Equal(1, await server.ReceiveAsync(one));
            request.Add(one[0]);
        }

        Assert.StartsWith("GET /hubs/community?access_token=token HTTP/1.1", Encoding.ASCII.GetString(request.ToArray()));
        await server.SendAsync("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"u8.ToArray());
        return server;
    }

    /// <summary>Polls until <paramref name="count"/> payload bytes came (at most 10 s), as the receive poller does.</summary>
    private static async Task<byte[]> PollAsync(RawWebSocket socket, int count)
    {
        var all = new MemoryStream();
        var buffer = new byte[1024];
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (all.Length < count && DateTime.UtcNow < deadline)
        {
            var n = socket.Receive(buffer, out var wouldBlock);
            all.Write(buffer, 0, n);
            if (n == 0 && !wouldBlock)
            {
                break;
            }

            if (n == 0)
            {
                await Task.Delay(5);
            }
        }

        return all.ToArray();
    }

    private static async Task<byte[]> ReadAtLeastAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var read = 0;
        while (read < count)
        {
            read += await socket.ReceiveAsync(buffer.AsMemory(read), timeout.Token);
        }

        return buffer;
    }

    private static async Task<byte[]> ReceiveAllAsync(RawWebSocket socket, int bufferBytes = 64 * 1024)
    {
        var all = new MemoryStream();
        var buffer = new byte[bufferBytes];
        int count;
        while ((count = await socket.ReceiveAsync(buffer)) > 0)
        {
            all.Write(buffer, 0, count);
        }

        return all.ToArray();
    }

    /// <summary>A server frame (unmasked): <paramref name="first"/> is FIN and the opcode.</summary>
    private static byte[] Frame(int first, string payload) => Frame(first, Encoding.UTF8.GetBytes(payload));

    private static byte[] Frame(int first, byte[] payload)
    {
        var header = payload.Length switch
        {
            <= 125 => new byte[] { (byte)first, (byte)payload.Length },
            <= ushort.MaxValue => [(byte)first, 126, (byte)(payload.Length >> 8), (byte)payload.Length],
            _ => [(byte)first, 127, .. BitConverter.GetBytes(BinaryPrimitives.ReverseEndianness((long)payload.Length))],
        };
        return Concat(header, payload);
    }

    private sealed record ClientFrame(bool Fin, byte Opcode, int LengthBytes, byte[] Payload);

    /// <summary>Reads the frames a client wrote, checking each is masked (RFC 6455 section 5.3), and unmasks them.</summary>
    private static List<ClientFrame> ClientFrames(byte[] written)
    {
        var frames = new List<ClientFrame>();
        var at = 0;
        while (at < written.Length)
        {
            Assert.True((written[at + 1] & 0x80) != 0, "a client frame is not masked");
            var (length, lengthBytes) = (written[at + 1] & 0x7F) switch
            {
                126 => (BinaryPrimitives.ReadUInt16BigEndian(written.AsSpan(at + 2)), 4),
                127 => ((int)BinaryPrimitives.ReadInt64BigEndian(written.AsSpan(at + 2)), 10),
                var short7 => (short7, 2),
            };
            var mask = written.AsSpan(at + lengthBytes, 4).ToArray();
            var payload = written.AsSpan(at + lengthBytes + 4, length).ToArray();
            for (var i = 0; i < payload.Length; i++)
            {
                payload[i] ^= mask[i % 4];
            }

            frames.Add(new ClientFrame((written[at] & 0x80) != 0, (byte)(written[at] & 0x0F), lengthBytes, payload));
            at += lengthBytes + 4 + length;
        }

        return frames;
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>A connection whose reads return the given chunks one by one (then its end), and that keeps what is written.</summary>
    private sealed class ScriptedStream(params byte[][] chunks) : Stream
    {
        private readonly Queue<byte[]> _chunks = new(chunks);
        private readonly MemoryStream _written = new();
        private int _offset;

        public int Reads { get; private set; }

        public byte[] Written => _written.ToArray();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            Reads++;
            if (!_chunks.TryPeek(out var chunk))
            {
                return 0;
            }

            // What of a chunk does not fit the reader's buffer comes with the next read.
            var count = Math.Min(chunk.Length - _offset, buffer.Length);
            chunk.AsSpan(_offset, count).CopyTo(buffer);
            _offset += count;
            if (_offset == chunk.Length)
            {
                _chunks.Dequeue();
                _offset = 0;
            }

            return count;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _written.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Write(byte[] buffer, int offset, int count) => _written.Write(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
