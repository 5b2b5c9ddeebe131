using System.Net;
using System.Net.Http.Json;
using Community.Client;
using Community.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.Time.Testing;

namespace Community.IntegrationTests.Client;

/// <summary>The .NET client helper on a two-host cluster of its own, through a host stopping under it.</summary>
public sealed class CommunityClientFailoverTests
{
    [Fact]
    public async Task When_its_host_stops_the_client_moves_to_the_other_host_and_the_app_sees_every_comment_and_message_once_in_order()
    {
        var clusterId = "client-" + Guid.NewGuid().ToString("N")[..8];
        var a = await TestHost.StartAsync(clusterId);
        await using var b = await TestHost.StartAsync(clusterId);
        var stopA = new Lazy<Task>(() => a.DisposeAsync().AsTask());
        try
        {
            var creator = ClusterFixture.Unique("cr");
            var postId = await (await b.CreatorAsync(creator)).PublishAsync(creator);
            var fanHandle = ClusterFixture.Unique("fan");
            var fan = await b.ClientAsync(fanHandle);
            var watcher = ClusterFixture.Unique("w");
            var conversationId = string.Join('~', new[] { watcher, fanHandle }.Order(StringComparer.Ordinal));
            await WriteAsync(fan, $"/api/posts/{postId}/comments", "before");
            await WriteAsync(fan, $"/api/conversations/{conversationId}/messages", "before");

            var token = await b.TokenAsync(watcher);
            var comments = new Arrivals<Comment>();
            var messages = new Arrivals<Message>();
            var hosts = new Arrivals<Uri>();
            // Fake time: the move to the other host must not wait for a real backoff. A resume that host B refuses with
            // 503 while the post moves is retried after a backoff; the clock below lets those waits pass at once.
            var time = new FakeTimeProvider();
            using var ticking = new CancellationTokenSource();
            var clock = Task.Run(async () =>
            {
                while (!ticking.IsCancellationRequested)
                {
                    time.Advance(TimeSpan.FromMilliseconds(250));
                    await Task.Delay(20, CancellationToken.None);
                }
            });
            await using var client = new CommunityClient(new CommunityClientOptions
            {
                Hosts = [a.BaseAddress, b.BaseAddress],
                AccessToken = () => Task.FromResult<string?>(token),
                Time = time,
                ConfigureConnection = o =>
                {
                    o.Transports = HttpTransportType.WebSockets;
                    o.SkipNegotiation = true;
                },
            });
            client.CommentAdded += comments.Add;
            client.MessageReceived += messages.Add;
            client.Connected += hosts.Add;

            await client.StartAsync();
            Assert.Equal(a.BaseAddress, client.Host);
            await client.SubscribePostAsync(postId);
            await client.WatchConversationAsync(conversationId);
            Assert.Equal(["before"], comments.Seen.Select(c => c.Text));
            Assert.Equal(["before"], messages.Seen.Select(m => m.Text));

            // Right after the second host joins, a host may briefly not know the other's relay: write until one
            // comment arrives live (one that does not is a gap the next one makes the client fetch).
            for (var i = 0; ; i++)
            {
                Assert.True(i < 30, "No comment written through host B reached the client on host A live.");
                await WriteAsync(fan, $"/api/posts/{postId}/comments", $"warm-up {i}");
                if (await comments.UntilAsync(seen => seen.Count >= i + 2, TimeSpan.FromMilliseconds(500)))
                {
                    break;
                }
            }

            var stopping = stopA.Value;
            long duringComment = 0, duringMessage = 0;
            for (var i = 0; i < 5; i++)
            {
                duringComment = await WriteAsync(fan, $"/api/posts/{postId}/comments", $"during {i}");
                duringMessage = await WriteAsync(fan, $"/api/conversations/{conversationId}/messages", $"during {i}");
            }

            await stopping;
            Assert.True(await hosts.UntilAsync(seen => seen.Contains(b.BaseAddress), TimeSpan.FromSeconds(30)), "The client did not reconnect to host B.");
            Assert.Equal([a.BaseAddress, b.BaseAddress], hosts.Seen);
            // The resume alone, with no later live event to reveal a gap, brings everything written during the outage.
            Assert.True(await comments.UntilAsync(seen => seen.Count == duringComment, TimeSpan.FromSeconds(30)), $"Comments seen after the move: {string.Join(", ", comments.Seen.Select(c => c.Seq))}");
            Assert.True(await messages.UntilAsync(seen => seen.Count == duringMessage, TimeSpan.FromSeconds(30)), $"Messages seen after the move: {string.Join(", ", messages.Seen.Select(m => m.Seq))}");
            for (var i = 0; i < 3; i++)
            {
                await WriteAsync(fan, $"/api/posts/{postId}/comments", $"after {i}");
                await WriteAsync(fan, $"/api/conversations/{conversationId}/messages", $"after {i}");
            }

            var lastComment = await WriteAsync(fan, $"/api/posts/{postId}/comments", "last");
            var lastMessage = await WriteAsync(fan, $"/api/conversations/{conversationId}/messages", "last");
            Assert.True(await comments.UntilAsync(seen => seen.Any(c => c.Text == "last"), TimeSpan.FromSeconds(30)), $"Comments seen: {string.Join(", ", comments.Seen.Select(c => c.Seq))}");
            Assert.True(await messages.UntilAsync(seen => seen.Any(m => m.Text == "last"), TimeSpan.FromSeconds(30)), $"Messages seen: {string.Join(", ", messages.Seen.Select(m => m.Seq))}");

            Assert.Equal(Enumerable.Range(1, (int)lastComment), comments.Seen.Select(c => (int)c.Seq));
            Assert.All(comments.Seen, c => Assert.Equal(postId, c.PostId));
            Assert.Equal(Enumerable.Range(1, (int)lastMessage), messages.Seen.Select(m => (int)m.Seq));
            Assert.Equal(["before", "during 0", "during 1", "during 2", "during 3", "during 4", "after 0", "after 1", "after 2", "last"], messages.Seen.Select(m => m.Text));
            Assert.Equal(b.BaseAddress, client.Host);
            await ticking.CancelAsync();
            await clock;
        }
        finally
        {
            await stopA.Value;
        }
    }

    /// <summary>Writes a comment or message through the surviving host, retrying with the same clientId while the cluster settles; returns its seq.</summary>
    private static async Task<long> WriteAsync(HttpClient client, string path, string text)
    {
        var clientId = Guid.NewGuid().ToString("N");
        // While a stopped host's grains move, a write may be answered 503 or not at all for a while (observed up to ~30 s
        // under the suite's load after a graceful leave); a client retries with the same clientId.
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var response = await client.PostAsJsonAsync(path, new { text, clientId });
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    return (await response.Content.ReadFromJsonAsync<SeqOnly>(Api.Json))!.Seq;
                }

                Assert.True(DateTimeOffset.UtcNow < deadline, $"{path} kept failing: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                Assert.True((int)response.StatusCode >= 500, $"{path} refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            catch (TaskCanceledException) when (DateTimeOffset.UtcNow < deadline)
            {
            }

            await Task.Delay(200);
        }
    }

    private sealed record SeqOnly(long Seq);
}

/// <summary>What a client handed to the app, in the order it did, and a bounded wait for more.</summary>
internal sealed class Arrivals<T>
{
    private readonly Lock _gate = new();
    private readonly List<T> _seen = [];
    private readonly SemaphoreSlim _arrived = new(0);

    public IReadOnlyList<T> Seen
    {
        get
        {
            lock (_gate)
            {
                return [.. _seen];
            }
        }
    }

    public void Add(T item)
    {
        lock (_gate)
        {
            _seen.Add(item);
        }

        _arrived.Release();
    }

    /// <summary>Waits until <paramref name="done"/> holds for what arrived; false after <paramref name="timeout"/>.</summary>
    public async Task<bool> UntilAsync(Func<IReadOnlyList<T>, bool> done, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!done(Seen))
        {
            try
            {
                await _arrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                return done(Seen);
            }
        }

        return true;
    }
}
