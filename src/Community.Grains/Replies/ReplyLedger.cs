using System.Globalization;
using Community.Posts;

namespace Community.Grains.Replies;

/// <summary>
/// A comment leaving the queue: answered by <see cref="By"/>; or, By null, dropped because the queue was full, or
/// <see cref="Coalesced"/> into its author's later comment (it then stops counting for responsiveness too).
/// </summary>
public readonly record struct LeftQueue(Comment Comment, Comment? By, bool Coalesced = false);

/// <summary>What one comment did to the queue; <see cref="More"/> when a reply answered only part of its thread (see <see cref="ReplyLedger.Apply"/>).</summary>
public sealed record QueueChange(Comment? Added, IReadOnlyList<LeftQueue> Removed, bool More = false)
{
    public static readonly QueueChange None = new(null, []);
}

/// <summary>
/// The rules of a creator's reply queue (docs/engagement.md, "Responsiveness"), without storage. A fan's comment on
/// one of the creator's posts joins the queue. A creator's comment with <c>replyTo</c> answers every queued fan
/// comment of that thread written before it (a thread is a top-level comment and its replies: the post already
/// files a reply to a reply under its thread's first comment). A creator's top-level comment answers nobody.
/// One fan holds at most <c>perFan</c> entries: their first <c>perFan − 1</c> waiting comments and their latest one, which
/// a newer comment of theirs replaces (coalesces), so one fan's spam cannot push other fans' questions out.
/// The queue keeps at most <c>capacity</c> comments; beyond that the oldest are dropped.
/// Comments must be applied once each, in seq order per post.
/// </summary>
public sealed class ReplyLedger(string creator, int capacity = ReplyLedger.DefaultCapacity, int perFan = ReplyLedger.DefaultPerFan)
{
    public const int DefaultCapacity = 10_000;
    public const int DefaultPerFan = 3;

    private readonly SortedDictionary<string, Comment> _queue = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Comment>> _threads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Comment>> _byFan = new(StringComparer.Ordinal);

    public int Count => _queue.Count;

    /// <summary>The queue's storage key: oldest first, by the time the comment was written, then its id.</summary>
    public static string QueueKey(Comment comment) =>
        "q:" + comment.At.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + ":" + comment.Id;

    public IEnumerable<Comment> Oldest(int limit) => _queue.Values.Take(limit);

    /// <summary>Puts back a comment read from storage.</summary>
    public void Restore(Comment queued) => Enqueue(queued);

    /// <summary>Applies the next comment of a post.</summary>
    /// <param name="maxAnswered">
    /// The most comments a reply answers at once (what one atomic write can take). When its thread holds more, it answers
    /// the oldest, the change says <see cref="QueueChange.More"/>, and applying the same reply again answers the next.
    /// </param>
    public QueueChange Apply(Comment comment, int maxAnswered = int.MaxValue)
    {
        if (comment.Author != creator)
        {
            Enqueue(comment);
            var removed = new List<LeftQueue>();
            var mine = _byFan[comment.Author];
            while (mine.Count > perFan)
            {
                var replaced = mine[perFan - 1];
                Remove(replaced);
                removed.Add(new LeftQueue(replaced, null, Coalesced: true));
            }

            while (_queue.Count > capacity)
            {
                var oldest = _queue.First().Value;
                Remove(oldest);
                removed.Add(new LeftQueue(oldest, null));
            }

            return new QueueChange(comment, removed);
        }

        if (comment.ReplyTo is null || !_threads.TryGetValue(ThreadKey(comment.PostId, comment.ReplyTo), out var thread))
        {
            return QueueChange.None;
        }

        var answered = thread.Where(c => c.Seq < comment.Seq).ToList();
        var more = answered.Count > maxAnswered;
        if (more)
        {
            answered.RemoveRange(maxAnswered, answered.Count - maxAnswered);
        }

        answered.ForEach(Remove);
        return new QueueChange(null, answered.Select(c => new LeftQueue(c, comment)).ToList(), more);
    }

    private void Enqueue(Comment comment)
    {
        if (!_queue.TryAdd(QueueKey(comment), comment))
        {
            return;
        }

        var key = ThreadKey(comment.PostId, comment.ReplyTo ?? comment.Id);
        if (!_threads.TryGetValue(key, out var thread))
        {
            thread = [];
            _threads.Add(key, thread);
        }

        thread.Add(comment);
        if (!_byFan.TryGetValue(comment.Author, out var mine))
        {
            mine = [];
            _byFan.Add(comment.Author, mine);
        }

        mine.Add(comment);
    }

    private void Remove(Comment comment)
    {
        _queue.Remove(QueueKey(comment));
        var key = ThreadKey(comment.PostId, comment.ReplyTo ?? comment.Id);
        if (_threads.TryGetValue(key, out var thread))
        {
            thread.Remove(comment);
            if (thread.Count == 0)
            {
                _threads.Remove(key);
            }
        }

        if (_byFan.TryGetValue(comment.Author, out var mine))
        {
            mine.Remove(comment);
            if (mine.Count == 0)
            {
                _byFan.Remove(comment.Author);
            }
        }
    }

    private static string ThreadKey(string postId, string thread) => postId + "/" + thread;
}
