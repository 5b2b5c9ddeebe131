using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace Community.Client;

/// <summary>
/// A connection to the Community hub that survives host failures. When the connection closes for any reason but
/// <see cref="DisposeAsync"/> (a host stopped, the network dropped, the server closed a slow consumer), it connects
/// to the next host of the list, with a bounded backoff, and resumes every stream the app follows after the last
/// seq the app has: posts with <c>SubscribePost</c>, rooms with <c>JoinLive</c>, conversations over HTTP (the hub
/// does not replay them). <see cref="CommentAdded"/>, <see cref="ChatReceived"/> and <see cref="MessageReceived"/>
/// hand out each stream's items exactly once and in seq order, merging catch-up lists with live events that may
/// arrive before them; other events pass through <see cref="On{T}"/>. Handlers run one at a time, in order: keep
/// them short.
/// </summary>
public sealed partial class CommunityClient : IAsyncDisposable
{
    private const int HistoryPage = 200;
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly CommunityClientOptions _options;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IStream> _streams = [];
    private readonly List<Action<HubConnection>> _handlers = [];
    private readonly CancellationTokenSource _disposed = new();
    private Session? _session;

    public CommunityClient(CommunityClientOptions options)
    {
        if (options.Hosts.Count == 0)
        {
            throw new ArgumentException("Give at least one host.", nameof(options));
        }

        _options = options;
        _logger = options.LoggerFactory.CreateLogger<CommunityClient>();
        _http = options.HttpHandler is { } handler ? new HttpClient(handler, disposeHandler: false) : new HttpClient();
    }

    /// <summary>A post's comments, once each, in seq order per post.</summary>
    public event Action<Comment>? CommentAdded;

    /// <summary>A room's chat, once each, in seq order per room.</summary>
    public event Action<ChatMessage>? ChatReceived;

    /// <summary>Direct messages, once each, in seq order per conversation.</summary>
    public event Action<Message>? MessageReceived;

    /// <summary>Each (re)join of a room, with the room's state.</summary>
    public event Action<LiveJoin>? LiveJoined;

    /// <summary>Each connection, once every stream has been resumed on it; the argument is the host.</summary>
    public event Action<Uri>? Connected;

    /// <summary>The host of the current connection, or null between connections.</summary>
    public Uri? Host => _session?.Host;

    /// <summary>Passes the hub event <paramref name="method"/> (one without seq: typing, presence, engagement…) to <paramref name="handler"/>, on every connection.</summary>
    public void On<T>(string method, Action<T> handler)
    {
        void Register(HubConnection connection) => connection.On<T>(method, handler);
        lock (_gate)
        {
            _handlers.Add(Register);
            if (_session is { } session)
            {
                Register(session.Connection);
            }
        }
    }

    /// <summary>Connects to the first host that answers, trying them in turn (and again, with backoff) until one does.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => ConnectAsync(0, cancellationToken);

    /// <summary>Calls a hub method (a write such as <c>Comment</c> or <c>SendChat</c>) on the current connection.</summary>
    public Task<T> InvokeAsync<T>(string method, object?[] args, CancellationToken cancellationToken = default) =>
        Current().InvokeCoreAsync<T>(method, args, cancellationToken);

    /// <summary>Follows a post's comments after <paramref name="afterSeq"/>; completes once the catch-up has been handed out.</summary>
    public Task SubscribePostAsync(string postId, long afterSeq = 0) =>
        FollowAsync("post:" + postId, new Stream<Comment>(afterSeq, c => c.Seq, d => CommentAdded?.Invoke(d), async (session, after) =>
        {
            var catchUp = await session.Connection.InvokeAsync<CommentCatchUp>("SubscribePost", postId, after);
            return (catchUp.Missed, catchUp.HasMore);
        }));

    public async Task UnsubscribePostAsync(string postId)
    {
        Forget("post:" + postId);
        await Current().InvokeAsync("UnsubscribePost", postId);
    }

    /// <summary>
    /// Joins a room counted for <paramref name="via"/> and follows its chat after <paramref name="afterSeq"/>; every rejoin
    /// keeps the host the server chose for the first. The room's state comes with <see cref="LiveJoined"/>.
    /// </summary>
    public Task JoinLiveAsync(string liveId, string? via = null, long afterSeq = 0) =>
        FollowAsync("live:" + liveId, new Stream<ChatMessage>(afterSeq, m => m.Seq, d => ChatReceived?.Invoke(d), async (session, after) =>
        {
            var joined = await session.Connection.InvokeAsync<LiveJoin>("JoinLive", liveId, via, after);
            via = joined.Via;
            lock (_gate)
            {
                LiveJoined?.Invoke(joined);
            }

            return (joined.Missed, joined.HasMore);
        }));

    public async Task LeaveLiveAsync(string liveId)
    {
        Forget("live:" + liveId);
        await Current().InvokeAsync("LeaveLive", liveId);
    }

    /// <summary>
    /// Follows a conversation after <paramref name="afterSeq"/>: messages arrive on every connection without subscribing,
    /// but are not replayed, so what was missed is read from <c>GET /api/conversations/{id}/messages</c>. A conversation
    /// the app never watched is followed from its first message that arrives.
    /// </summary>
    public Task WatchConversationAsync(string conversationId, long afterSeq = 0) =>
        FollowAsync("conversation:" + conversationId, ConversationStream(conversationId, afterSeq));

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        Session? session;
        lock (_gate)
        {
            (session, _session) = (_session, null);
        }

        if (session is not null)
        {
            await session.Connection.DisposeAsync();
        }

        _http.Dispose();
        _disposed.Dispose();
    }

    private Stream<Message> ConversationStream(string conversationId, long afterSeq) =>
        new(afterSeq, m => m.Seq, d => MessageReceived?.Invoke(d), async (session, after) =>
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"/api/conversations/{Uri.EscapeDataString(conversationId)}/messages?afterSeq={after}&limit={HistoryPage}");
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(session.Host, path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _options.AccessToken());
            using var response = await _http.SendAsync(request, _disposed.Token);
            response.EnsureSuccessStatusCode();
            var page = (await response.Content.ReadFromJsonAsync<MessagePage>(s_json, _disposed.Token))!;
            return (page.Items, page.Items.Count == HistoryPage && page.Items[^1].Seq < page.LastSeq);
        });

    private async Task FollowAsync(string key, IStream stream)
    {
        Session session;
        lock (_gate)
        {
            session = _session ?? throw new InvalidOperationException("Not connected: call StartAsync first.");
            _streams[key] = stream;
        }

        if (await stream.FillAsync(this, session) is { } refused)
        {
            // The server refused (unknown post, not a participant…): the app learns why, and nothing is resumed later.
            Forget(key);
            ExceptionDispatchInfo.Throw(refused);
        }
    }

    private void Forget(string key)
    {
        lock (_gate)
        {
            _streams.Remove(key);
        }
    }

    private HubConnection Current() =>
        _session?.Connection ?? throw new InvalidOperationException("Not connected: the client is between hosts or not started.");

    private async Task ConnectAsync(int firstHost, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        var hosts = _options.Hosts;
        for (var attempt = 0; ; attempt++)
        {
            var delay = Backoff.Delay(attempt, _options.InitialDelay, _options.MaxDelay, Random.Shared.NextDouble());
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _options.Time, linked.Token);
            }

            var host = hosts[(firstHost + attempt) % hosts.Count];
            var session = new Session(Build(host), host, (firstHost + attempt) % hosts.Count);
            lock (_gate)
            {
                _handlers.ForEach(register => register(session.Connection));
                // Current before it starts, so that a close right after the start is never missed (Closed fires only after a start).
                _session = session;
            }

            try
            {
                await session.Connection.StartAsync(linked.Token);
            }
            catch (Exception error)
            {
                lock (_gate)
                {
                    if (_session == session)
                    {
                        _session = null;
                    }
                }

                await session.Connection.DisposeAsync();
                if (linked.IsCancellationRequested)
                {
                    throw;
                }

                LogStartFailed(_logger, host, attempt, error);
                continue;
            }

            await ResumeAllAsync(session);
            return;
        }
    }

    private HubConnection Build(Uri host)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(host, _options.HubPath), o =>
            {
                o.AccessTokenProvider = _options.AccessToken;
                _options.ConfigureConnection?.Invoke(o);
            })
            .Build();
        connection.On<Comment>("CommentAdded", c => OnLive("post:" + c.PostId, c));
        connection.On<ChatMessage>("ChatReceived", m => OnLive("live:" + m.LiveId, m));
        connection.On<Message>("MessageReceived", m => OnLive("conversation:" + m.ConversationId, m));
        connection.Closed += error => OnClosed(connection, error);
        return connection;
    }

    private async Task ResumeAllAsync(Session session)
    {
        IStream[] streams;
        lock (_gate)
        {
            streams = [.. _streams.Values];
        }

        await Task.WhenAll(streams.Select(s => ResumeAsync(s, session)));
        LogConnected(_logger, session.Host, streams.Length);
        Connected?.Invoke(session.Host);
    }

    // Right after a host dies its streams' grains are still moving and the new host may answer 503 (or 429): the
    // stream is resubscribed with backoff until it is, else it would stay silent on a connection that stays up.
    private async Task ResumeAsync(IStream stream, Session session)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await stream.FillAsync(this, session) is not { } refused)
            {
                return;
            }

            LogResumeRefused(_logger, session.Host, refused);
            if (!IsTransient(refused) || attempt >= 8 || _disposed.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(Backoff.Delay(attempt, _options.InitialDelay, _options.MaxDelay, Random.Shared.NextDouble()), _options.Time, _disposed.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static bool IsTransient(Exception refused) => refused switch
    {
        HttpRequestException { StatusCode: System.Net.HttpStatusCode.ServiceUnavailable or System.Net.HttpStatusCode.TooManyRequests } => true,
        HubException hub => hub.Message.Contains("HubException: 503", StringComparison.Ordinal) || hub.Message.Contains("HubException: 429", StringComparison.Ordinal),
        _ => false,
    };

    private Task OnClosed(HubConnection connection, Exception? error)
    {
        Session? closed;
        lock (_gate)
        {
            closed = _session?.Connection == connection && !_disposed.IsCancellationRequested ? _session : null;
            if (closed is not null)
            {
                _session = null;
            }
        }

        if (closed is not null)
        {
            LogClosed(_logger, closed.Host, error);
            // Not awaited: SignalR waits for this handler, and the old connection is disposed from outside it.
            _ = ReconnectAsync(closed);
        }

        return Task.CompletedTask;
    }

    private async Task ReconnectAsync(Session closed)
    {
        await Task.Yield();
        await closed.Connection.DisposeAsync();
        try
        {
            await ConnectAsync(Backoff.NextHost(closed.Index, _options.Hosts.Count), CancellationToken.None);
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
        }
    }

    private void OnLive<T>(string key, T item)
    {
        Stream<T>? gapped = null;
        Session? session;
        lock (_gate)
        {
            if (!_streams.TryGetValue(key, out var found) && item is Message message)
            {
                found = _streams[key] = ConversationStream(message.ConversationId, message.Seq - 1);
            }

            session = _session;
            if (found is Stream<T> stream && stream.Offer(item))
            {
                gapped = stream;
            }
        }

        if (gapped is not null && session is not null)
        {
            _ = FillGapAsync(gapped, session);
        }
    }

    private async Task FillGapAsync(IStream stream, Session session)
    {
        if (await stream.FillAsync(this, session) is { } refused)
        {
            LogResumeRefused(_logger, session.Host, refused);
        }
    }

    private sealed record Session(HubConnection Connection, Uri Host, int Index);

    private interface IStream
    {
        /// <summary>Returns the server's refusal (a hub error or an HTTP error status), if any; other failures are logged.</summary>
        Task<Exception?> FillAsync(CommunityClient client, Session session);
    }

    /// <summary>One followed stream: its order, how to hand items to the app, and how to fetch after a seq.</summary>
    private sealed class Stream<T>(
        long afterSeq,
        Func<T, long> seqOf,
        Action<T> deliver,
        Func<Session, long, Task<(IReadOnlyList<T> Items, bool HasMore)>> fetch) : IStream
    {
        private const int StalledFetches = 3;
        private readonly OrderedStream<T> _order = new(afterSeq, seqOf);
        private Session? _fetchingOn;

        /// <summary>Hands out what is ready (under the client's lock); true when a gap showed up that no fetch is filling.</summary>
        public bool Offer(T item)
        {
            foreach (var ready in _order.Offer(item))
            {
                deliver(ready);
            }

            return _order.HasGap && _fetchingOn is null;
        }

        /// <summary>Fetches after the last seq handed out, over and over while the server has more or a gap remains.</summary>
        public async Task<Exception?> FillAsync(CommunityClient client, Session session)
        {
            lock (client._gate)
            {
                if (_fetchingOn == session)
                {
                    return null;
                }

                _fetchingOn = session;
            }

            try
            {
                for (var stalled = 0; stalled < StalledFetches;)
                {
                    long after;
                    lock (client._gate)
                    {
                        after = _order.LastSeq;
                    }

                    var (items, hasMore) = await fetch(session, after);
                    lock (client._gate)
                    {
                        foreach (var ready in _order.OfferAll(items))
                        {
                            deliver(ready);
                        }

                        if (!hasMore && !_order.HasGap)
                        {
                            return null;
                        }

                        stalled = _order.LastSeq > after ? 0 : stalled + 1;
                    }

                    if (stalled > 0)
                    {
                        // Live items are ahead of what the server answered: give its history a moment to catch up.
                        await Task.Delay(client._options.InitialDelay, client._options.Time, client._disposed.Token);
                    }
                }
            }
            catch (Exception error) when (error is HubException or HttpRequestException { StatusCode: not null })
            {
                return error;
            }
            catch (Exception error)
            {
                // The connection went away mid-fetch: the resume on the next connection fetches again.
                LogFetchFailed(client._logger, session.Host, error);
            }
            finally
            {
                lock (client._gate)
                {
                    if (_fetchingOn == session)
                    {
                        _fetchingOn = null;
                    }
                }
            }

            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to {Host}; resumed {Streams} streams")]
    private static partial void LogConnected(ILogger logger, Uri host, int streams);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The connection to {Host} closed; connecting to the next host")]
    private static partial void LogClosed(ILogger logger, Uri host, Exception? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not connect to {Host} (attempt {Attempt})")]
    private static partial void LogStartFailed(ILogger logger, Uri host, int attempt, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Host} refused to resume a stream; the next gap or connection tries again")]
    private static partial void LogResumeRefused(ILogger logger, Uri host, Exception error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A catch-up from {Host} failed; the next connection resumes it")]
    private static partial void LogFetchFailed(ILogger logger, Uri host, Exception error);
}
