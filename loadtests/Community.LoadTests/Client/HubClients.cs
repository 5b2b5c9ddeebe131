using System.Diagnostics;
using Community.LoadTests.Client.Raw;
using Community.LoadTests.Workload;
using Microsoft.AspNetCore.SignalR.Client;

namespace Community.LoadTests.Client;

/// <summary>
/// One connection to the community hub (Community or the bare SignalR peer: same names, same payloads), whatever
/// receives on it. The stream scenarios code against this; <see cref="HubClients.Create"/> picks the receiver.
/// </summary>
public interface IHubClient : IAsyncDisposable
{
    bool Connected { get; }

    /// <summary>Before <see cref="StartAsync"/>: every push of <paramref name="streamEvent"/> goes to <paramref name="subscriber"/>.</summary>
    void Deliver(StreamEvent streamEvent, StreamSubscriber subscriber);

    /// <summary>Before <see cref="StartAsync"/>: called once if the connection drops, with the reason.</summary>
    void OnClosed(Action<string?> handler);

    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Invokes a hub method with positional arguments and returns its result.</summary>
    Task<T> InvokeAsync<T>(string method, object?[] arguments, CancellationToken cancellationToken);
}

/// <summary>Which code receives on the driver's hub connections.</summary>
public enum ReceiverKind
{
    /// <summary><see cref="RawHubConnection"/>: a bare WebSocket that scans the bytes for what accounting needs (the default).</summary>
    Raw,

    /// <summary>The SignalR .NET client, deserializing every push into its record: what a real .NET client does, at its cost.</summary>
    SignalR,
}

/// <summary>A pushed event of an ordered stream, and the property of its payload that names the stream.</summary>
public sealed record StreamEvent(string Name, string StreamIdProperty)
{
    public static readonly StreamEvent ChatReceived = new(HubNames.ChatReceived, "liveId");
    public static readonly StreamEvent CommentAdded = new(HubNames.CommentAdded, "postId");
    public static readonly StreamEvent MessageReceived = new(HubNames.MessageReceived, "conversationId");
}

public static class HubClients
{
    public static IHubClient Create(ReceiverKind receiver, Uri baseUrl, string token) => receiver switch
    {
        ReceiverKind.SignalR => new SignalRHubClient(HubConnections.Create(baseUrl, token)),
        _ => new RawHubConnection(baseUrl, token, polled: true),
    };

    public static bool TryParse(string text, out ReceiverKind receiver)
    {
        (var ok, receiver) = text.ToLowerInvariant() switch
        {
            "raw" => (true, ReceiverKind.Raw),
            "signalr" => (true, ReceiverKind.SignalR),
            _ => (false, ReceiverKind.Raw),
        };
        return ok;
    }

    public static string Name(ReceiverKind receiver) => receiver == ReceiverKind.SignalR ? "signalr" : "raw";
}

/// <summary>Over the SignalR .NET client's <see cref="HubConnection"/>: every push deserialized into its wire record.</summary>
public sealed class SignalRHubClient(HubConnection connection) : IHubClient
{
    public bool Connected => connection.State == HubConnectionState.Connected;

    public void Deliver(StreamEvent streamEvent, StreamSubscriber subscriber)
    {
        _ = streamEvent.Name switch
        {
            HubNames.ChatReceived => connection.On<ChatMessage>(streamEvent.Name, m => subscriber.OnItem(m.LiveId, m.Seq, m.Text, Stopwatch.GetTimestamp())),
            HubNames.CommentAdded => connection.On<CommentMessage>(streamEvent.Name, c => subscriber.OnItem(c.PostId, c.Seq, c.Text, Stopwatch.GetTimestamp())),
            HubNames.MessageReceived => connection.On<DirectMessage>(streamEvent.Name, m => subscriber.OnItem(m.ConversationId, m.Seq, m.Text, Stopwatch.GetTimestamp())),
            _ => throw new ArgumentException($"no typed handler for {streamEvent.Name}", nameof(streamEvent)),
        };
    }

    public void OnClosed(Action<string?> handler) => connection.Closed += ex =>
    {
        handler(ex?.Message);
        return Task.CompletedTask;
    };

    public Task StartAsync(CancellationToken cancellationToken) => connection.StartAsync(cancellationToken);

    public Task<T> InvokeAsync<T>(string method, object?[] arguments, CancellationToken cancellationToken) =>
        connection.InvokeCoreAsync<T>(method, arguments, cancellationToken);

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
