using System.Diagnostics;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Community.Host.Hosting;
using Community.Host.Realtime;
using Community.IntegrationTests.Infrastructure;
using Community.Posts;
using Community.Realtime;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Community.IntegrationTests.Realtime;

public sealed class SlowConsumerTests
{
    [Fact]
    public async Task A_client_that_stops_reading_is_closed_as_a_slow_consumer_while_the_host_keeps_serving_everyone_else()
    {
        await using var host = await TestHost.StartAsync("slow-" + Guid.NewGuid().ToString("N")[..8], settings: new Dictionary<string, string?>
        {
            ["Realtime:MaxPendingBytes"] = "65536",
            ["Realtime:CloseGrace"] = "00:00:20",
        });
        var creator = ClusterFixture.Unique("cr");
        var creatorApi = await host.CreatorAsync(creator);
        var busyPost = await creatorApi.PublishAsync(creator, "busy");
        var otherPost = await creatorApi.PublishAsync(creator, "other");

        using var stalled = await RawHubClient.ConnectAsync(host, await host.TokenAsync(ClusterFixture.Unique("stall")));
        await stalled.InvokeAsync("SubscribePost", busyPost, null);

        await using var reader = await host.ConnectAsync(ClusterFixture.Unique("reader"));
        var seen = new EventLog<Comment>(reader, ClientEvents.CommentAdded);
        await reader.InvokeAsync<CommentCatchUp>("SubscribePost", otherPost, 0L);

        // Flood the busy post with long comments from a few fans while the stalled client reads nothing.
        var flooders = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => host.ClientAsync(ClusterFixture.Unique("flood"))));
        var text = new string('x', 2_000);
        var metrics = host.Services.GetRequiredService<RealtimeMetrics>();
        using var flooding = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        var flood = Task.WhenAll(flooders.Select(async fan =>
        {
            while (!flooding.IsCancellationRequested && metrics.SlowConsumerCloses == 0)
            {
                await fan.CommentAsync(busyPost, text);
            }
        }));

        // Meanwhile another topic on the same host keeps flowing: each comment arrives within a second of its acknowledgement.
        var worst = TimeSpan.Zero;
        var sent = 0;
        while (metrics.SlowConsumerCloses == 0 && !flooding.IsCancellationRequested)
        {
            var comment = await (await host.ClientAsync(ClusterFixture.Unique("fan"))).CommentAsync(otherPost, $"other {sent++}");
            var clock = Stopwatch.StartNew();
            await seen.WaitForAsync(c => c.Seq == comment.Seq, timeout: TimeSpan.FromSeconds(5));
            worst = clock.Elapsed > worst ? clock.Elapsed : worst;
        }

        await flooding.CancelAsync();
        await flood;
        Assert.Equal(1, metrics.SlowConsumerCloses);
        Assert.True(sent >= 1, "the other topic was written to while the busy one flooded");
        Assert.True(worst < TimeSpan.FromSeconds(1), $"a comment on another topic took {worst.TotalMilliseconds:F0} ms to arrive");

        // The stalled client reads again and finds, after what was buffered, the reason it was closed.
        var close = await stalled.ReadUntilCloseAsync(TimeSpan.FromSeconds(15));
        Assert.Contains("\"type\":7", close);
        Assert.Contains(ConnectionOutbox.SlowConsumerReason, close);
        Assert.Contains("\"allowReconnect\":true", close);
    }

    [Fact]
    public async Task Slow_clients_together_are_held_to_the_hosts_budget_even_when_each_is_within_its_own()
    {
        // Each connection may hold 64 MiB for 5 minutes, so only the host's budget (256 KiB for all of them) can close one.
        await using var host = await TestHost.StartAsync("slowhost-" + Guid.NewGuid().ToString("N")[..8], settings: new Dictionary<string, string?>
        {
            ["Realtime:MaxPendingBytes"] = (64 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Realtime:MaxPendingAge"] = "00:05:00",
            ["Realtime:MaxPendingBytesPerHost"] = "262144",
            ["Realtime:CloseGrace"] = "00:00:20",
        });
        var creator = ClusterFixture.Unique("cr");
        var creatorApi = await host.CreatorAsync(creator);
        var busyPost = await creatorApi.PublishAsync(creator, "busy");
        var otherPost = await creatorApi.PublishAsync(creator, "other");

        using var stalledA = await RawHubClient.ConnectAsync(host, await host.TokenAsync(ClusterFixture.Unique("stall")));
        using var stalledB = await RawHubClient.ConnectAsync(host, await host.TokenAsync(ClusterFixture.Unique("stall")));
        await stalledA.InvokeAsync("SubscribePost", busyPost, null);
        await stalledB.InvokeAsync("SubscribePost", busyPost, null);

        await using var reader = await host.ConnectAsync(ClusterFixture.Unique("reader"));
        var seen = new EventLog<Comment>(reader, ClientEvents.CommentAdded);
        await reader.InvokeAsync<CommentCatchUp>("SubscribePost", otherPost, 0L);

        var flooders = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => host.ClientAsync(ClusterFixture.Unique("flood"))));
        var text = new string('x', 2_000);
        var metrics = host.Services.GetRequiredService<RealtimeMetrics>();
        var connections = host.Services.GetRequiredService<RealtimeConnections>();
        using var flooding = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await Task.WhenAll(flooders.Select(async fan =>
        {
            while (!flooding.IsCancellationRequested && metrics.SlowConsumerCloses == 0)
            {
                await fan.CommentAsync(busyPost, text);
            }
        }));

        Assert.True(metrics.SlowConsumerCloses >= 1, "a slow client was closed once the host's slow clients together passed its budget");
        Assert.InRange(connections.PendingBytes, 0, 262_144);

        // Everyone else is served as before.
        var comment = await (await host.ClientAsync(ClusterFixture.Unique("fan"))).CommentAsync(otherPost, "still here");
        await seen.WaitForAsync(c => c.Seq == comment.Seq, timeout: TimeSpan.FromSeconds(1));

        // The one closed finds the reason after what was buffered; the other, back under the budget, stays open.
        var closes = await Task.WhenAll(CloseOrNothingAsync(stalledA), CloseOrNothingAsync(stalledB));
        Assert.Contains(closes, close => close.Contains(ConnectionOutbox.SlowConsumerReason, StringComparison.Ordinal));

        static async Task<string> CloseOrNothingAsync(RawHubClient client)
        {
            try
            {
                return await client.ReadUntilCloseAsync(TimeSpan.FromSeconds(8));
            }
            catch (OperationCanceledException)
            {
                return "";
            }
        }
    }

    /// <summary>A SignalR JSON client over a bare socket whose receive buffer is tiny, so that not reading fills it at once.</summary>
    private sealed class RawHubClient : IDisposable
    {
        private const char RecordSeparator = '\u001e';
        private readonly Socket _socket;
        private readonly WebSocket _webSocket;
        private int _invocations;

        private RawHubClient(Socket socket, WebSocket webSocket)
        {
            _socket = socket;
            _webSocket = webSocket;
        }

        public static async Task<RawHubClient> ConnectAsync(TestHost host, string token)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
            await socket.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
            var stream = new NetworkStream(socket, ownsSocket: false);
            var request = $"GET {CommunityApp.HubPath}?access_token={Uri.EscapeDataString(token)} HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\n" +
                "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
            var response = new StringBuilder();
            var one = new byte[1];
            while (!response.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                Assert.Equal(1, await stream.ReadAsync(one));
                response.Append((char)one[0]);
            }

            Assert.StartsWith("HTTP/1.1 101", response.ToString(), StringComparison.Ordinal);
            var webSocket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
            var client = new RawHubClient(socket, webSocket);
            await client.SendAsync("{\"protocol\":\"json\",\"version\":1}");
            Assert.Equal("{}", (await client.ReceiveRecordsAsync()).Single());
            return client;
        }

        public async Task InvokeAsync(string target, params object?[] arguments)
        {
            var id = (++_invocations).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await SendAsync(System.Text.Json.JsonSerializer.Serialize(new { type = 1, invocationId = id, target, arguments }));
            while (true)
            {
                foreach (var record in await ReceiveRecordsAsync())
                {
                    if (record.Contains("\"type\":3", StringComparison.Ordinal) && record.Contains($"\"invocationId\":\"{id}\"", StringComparison.Ordinal))
                    {
                        Assert.DoesNotContain("\"error\"", record, StringComparison.Ordinal);
                        return;
                    }
                }
            }
        }

        /// <summary>Reads everything the server wrote until its close message (or the socket's end); returns the end of it.</summary>
        public async Task<string> ReadUntilCloseAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            var tail = string.Empty;
            try
            {
                while (true)
                {
                    var records = await ReceiveRecordsAsync(cancel.Token);
                    if (records.Count == 0)
                    {
                        return tail;
                    }

                    var text = tail + RecordSeparator + string.Join(RecordSeparator, records);
                    tail = text.Length > 4_096 ? text[^4_096..] : text;
                    if (records.Any(r => r.StartsWith("{\"type\":7", StringComparison.Ordinal)))
                    {
                        return tail;
                    }
                }
            }
            catch (Exception ex) when (ex is WebSocketException or IOException)
            {
                return tail;
            }
        }

        private Task SendAsync(string json) =>
            _webSocket.SendAsync(Encoding.UTF8.GetBytes(json + RecordSeparator), WebSocketMessageType.Text, true, CancellationToken.None);

        private async Task<IReadOnlyList<string>> ReceiveRecordsAsync(CancellationToken cancellationToken = default)
        {
            var buffer = new byte[64 * 1024];
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await _webSocket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return [];
                }

                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);
            return Encoding.UTF8.GetString(message.ToArray()).Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries);
        }

        public void Dispose()
        {
            _webSocket.Dispose();
            _socket.Dispose();
        }
    }
}
