namespace Community.LoadTests.Workload;

/// <summary>
/// The backstop that keeps a run bounded in time whatever the server does: every wait in a scenario has its own
/// timeout, and if the process is still running when this fires (a hung close, a stuck socket), it says so and exits 2.
/// </summary>
public sealed class HardDeadline : IDisposable
{
    public const int ExitCode = 2;

    private readonly Timer _timer;

    public HardDeadline(TimeSpan after, TextWriter? output = null)
    {
        var writer = output ?? Console.Error;
        _timer = new Timer(
            _ =>
            {
                writer.WriteLine($"hard deadline of {after.TotalSeconds:0} s exceeded: exiting with code {ExitCode} without a result file.");
                writer.Flush();
                Environment.Exit(ExitCode);
            },
            null,
            after,
            Timeout.InfiniteTimeSpan);
    }

    public void Dispose() => _timer.Dispose();
}
