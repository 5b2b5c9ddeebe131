using System.Diagnostics;
using System.Text.Json;
using Community.LoadTests.Workload;
using SocketIOClient;
using SocketIOClient.Transport;

namespace Community.LoadTests.Client;

/// <summary>
/// One live-room connection, whatever the wire: the same three calls and one event on Community's SignalR hub, on
/// the bare SignalR peer (same hub) and on the Socket.IO peer. The driver's live-room scenario codes against this.
/// </summary>
public interface ILiveClient : IAsyncDisposable
{
    bool Connected { get; }

    /// <summary>Connects; every <c>ChatReceived</c> goes to <paramref name="subscriber"/> (null: a connection that only writes).</summary>
    Task StartAsync(StreamSubscriber? subscriber, Action<string?> onClosed, CancellationToken cancellationToken);

    /// <summary><c>JoinLive(liveId, via: null, afterSeq: 0)</c>.</summary>
    Task<LiveJoin> JoinLiveAsync(string liveId, CancellationToken cancellationToken);

    /// <summary><c>SendChat(liveId, text, clientId)</c>: the stored message.</summary>
    Task<ChatMessage> SendChatAsync(string liveId, string text, string clientId, CancellationToken cancellationToken);
}

/// <summary>Creates live-room connections for a system under test.</summary>
public static class LiveClients
{
    /// <param name="receiver">For Community and the bare SignalR peer; the Socket.IO peer has its own client.</param>
    public static ILiveClient Create(SystemKind system, ReceiverKind receiver, Uri baseUrl, string token) => system switch
    {
        SystemKind.SocketIo => new SocketIoLiveClient(baseUrl, token),
        _ => new HubLiveClient(HubClients.Create(receiver, baseUrl, token)),
    };
}

/// <summary>Over a hub connection (<see cref="IHubClient"/>, raw or SignalR client): Community and the bare SignalR peer.</summary>
public sealed class HubLiveClient(IHubClient hub) : ILiveClient
{
    public bool Connected => hub.Connected;

    public Task StartAsync(StreamSubscriber? subscriber, Action<string?> onClosed, CancellationToken cancellationToken)
    {
        if (subscriber is not null)
        {
            hub.Deliver(StreamEvent.ChatReceived, subscriber);
        }

        hub.OnClosed(onClosed);
        return hub.StartAsync(cancellationToken);
    }

    public Task<LiveJoin> JoinLiveAsync(string liveId, CancellationToken cancellationToken) =>
        hub.InvokeAsync<LiveJoin>(HubNames.JoinLive, [liveId, null, 0L], cancellationToken);

    public Task<ChatMessage> SendChatAsync(string liveId, string text, string clientId, CancellationToken cancellationToken) =>
        hub.InvokeAsync<ChatMessage>(HubNames.SendChat, [liveId, text, clientId], cancellationToken);

    public ValueTask DisposeAsync() => hub.DisposeAsync();
}

/// <summary>
/// Over Socket.IO (the SocketIOClient package, WebSocket transport only, no reconnection): each call is an emit with an
/// acknowledgement carrying <c>{ result }</c> or <c>{ error }</c>; pushes arrive as <c>ChatReceived</c> events.
/// </summary>
public sealed class SocketIoLiveClient : ILiveClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly SocketIOClient.SocketIO _socket;

    public SocketIoLiveClient(Uri baseUrl, string token)
    {
        _socket = new SocketIOClient.SocketIO(baseUrl, new SocketIOOptions
        {
            Transport = TransportProtocol.WebSocket,
            Reconnection = false,
            ConnectionTimeout = TimeSpan.FromSeconds(10),
            Auth = new Dictionary<string, string> { ["token"] = token },
        });
    }

    public bool Connected => _socket.Connected;

    public async Task StartAsync(StreamSubscriber? subscriber, Action<string?> onClosed, CancellationToken cancellationToken)
    {
        if (subscriber is not null)
        {
            _socket.On(HubNames.ChatReceived, response =>
            {
                var receivedAt = Stopwatch.GetTimestamp();
                var message = response.GetValue(0).Deserialize<ChatMessage>(Json);
                if (message is not null)
                {
                    subscriber.OnItem(message.LiveId, message.Seq, message.Text, receivedAt);
                }
            });
        }

        // ConnectAsync returns before the Socket.IO handshake is done: the connection is usable once OnConnected fires.
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _socket.OnConnected += (_, _) => connected.TrySetResult();
        _socket.OnError += (_, error) => connected.TrySetException(new InvalidOperationException($"Socket.IO connection to {_socket.ServerUri}: {error}"));
        _socket.OnDisconnected += (_, reason) => onClosed(reason);
        await _socket.ConnectAsync().WaitAsync(cancellationToken);
        await connected.Task.WaitAsync(_socket.Options.ConnectionTimeout, cancellationToken);
    }

    public Task<LiveJoin> JoinLiveAsync(string liveId, CancellationToken cancellationToken) =>
        EmitAsync<LiveJoin>(HubNames.JoinLive, new { liveId, via = (string?)null, afterSeq = 0L }, cancellationToken);

    public Task<ChatMessage> SendChatAsync(string liveId, string text, string clientId, CancellationToken cancellationToken) =>
        EmitAsync<ChatMessage>(HubNames.SendChat, new { liveId, text, clientId }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_socket.Connected)
        {
            await _socket.DisconnectAsync();
        }

        _socket.Dispose();
    }

    private async Task<T> EmitAsync<T>(string name, object argument, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancel = cancellationToken.Register(() => answer.TrySetCanceled(cancellationToken));
        await _socket.EmitAsync(name, cancellationToken, response => answer.TrySetResult(response.GetValue(0)), argument);
        var element = await answer.Task;
        if (element.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"{name} failed: {error.GetString()}");
        }

        return element.GetProperty("result").Deserialize<T>(Json)
            ?? throw new InvalidOperationException($"{name} answered without a result.");
    }
}

/// <summary>The systems the driver can measure.</summary>
public enum SystemKind
{
    /// <summary>Community itself (Orleans, durable storage).</summary>
    Community,

    /// <summary>The bare ASP.NET Core SignalR peer (<c>loadtests/peers/BareSignalR</c>).</summary>
    SignalR,

    /// <summary>The Node.js Socket.IO peer (<c>loadtests/peers/socketio</c>).</summary>
    SocketIo,
}
