using Community.Grains.Runtime;
using Community.Posts;
using Community.Replies;
using Microsoft.Extensions.Logging;
using Polly;

namespace Community.Grains.Replies;

/// <summary>
/// A post's reports to its creator's reply queue, sent after the comments are stored so that commenting never waits
/// on the queue. One call is in flight at a time and the comments stored meanwhile travel together in the next, in
/// seq order (a <see cref="Pump{T}"/>). A failed call is retried (<see cref="Retries"/>: the queue ignores what it has
/// seen, so retries are harmless), then given up and logged. Must be used from the owning grain's context.
/// </summary>
public sealed partial class ReplyQueueFeed
{
    private const int MaxBatch = 200;
    private const int MaxQueued = 10_000;

    private readonly IGrainFactory _grains;
    private readonly string _postId;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _retries;
    private readonly Pump<Comment> _pump;
    private string _creator = "";

    public ReplyQueueFeed(IGrainFactory grains, string postId, TimeProvider time, ILogger logger)
    {
        _grains = grains;
        _postId = postId;
        _logger = logger;
        _retries = Retries.Create(time);
        _pump = new Pump<Comment>(SendAsync, budget: MaxBatch, maxQueued: MaxQueued, failed: (ex, batch) => LogLost(logger, ex, postId, batch.Count));
    }

    /// <summary>Reports a stored comment of the post by <paramref name="creator"/> (only those that can change the queue).</summary>
    public void Observe(string creator, Comment comment)
    {
        if (comment.Author == creator && comment.ReplyTo is null)
        {
            return;
        }

        _creator = creator;
        if (_pump.Add(comment) > 0)
        {
            LogDropped(_logger, _postId);
        }
    }

    private Task SendAsync(List<Comment> batch)
    {
        var queue = _grains.GetGrain<IReplyQueueGrain>(_creator);
        return _retries.ExecuteInContextAsync(() => queue.Observe(_postId, batch));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The reply queue did not take {Count} comments of post {PostId}; they stay out of it.")]
    private static partial void LogLost(ILogger logger, Exception ex, string postId, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The reply-queue feed of post {PostId} is full; dropped its oldest comment.")]
    private static partial void LogDropped(ILogger logger, string postId);
}
