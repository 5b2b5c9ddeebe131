using System.Diagnostics;

namespace Community.LoadTests.Workload;

/// <summary>
/// Open-loop pacing: send number n is due at <c>start + n / rate</c>, whatever happened to the sends before it. A slow
/// server therefore shows up as latency and as requests in flight, never as a lower offered rate. When the driver itself
/// falls behind (a busy CPU, a GC pause) the overdue sends go out at once; how late they went is the pacing lag.
/// </summary>
/// <remarks>
/// The wait is a blocking sleep, meant for a dedicated thread: an async delay resumes on the thread pool, behind every
/// queued delivery of every watcher, which made sends several milliseconds late at a few thousand deliveries per second.
/// </remarks>
public sealed class OpenLoopSchedule(long startTimestamp, double ratePerSecond)
{
    private static readonly TimeSpan MaxSleep = TimeSpan.FromMilliseconds(50);

    private readonly double _ticksPerSend = Stopwatch.Frequency / ratePerSecond;

    public long DueTimestamp(long sendIndex) => startTimestamp + (long)(sendIndex * _ticksPerSend);

    /// <summary>
    /// Blocks until <paramref name="timestamp"/> (returns at once when it has passed), in sleeps of 1 to 50 ms: a send
    /// due within the next millisecond waits a whole one (sends due meanwhile then go out together, at most ~1 ms late,
    /// which the pacing lag shows). A shorter sleep is <c>Thread.Sleep(0)</c>, a bare yield: at a few thousand sends a
    /// second the loop spun through it and took a sixth of the driver's CPU from the receivers.
    /// </summary>
    public static void SleepUntil(long timestamp, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            Thread.Sleep(SleepFor(remaining));
        }
    }

    /// <summary>How long one sleep of <see cref="SleepUntil"/> lasts with <paramref name="remaining"/> left: whole milliseconds, 1 to 50.</summary>
    public static int SleepFor(TimeSpan remaining) =>
        (int)Math.Clamp(Math.Ceiling(remaining.TotalMilliseconds), 1, MaxSleep.TotalMilliseconds);

    /// <summary>Blocks until send <paramref name="sendIndex"/> is due.</summary>
    public void WaitUntilDue(long sendIndex, CancellationToken cancellationToken) =>
        SleepUntil(DueTimestamp(sendIndex), cancellationToken);
}
