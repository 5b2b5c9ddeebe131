namespace Community.Grains.Engagement;

/// <summary>
/// Runs a grain's periodic work (pushing scores, sending roll-ups) at most once per period, and only while
/// something is pending: the first <see cref="Touch"/> after a quiet period runs the work at once, touches
/// during the next period are coalesced into one run at its end, and a period with no touch removes the timer.
/// Used from the owning grain's context.
/// </summary>
public sealed class PulseTimer(IGrainBase grain, TimeSpan period, Func<Task> work)
{
    private IGrainTimer? _timer;
    private bool _pending;

    public void Touch()
    {
        _pending = true;
        _timer ??= grain.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, period));
    }

    public void Stop()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private async Task TickAsync(CancellationToken cancellation)
    {
        if (!_pending)
        {
            Stop();
            return;
        }

        _pending = false;
        await work();
    }
}
