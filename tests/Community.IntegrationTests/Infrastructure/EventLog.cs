using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;

namespace Community.IntegrationTests.Infrastructure;

/// <summary>Records one kind of hub event as it arrives, and waits (with a bound) for the ones a test expects.</summary>
public sealed class EventLog<T>
{
    private readonly Channel<T> _arrivals = Channel.CreateUnbounded<T>();
    private readonly List<T> _seen = [];

    public EventLog(HubConnection connection, string method) =>
        connection.On<T>(method, item => _arrivals.Writer.TryWrite(item));

    /// <summary>Everything received so far.</summary>
    public IReadOnlyList<T> Seen
    {
        get
        {
            Drain();
            return _seen;
        }
    }

    /// <summary>Waits until <paramref name="count"/> events matching <paramref name="match"/> arrived; fails the test after <paramref name="timeout"/> (default 20 s: generous, as CI machines are shared).</summary>
    public async Task<IReadOnlyList<T>> WaitForAsync(Func<T, bool> match, int count = 1, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        Drain();
        try
        {
            while (_seen.Count(match) < count)
            {
                _seen.Add(await _arrivals.Reader.ReadAsync(cts.Token));
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Expected {count} matching {typeof(T).Name} events; got {_seen.Count(match)} of {_seen.Count} received.");
        }

        return _seen.Where(match).ToList();
    }

    private void Drain()
    {
        while (_arrivals.Reader.TryRead(out var item))
        {
            _seen.Add(item);
        }
    }
}
