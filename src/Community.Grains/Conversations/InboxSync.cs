using Community.Grains.Runtime;
using Polly;

namespace Community.Grains.Conversations;

/// <summary>
/// Keeps one participant's inbox up to date with a conversation. One push is in flight at a time, and every request
/// made meanwhile is served by the next push, which carries the state as it is by then: a burst of messages costs a
/// few inbox calls, not one each (a <see cref="Pump{T}"/> of the requests' completions). A failed push is retried
/// (<see cref="Retries"/>); inbox updates are idempotent, so retrying one that did arrive is harmless. Must be used
/// from the owning grain's context.
/// </summary>
public sealed class InboxSync
{
    private readonly Pump<TaskCompletionSource> _pump;

    public InboxSync(Func<Task> push, TimeProvider time)
    {
        var retries = Retries.Create(time);
        _pump = new Pump<TaskCompletionSource>(
            async waiting =>
            {
                await retries.ExecuteInContextAsync(push);
                waiting.ForEach(static w => w.TrySetResult());
            },
            failed: static (ex, waiting) => waiting.ForEach(w => w.TrySetException(ex)));
    }

    /// <summary>Completes when a push that started after this call has stored the inbox update (or failed every retry).</summary>
    public Task RequestAsync()
    {
        var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pump.Add(next);
        return next.Task;
    }
}
