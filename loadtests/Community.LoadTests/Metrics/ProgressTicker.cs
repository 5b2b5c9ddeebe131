using System.Diagnostics;

namespace Community.LoadTests.Metrics;

/// <summary>Writes one progress line to stderr every second until disposed; the scenario supplies the line.</summary>
public sealed class ProgressTicker : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="line">Given the time since the ticker started, returns the line to print.</param>
    public ProgressTicker(Func<TimeSpan, string> line, TextWriter? output = null)
    {
        var writer = output ?? Console.Error;
        var started = Stopwatch.GetTimestamp();
        _loop = RunAsync(line, writer, started, _stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // The ticker was told to stop: nothing more to print.
        }

        _stop.Dispose();
    }

    private static async Task RunAsync(Func<TimeSpan, string> line, TextWriter writer, long started, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            await writer.WriteLineAsync(line(Stopwatch.GetElapsedTime(started)));
        }
    }
}
