using System.Globalization;
using Community.Errors;
using Community.Grains.Realtime;
using Community.Grains.Storage;
using Community.Posts;
using Community.Realtime;
using Community.Replies;
using Microsoft.Extensions.Logging;

namespace Community.Grains.Replies;

/// <summary>
/// A creator's reply queue (rules in <see cref="ReplyLedger"/>). One partition per creator: a row per queued comment,
/// keyed oldest first (<c>q:{ticks}:{commentId}</c>), and per post the last seq observed (<c>w:{postId}</c>), which
/// makes repeated reports harmless. Posts report after their own commit and never wait for this grain, so the
/// queue trails the comments by one call. Not reentrant: reports are applied one at a time, in arrival order.
/// </summary>
public sealed partial class ReplyQueueGrain(ILogStoreFactory stores, RelayRegistry relays, ILogger<ReplyQueueGrain> logger)
    : Grain, IReplyQueueGrain
{
    public const string Table = "replies";

    private readonly ILogStore _store = stores.Get(Table);
    private readonly RealtimeFanout _fanout = new(relays, logger);
    private readonly Dictionary<string, long> _watermarks = new(StringComparer.Ordinal);
    private ReplyLedger? _ledger;
    private string? _etag;

    private string Creator => this.GetPrimaryKeyString();

    public async Task Observe(string postId, IReadOnlyList<Comment> comments)
    {
        var ledger = await LedgerAsync();
        var watermark = await WatermarkAsync(postId);
        var rows = new Dictionary<string, LogWrite>(StringComparer.Ordinal);
        var added = new List<Comment>();
        var removed = new List<string>();
        var last = watermark;
        foreach (var comment in comments)
        {
            if (comment.PostId != postId || comment.Seq <= last)
            {
                continue;
            }

            last = comment.Seq;
            var change = ledger.Apply(comment);
            if (change.Added is { } queued)
            {
                rows[ReplyLedger.QueueKey(queued)] = LogWrite.Upsert(ReplyLedger.QueueKey(queued), LogJson.Write(queued));
                added.Add(queued);
            }

            foreach (var left in change.Removed)
            {
                var key = ReplyLedger.QueueKey(left.Comment);
                // Queued and answered within this one report: it never reaches storage, nor the event.
                if (added.Remove(left.Comment))
                {
                    rows.Remove(key);
                }
                else
                {
                    rows[key] = LogWrite.Delete(key);
                    removed.Add(left.Comment.Id);
                }
            }
        }

        if (last == watermark)
        {
            return;
        }

        // The watermark goes last: if a later chunk fails, the report is applied again from what was stored.
        var writes = rows.Values.Append(LogWrite.Upsert(WatermarkKey(postId), last.ToString(CultureInfo.InvariantCulture))).ToList();
        await CommitAsync(writes, ledger.Count);
        _watermarks[postId] = last;
        if (added.Count > 0 || removed.Count > 0)
        {
            _fanout.Publish(Topics.User(Creator), ClientEvents.UnansweredChanged, new UnansweredChanged(Creator, ledger.Count, added, removed));
        }
    }

    public async Task<UnansweredPage> Unanswered(int limit)
    {
        var ledger = await LedgerAsync();
        return new UnansweredPage(ledger.Oldest(limit).ToList(), ledger.Count);
    }

    private async Task CommitAsync(List<LogWrite> writes, int unanswered)
    {
        var head = LogJson.Write(new ReplyQueueHead(unanswered));
        try
        {
            foreach (var chunk in writes.Chunk(ILogStore.MaxBatch - 1))
            {
                _etag = await _store.CommitAsync(Creator, _etag, head, chunk);
            }
        }
        catch (Exception ex)
        {
            // Memory is ahead of storage now: start again from what is stored; the post's feed retries the report.
            _ledger = null;
            _watermarks.Clear();
            if (ex is LogConflictException)
            {
                throw CommunityException.Unavailable("The reply queue is being written elsewhere; try again.");
            }

            throw;
        }
    }

    private async Task<ReplyLedger> LedgerAsync()
    {
        if (_ledger is not null)
        {
            return _ledger;
        }

        var head = await _store.ReadHeadAsync(Creator);
        var ledger = new ReplyLedger(Creator);
        foreach (var row in await _store.RangeAsync(Creator, "q:", "q;", ReplyLedger.DefaultCapacity + 1))
        {
            ledger.Restore(LogJson.Read<Comment>(row.Data));
        }

        _etag = head?.ETag;
        return _ledger = ledger;
    }

    private async Task<long> WatermarkAsync(string postId)
    {
        if (!_watermarks.TryGetValue(postId, out var seq))
        {
            var row = await _store.ReadAsync(Creator, WatermarkKey(postId));
            seq = row is null ? 0 : long.Parse(row.Data, CultureInfo.InvariantCulture);
            _watermarks[postId] = seq;
        }

        return seq;
    }

    private static string WatermarkKey(string postId) => "w:" + postId;
}

/// <summary>The head row of a reply-queue partition.</summary>
public sealed record ReplyQueueHead(long Unanswered);
