using System.Buffers;
using Community.Host.Realtime;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Community.IntegrationTests.Realtime;

/// <summary>A batch written to a connection as one frame reads, for a client, exactly like its events sent one by one.</summary>
public sealed class OutgoingFramesTests
{
    private static readonly JsonHubProtocol Json = new();

    [Fact]
    public void A_client_parses_every_event_of_a_frame_in_order_with_its_own_arguments()
    {
        var frames = new OutgoingFrames([.. Enumerable.Range(1, 50).Select(i => Event("ChatReceived", new { seq = i, text = $"line {i}" }))]);

        var bytes = new ReadOnlySequence<byte>(frames.For(Json).GetSerializedMessage(Json));
        var parsed = new List<InvocationMessage>();
        while (Json.TryParseMessage(ref bytes, new Binder(), out var message))
        {
            parsed.Add(Assert.IsType<InvocationMessage>(message));
        }

        Assert.True(bytes.IsEmpty);
        Assert.Equal(50, parsed.Count);
        Assert.All(parsed, m => Assert.Equal("ChatReceived", m.Target));
        Assert.Equal(Enumerable.Range(1, 50), parsed.Select(m => ((System.Text.Json.JsonElement)m.Arguments[0]!).GetProperty("seq").GetInt32()));
    }

    [Fact]
    public void The_frame_is_built_once_per_protocol_and_a_single_event_goes_as_it_is()
    {
        var frames = new OutgoingFrames([Event("A", 1), Event("B", 2)]);
        Assert.Same(frames.For(Json), frames.For(Json));

        var single = Event("A", 1);
        Assert.Same(single, new OutgoingFrames([single]).For(Json));
        Assert.Equal(2, frames.Count);
    }

    private static SerializedHubMessage Event(string method, object payload) => new(new InvocationMessage(method, [payload]));

    private sealed class Binder : IInvocationBinder
    {
        public IReadOnlyList<Type> GetParameterTypes(string methodName) => [typeof(System.Text.Json.JsonElement)];

        public Type GetReturnType(string invocationId) => typeof(object);

        public Type GetStreamItemType(string streamId) => typeof(object);
    }
}
