using Community.Posts;
using Community.Replies;
using Microsoft.Extensions.Logging;

namespace Community.Grains.Replies;

/// <summary>
/// A post's reports to its creator's reply queue, sent after the comments are stored so that commenting never waits
/// on the queue. One call is in flight at a time and the comments stored meanwhile travel together in the next, in
/// seq order. A failed call is retried a few times (the queue ignores what it has seen, so retries are harmless),
/// then given up and logged. Must be used from the owning grain's context.
/// </summary>
public sealed partial class ReplyQueueFeed(IGrainFactory grains, string postId, TimeProvider time, ILogger logger)
{
    private const int MaxBatch = 200;
    private const int MaxQueued = 10_000;
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];

    private readonly List<Comment> _pending = [];
    private string _creator = "";
    private bool _sending;

    /// <summary>Reports a stored comment of the post by <paramref name="creator"/> (only those that can change the queue).</summary>
    public void Observe(string creator, Comment comment)
    {
        if (comment.Author == creator && comment.ReplyTo is null)
        {
            return;
        }

        _creator = creator;
        if (_pending.Count >= MaxQueued)
        {
            _pending.RemoveAt(0);
            LogDropped(logger, postId);
        }

        _pending.Add(comment);
        if (!_sending)
        {
            _sending = true;
            _ = PumpAsync();
        }
    }

    private async Task PumpAsync()
    {
        try
        {
            while (_pending.Count > 0)
            {
                var batch = _pending.GetRange(0, Math.Min(MaxBatch, _pending.Count));
                _pending.RemoveRange(0, batch.Count);
                await SendAsync(batch);
            }
        }
        finally
        {
            _sending = false;
        }
    }

    private async Task SendAsync(List<Comment> batch)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await grains.GetGrain<IReplyQueueGrain>(_creator).Observe(postId, batch);
                return;
            }
            catch (Exception) when (attempt < RetryDelays.Length)
            {
                await Task.Delay(RetryDelays[attempt], time);
            }
            catch (Exception ex)
            {
                LogLost(logger, ex, postId, batch.Count);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The reply queue did not take {Count} comments of post {PostId}; they stay out of it.")]
    private static partial void LogLost(ILogger logger, Exception ex, string postId, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The reply-queue feed of post {PostId} is full; dropped its oldest comment.")]
    private static partial void LogDropped(ILogger logger, string postId);
}
