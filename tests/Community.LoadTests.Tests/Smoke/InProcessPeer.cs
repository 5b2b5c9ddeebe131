using Community.LoadTests.Peers.BareSignalR;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Community.LoadTests.Tests.Smoke;

/// <summary>The bare SignalR peer hosted in the test process on a free 127.0.0.1 port, optionally with delivery faults.</summary>
public sealed class InProcessPeer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private InProcessPeer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<InProcessPeer> StartAsync(IDeliveryFaults? faults = null)
    {
        var app = PeerApp.Build(["--urls", "http://127.0.0.1:0"], services =>
        {
            if (faults is not null)
            {
                services.AddSingleton(faults);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new InProcessPeer(app, new Uri(address));
    }

    /// <summary>Shuts the peer down, cutting off after <paramref name="grace"/> the connections that do not close by themselves.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!_stopped)
        {
            _stopped = true;
            using var cut = new CancellationTokenSource(grace);
            await _app.StopAsync(cut.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
        }

        await _app.DisposeAsync();
    }
}

/// <summary>
/// A peer that misbehaves exactly three times: the first stream to reach seq 3 is not delivered to one of its receivers,
/// the first to reach seq 5 is delivered twice to one, and the first to reach seq 7 reaches one only after its seq 8; of
/// reactions, the 3rd is acknowledged but not counted and a later one on another post is counted twice. A correct
/// driver reports exactly 1 lost, 1 duplicated and 1 out of order (for reactions: 1 lost, 1 duplicated).
/// </summary>
public sealed class DropOneDuplicateOneReorderOne : IDeliveryFaults
{
    private int _dropped;
    private int _duplicated;
    private int _reordered;
    private int _reactions;
    private int _doubled;
    private string? _uncountedPost;

    public DeliveryFault Plan(string streamId, long seq) => seq switch
    {
        3 when Interlocked.Exchange(ref _dropped, 1) == 0 => DeliveryFault.DropForOne,
        5 when Interlocked.Exchange(ref _duplicated, 1) == 0 => DeliveryFault.DuplicateForOne,
        7 when Interlocked.Exchange(ref _reordered, 1) == 0 => DeliveryFault.HoldBackForOne,
        _ => DeliveryFault.None,
    };

    public int TimesCounted(string postId)
    {
        var n = Interlocked.Increment(ref _reactions);
        if (n == 3)
        {
            Volatile.Write(ref _uncountedPost, postId);
            return 0;
        }

        var uncounted = Volatile.Read(ref _uncountedPost);
        return n > 5 && uncounted is not null && uncounted != postId && Interlocked.Exchange(ref _doubled, 1) == 0 ? 2 : 1;
    }
}
