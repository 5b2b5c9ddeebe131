using System.Globalization;
using Community.Grains.Engagement;
using Community.Grains.Storage;
using Community.Posts;

namespace Community.Grains.Replies;

/// <summary>
/// The rows one stored decision of a reply queue writes, gathered from what its comments did to the queue
/// (<see cref="QueueChange"/>) and to the response window, with what its event reports. A comment queued and answered
/// (or coalesced) within one decision never reaches storage, nor the event.
/// </summary>
internal sealed class ReplyRows
{
    private readonly Dictionary<string, LogWrite> _rows = new(StringComparer.Ordinal);
    private readonly List<Comment> _added = [];
    private readonly List<string> _removed = [];

    public int Count => _rows.Count;

    public IEnumerable<LogWrite> Writes => _rows.Values;

    public IReadOnlyList<Comment> Added => _added;

    public IReadOnlyList<string> Removed => _removed;

    /// <summary>The row of a response item of the window, keyed by when it started.</summary>
    public static string ItemKey(ResponseItem item) =>
        "r:" + item.StartedAt.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + ":" + item.Id;

    /// <summary>The row holding the last seq of <paramref name="postId"/> applied to the queue.</summary>
    public static string WatermarkKey(string postId) => "w:" + postId;

    /// <summary>Records what one comment did to the queue, and applies it to <paramref name="responses"/>.</summary>
    public void Fold(QueueChange change, ResponseWindow responses)
    {
        if (change.Added is { } queued)
        {
            _rows[ReplyLedger.QueueKey(queued)] = LogWrite.Upsert(ReplyLedger.QueueKey(queued), LogJson.Write(queued));
            _added.Add(queued);
            SetItem(responses.Upsert(new ResponseItem(queued.Id, queued.At)));
        }

        foreach (var left in change.Removed)
        {
            var key = ReplyLedger.QueueKey(left.Comment);
            var fresh = _added.Remove(left.Comment);
            Drop(key, fresh);
            if (!fresh)
            {
                _removed.Add(left.Comment.Id);
            }

            if (left.By is { } reply)
            {
                SetItem(responses.Answer(left.Comment.Id, reply.At));
            }
            else if (left.Coalesced && responses.Remove(left.Comment.Id) is { } gone)
            {
                // Counted per fan: a comment coalesced into the fan's later one leaves the reply rate too.
                Drop(ItemKey(gone), fresh);
            }
        }
    }

    /// <summary>Stores a response item that changed (null: nothing changed).</summary>
    public void SetItem(ResponseItem? changed)
    {
        if (changed is not null)
        {
            _rows[ItemKey(changed)] = LogWrite.Upsert(ItemKey(changed), LogJson.Write(changed));
        }
    }

    public void Watermark(string postId, long seq) =>
        _rows[WatermarkKey(postId)] = LogWrite.Upsert(WatermarkKey(postId), seq.ToString(CultureInfo.InvariantCulture));

    /// <summary>A row leaves: deleted when stored, or never written when it was written first within this decision.</summary>
    private void Drop(string key, bool fresh)
    {
        if (fresh)
        {
            _rows.Remove(key);
        }
        else
        {
            _rows[key] = LogWrite.Delete(key);
        }
    }
}
