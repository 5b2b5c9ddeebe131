namespace Community.Grains.Conversations;

/// <summary>
/// Keeps one participant's inbox up to date with a conversation. One push is in flight at a time, and every request
/// made meanwhile is served by the next push, which carries the state as it is by then: a burst of messages costs a
/// few inbox calls, not one each. A failed push is retried a few times; inbox updates are idempotent, so retrying
/// one that did arrive is harmless. Must be used from the owning grain's context.
/// </summary>
public sealed class InboxSync(Func<Task> push, TimeProvider time)
{
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];

    private TaskCompletionSource? _next;
    private bool _running;

    /// <summary>Completes when a push that started after this call has stored the inbox update (or failed every retry).</summary>
    public Task RequestAsync()
    {
        var next = _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_running)
        {
            _running = true;
            _ = RunAsync();
        }

        return next.Task;
    }

    private async Task RunAsync()
    {
        try
        {
            while (_next is { } waiting)
            {
                _next = null;
                try
                {
                    await PushWithRetriesAsync();
                    waiting.TrySetResult();
                }
                catch (Exception ex)
                {
                    waiting.TrySetException(ex);
                }
            }
        }
        finally
        {
            _running = false;
        }
    }

    private async Task PushWithRetriesAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await push();
                return;
            }
            catch (Exception) when (attempt < RetryDelays.Length)
            {
                await Task.Delay(RetryDelays[attempt], time);
            }
        }
    }
}
