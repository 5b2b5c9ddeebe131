using Polly;
using Polly.Retry;

namespace Community.Grains.Runtime;

/// <summary>
/// The one retry policy of a grain's calls to other grains that may be busy or re-activating elsewhere (an inbox,
/// a reply queue): three retries, after about 200 ms, 1 s and 5 s, then the failure goes to the caller. Only for calls
/// that are safe to repeat. Built on the grain's <see cref="TimeProvider"/>, so tests drive its delays with a fake clock.
/// </summary>
public static class Retries
{
    private static readonly TimeSpan[] Delays = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];

    /// <summary>The policy on <paramref name="time"/>'s clock.</summary>
    public static ResiliencePipeline Create(TimeProvider time) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(),
                MaxRetryAttempts = Delays.Length,
                DelayGenerator = static args => ValueTask.FromResult<TimeSpan?>(Delays[args.AttemptNumber]),
            })
            .Build();

    /// <summary>
    /// Runs <paramref name="call"/> under <paramref name="pipeline"/> with every attempt on the caller's scheduler: Polly
    /// resumes off it by default, and a grain's state may only be touched from its own.
    /// </summary>
    public static async Task ExecuteInContextAsync(this ResiliencePipeline pipeline, Func<Task> call)
    {
        var context = ResilienceContextPool.Shared.Get(continueOnCapturedContext: true);
        try
        {
            await pipeline.ExecuteAsync(static async (_, call) => await call(), context, call);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
