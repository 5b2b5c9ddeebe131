using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Community.Host.Realtime;

/// <summary>
/// Events that go to the same connections together, written to each as one frame: per protocol, the events'
/// messages back to back (each keeps its own framing, so a client reads them exactly as if they had been sent one
/// by one). Each event is serialized once per protocol and each frame built once per host, shared by every
/// connection; a connection then pays one write, one flush and usually one socket send for the whole batch instead
/// of one per event. Thread-safe: lanes on other threads read it at the same time.
/// </summary>
public sealed class OutgoingFrames
{
    private readonly SerializedHubMessage[] _events;
    private readonly Lock _lock = new();
    private Framed[] _framed = [];

    public OutgoingFrames(SerializedHubMessage[] events)
    {
        ArgumentOutOfRangeException.ThrowIfZero(events.Length);
        _events = events;
    }

    /// <summary>How many events the frame carries.</summary>
    public int Count => _events.Length;

    /// <summary>The events of <paramref name="batches"/>, in order, as one batch.</summary>
    public static OutgoingFrames Join(IReadOnlyList<OutgoingFrames> batches) => new([.. batches.SelectMany(b => b._events)]);

    /// <summary>The events as one message in <paramref name="protocol"/>'s encoding.</summary>
    public SerializedHubMessage For(IHubProtocol protocol)
    {
        if (_events.Length == 1)
        {
            return _events[0];
        }

        foreach (var framed in Volatile.Read(ref _framed))
        {
            if (framed.Protocol == protocol.Name)
            {
                return framed.Message;
            }
        }

        lock (_lock)
        {
            foreach (var framed in _framed)
            {
                if (framed.Protocol == protocol.Name)
                {
                    return framed.Message;
                }
            }

            var message = Concatenate(protocol);
            Volatile.Write(ref _framed, [.. _framed, new Framed(protocol.Name, message)]);
            return message;
        }
    }

    private SerializedHubMessage Concatenate(IHubProtocol protocol)
    {
        var parts = new ReadOnlyMemory<byte>[_events.Length];
        var length = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = _events[i].GetSerializedMessage(protocol);
            length += parts[i].Length;
        }

        var bytes = new byte[length];
        var at = 0;
        foreach (var part in parts)
        {
            part.Span.CopyTo(bytes.AsSpan(at));
            at += part.Length;
        }

        return new SerializedHubMessage([new SerializedMessage(protocol.Name, bytes)]);
    }

    private readonly record struct Framed(string Protocol, SerializedHubMessage Message);
}
