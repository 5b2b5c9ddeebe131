using System.Globalization;
using Community.Conversations;
using Community.Errors;
using Community.Grains.Engagement;
using Community.Grains.Realtime;
using Community.Grains.Storage;
using Community.Posts;
using Community.Realtime;
using Community.Replies;
using Microsoft.Extensions.Logging;

namespace Community.Grains.Replies;

/// <summary>
/// A creator's reply queue (rules in <see cref="ReplyLedger"/>) and responsiveness (<see cref="ResponseWindow"/>).
/// One partition per creator: a row per queued comment keyed oldest first (<c>q:{ticks}:{commentId}</c>), a row per
/// response item of the rolling window keyed by start (<c>r:{ticks}:{itemId}</c>), and per post the last seq
/// observed (<c>w:{postId}</c>), which makes repeated reports harmless. Posts report after their own commit and
/// never wait for this grain, so the queue trails the comments by one call. Not reentrant: reports are applied one
/// at a time, in arrival order.
/// </summary>
public sealed partial class ReplyQueueGrain(ILogStoreFactory stores, RelayRegistry relays, TimeProvider time, ILogger<ReplyQueueGrain> logger)
    : Grain, IReplyQueueGrain
{
    public const string Table = "replies";

    // Rows of items that left the window are deleted a few at a time along with other writes.
    private const int ExpiredDeletesPerCommit = 50;

    private readonly ILogStore _store = stores.Get(Table);
    private readonly RealtimeFanout _fanout = new(relays, logger);
    private readonly Dictionary<string, long> _watermarks = new(StringComparer.Ordinal);
    private readonly List<string> _expiredRows = [];
    private ReplyLedger? _ledger;
    private ResponseWindow? _responses;
    private string? _etag;

    private string Creator => this.GetPrimaryKeyString();

    public async Task Observe(string postId, IReadOnlyList<Comment> comments)
    {
        var (ledger, responses) = await LoadAsync();
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
                SetItem(rows, responses.Upsert(new ResponseItem(queued.Id, queued.At)));
            }

            foreach (var left in change.Removed)
            {
                var key = ReplyLedger.QueueKey(left.Comment);
                // Queued and answered (or coalesced) within this one report: it never reaches storage, nor the event.
                var fresh = added.Remove(left.Comment);
                if (fresh)
                {
                    rows.Remove(key);
                }
                else
                {
                    rows[key] = LogWrite.Delete(key);
                    removed.Add(left.Comment.Id);
                }

                if (left.By is { } reply)
                {
                    SetItem(rows, responses.Answer(left.Comment.Id, reply.At));
                }
                else if (left.Coalesced && responses.Remove(left.Comment.Id) is { } gone)
                {
                    // Counted per fan: a comment coalesced into the fan's later one leaves the reply rate too.
                    if (fresh)
                    {
                        rows.Remove(ItemKey(gone));
                    }
                    else
                    {
                        rows[ItemKey(gone)] = LogWrite.Delete(ItemKey(gone));
                    }
                }
            }
        }

        if (last == watermark)
        {
            return;
        }

        // The watermark goes last: if a later chunk fails, the report is applied again from what was stored.
        await CommitAsync([.. rows.Values, LogWrite.Upsert(WatermarkKey(postId), last.ToString(CultureInfo.InvariantCulture))]);
        _watermarks[postId] = last;
        if (added.Count > 0 || removed.Count > 0)
        {
            _fanout.Publish(Topics.User(Creator), ClientEvents.UnansweredChanged, new UnansweredChanged(Creator, ledger.Count, added, removed));
        }
    }

    public async Task ObserveOpening(string conversationId, DateTimeOffset startedAt, DateTimeOffset? answeredAt)
    {
        if (!ConversationKey.TryParse(conversationId, out var first, out var second) || (first != Creator && second != Creator))
        {
            throw new ArgumentException($"Conversation {conversationId} is not one of {Creator}'s.", nameof(conversationId));
        }

        var (_, responses) = await LoadAsync();
        var item = new ResponseItem(OpeningId(conversationId), startedAt, answeredAt);
        if (!ResponsivenessMath.InWindow(item, time.GetUtcNow()))
        {
            return;
        }

        var rows = new Dictionary<string, LogWrite>(StringComparer.Ordinal);
        SetItem(rows, responses.Upsert(item));
        if (rows.Count > 0)
        {
            await CommitAsync([.. rows.Values]);
        }
    }

    public async Task<UnansweredPage> Unanswered(int limit)
    {
        var (ledger, _) = await LoadAsync();
        return new UnansweredPage(ledger.Oldest(limit).ToList(), ledger.Count);
    }

    public async Task<Responsiveness> Responsiveness()
    {
        var (_, responses) = await LoadAsync();
        return responses.Compute(time.GetUtcNow());
    }

    public static string OpeningId(string conversationId) => "dm:" + conversationId;

    private static void SetItem(Dictionary<string, LogWrite> rows, ResponseItem? changed)
    {
        if (changed is not null)
        {
            rows[ItemKey(changed)] = LogWrite.Upsert(ItemKey(changed), LogJson.Write(changed));
        }
    }

    private async Task CommitAsync(List<LogWrite> writes)
    {
        var deletes = _expiredRows.Take(ExpiredDeletesPerCommit).ToList();
        writes.InsertRange(0, deletes.Select(LogWrite.Delete));
        var head = LogJson.Write(new ReplyQueueHead(_ledger!.Count));
        try
        {
            foreach (var chunk in writes.Chunk(ILogStore.MaxBatch - 1))
            {
                _etag = await _store.CommitAsync(Creator, _etag, head, chunk);
            }

            _expiredRows.RemoveRange(0, deletes.Count);
        }
        catch (Exception ex)
        {
            // Memory is ahead of storage now: start again from what is stored; the post's feed retries the report.
            Forget();
            if (ex is LogConflictException)
            {
                throw CommunityException.Unavailable("The reply queue is being written elsewhere; try again.");
            }

            throw;
        }
    }

    /// <summary>The queue and the window as stored, less the items that have left the window (their rows go with the next commit).</summary>
    private async Task<(ReplyLedger Ledger, ResponseWindow Responses)> LoadAsync()
    {
        if (_ledger is null || _responses is null)
        {
            await ReloadAsync();
        }

        _expiredRows.AddRange(_responses!.Expire(time.GetUtcNow()).Select(ItemKey));
        return (_ledger!, _responses);
    }

    private async Task ReloadAsync()
    {
        var head = await _store.ReadHeadAsync(Creator);
        var ledger = new ReplyLedger(Creator);
        foreach (var row in await _store.RangeAsync(Creator, "q:", "q;", ReplyLedger.DefaultCapacity + 1))
        {
            ledger.Restore(LogJson.Read<Comment>(row.Data));
        }

        var cutoff = "r:" + (time.GetUtcNow() - ResponsivenessMath.Window).UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
        var responses = new ResponseWindow();
        foreach (var row in await _store.RangeAsync(Creator, cutoff, "r;", int.MaxValue))
        {
            responses.Upsert(LogJson.Read<ResponseItem>(row.Data));
        }

        _expiredRows.Clear();
        _expiredRows.AddRange((await _store.RangeAsync(Creator, "r:", cutoff, ExpiredDeletesPerCommit * 4)).Select(r => r.Key));
        _etag = head?.ETag;
        _ledger = ledger;
        _responses = responses;
    }

    private void Forget()
    {
        _ledger = null;
        _responses = null;
        _watermarks.Clear();
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

    private static string ItemKey(ResponseItem item) =>
        "r:" + item.StartedAt.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + ":" + item.Id;
}

/// <summary>The head row of a reply-queue partition.</summary>
public sealed record ReplyQueueHead(long Unanswered);
