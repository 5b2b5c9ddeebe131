using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Community.Host.Realtime;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Time.Testing;

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

    [Fact]
    public void Batches_queued_behind_a_lanes_write_join_its_frame_in_order_only_while_they_go_to_the_same_connections()
    {
        var room = new ConnectionOutbox[2];
        var otherRoom = new ConnectionOutbox[2];
        var queue = new ConcurrentQueue<DeliveryLanes.LaneWork>();
        var seq = 0;
        DeliveryLanes.LaneWork Batch(ConnectionOutbox[] to, int events) =>
            new(new OutgoingFrames([.. Enumerable.Range(0, events).Select(_ => Event("ChatReceived", new { seq = ++seq }))]), to);

        var first = Batch(room, 2);
        queue.Enqueue(Batch(room, 3));
        queue.Enqueue(Batch(room, 1));
        queue.Enqueue(Batch(otherRoom, 4));
        queue.Enqueue(Batch(room, 5));

        var joined = DeliveryLanes.JoinQueued(queue, first);

        // The room's three batches in a row became one frame, seqs 1-6 in order; the other room's batch, and the
        // room's batch behind it, wait their turn.
        Assert.Same(room, joined.Outboxes);
        Assert.Equal(Enumerable.Range(1, 6), Seqs(joined.Frames));
        Assert.Equal(2, queue.Count);
        Assert.True(queue.TryDequeue(out var other));
        var otherJoined = DeliveryLanes.JoinQueued(queue, other);
        Assert.Same(otherRoom, otherJoined.Outboxes);
        Assert.Equal(Enumerable.Range(7, 4), Seqs(otherJoined.Frames));
        Assert.Single(queue);
        Assert.True(queue.TryDequeue(out var last));
        Assert.Equal(Enumerable.Range(11, 5), Seqs(DeliveryLanes.JoinQueued(queue, last).Frames));

        // A frame never grows past the cap: the rest stays queued for the next write.
        var many = new ConcurrentQueue<DeliveryLanes.LaneWork>(Enumerable.Range(0, 300).Select(_ => Batch(room, 1)));
        var capped = DeliveryLanes.JoinQueued(many, Batch(room, 1));
        Assert.Equal(DeliveryLanes.MaxJoinedEvents, capped.Frames.Count);
        Assert.Equal(301 - DeliveryLanes.MaxJoinedEvents, many.Count);
    }

    [Fact]
    public async Task A_busy_lane_writes_at_most_once_per_interval_joining_what_came_meanwhile_and_a_quiet_one_at_once()
    {
        var time = new FakeTimeProvider();
        var delivered = Channel.CreateUnbounded<DeliveryLanes.LaneWork>();
        var lanes = new DeliveryLanes(1, TimeSpan.FromMilliseconds(2), time, work => delivered.Writer.TryWrite(work));
        var room = new ConnectionOutbox[1];
        var seq = 0;
        OutgoingFrames Batch() => new([Event("ChatReceived", new { seq = ++seq })]);

        // The first batch goes at once.
        lanes.Post(0, Batch(), room);
        Assert.Equal([1], Seqs((await NextAsync(delivered)).Frames));

        // Three more within the interval wait for it, then reach the connections as one frame, in order.
        lanes.Post(0, Batch(), room);
        lanes.Post(0, Batch(), room);
        lanes.Post(0, Batch(), room);
        await Task.Delay(100);
        Assert.False(delivered.Reader.TryRead(out _));
        time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.Equal([2, 3, 4], Seqs((await NextAsync(delivered)).Frames));

        // After a quiet spell longer than the interval, a batch goes at once again.
        time.Advance(TimeSpan.FromMilliseconds(50));
        lanes.Post(0, Batch(), room);
        Assert.Equal([5], Seqs((await NextAsync(delivered)).Frames));
    }

    private static async Task<DeliveryLanes.LaneWork> NextAsync(Channel<DeliveryLanes.LaneWork> delivered)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await delivered.Reader.ReadAsync(timeout.Token);
    }

    private static IEnumerable<int> Seqs(OutgoingFrames frames)
    {
        var bytes = new ReadOnlySequence<byte>(frames.For(Json).GetSerializedMessage(Json));
        while (Json.TryParseMessage(ref bytes, new Binder(), out var message))
        {
            yield return ((System.Text.Json.JsonElement)Assert.IsType<InvocationMessage>(message).Arguments[0]!).GetProperty("seq").GetInt32();
        }
    }

    private static SerializedHubMessage Event(string method, object payload) => new(new InvocationMessage(method, [payload]));

    private sealed class Binder : IInvocationBinder
    {
        public IReadOnlyList<Type> GetParameterTypes(string methodName) => [typeof(System.Text.Json.JsonElement)];

        public Type GetReturnType(string invocationId) => typeof(object);

        public Type GetStreamItemType(string streamId) => typeof(object);
    }
}
