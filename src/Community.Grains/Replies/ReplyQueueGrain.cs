using System.Globalization;
using Community.Conversations;
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
/// applied (<c>w:{postId}</c>), which makes repeated reports harmless. Posts report after their own commit and
/// never wait for this grain, so the queue trails the comments by one call. Not reentrant: reports are applied one
/// at a time, in arrival order.
/// <para>
/// Written through a <see cref="Journal{THead}"/>, one decision per write: each is atomic and carries its post's
/// watermark, so a report too large for one write is stored in several, and a retry re-applies only what was not
/// stored. A decision that was stored though its write failed (the answer was lost) completes as stored, its
/// <see cref="ClientEvents.UnansweredChanged"/> included. Planning applies the comments to the queue and window in
/// memory; until the journal reports the decision stored, memory is ahead of storage, and it is read again from storage
/// before anything uses it.
/// </para>
/// </summary>
public sealed class ReplyQueueGrain : Grain, IReplyQueueGrain, IStreamOwner<ReplyQueueHead>
{
    public const string Table = "replies";

    // Rows of items that left the window are deleted a few at a time along with other writes.
    private const int ExpiredDeletesPerCommit = 50;

    // The most rows a fan's comment writes: itself and its response item, a coalesced comment of the fan and its item,
    // and the oldest one or two dropped from a full queue. A reply writes two per comment it answers.
    private const int RowsOfAQueuedComment = 6;

    private readonly ILogStore _store;
    private readonly TimeProvider _time;
    private readonly RealtimeFanout _fanout;
    private readonly Journal<ReplyQueueHead> _journal;
    private readonly Dictionary<string, long> _watermarks = new(StringComparer.Ordinal);
    private readonly List<string> _expiredRows = [];
    private ReplyLedger? _ledger;
    private ResponseWindow? _responses;

    // Decisions planned into memory that the journal has not reported stored: while there are any, memory is reloaded before use.
    private int _unstored;

    public ReplyQueueGrain(ILogStoreFactory stores, RelayRegistry relays, TimeProvider time, ILogger<ReplyQueueGrain> logger)
    {
        _store = stores.Get(Table);
        _time = time;
        _fanout = new RealtimeFanout(relays, logger);
        _journal = new Journal<ReplyQueueHead>(_store, Creator, this, logger, empty: () => new ReplyQueueHead(0));
        _journal.Reloaded += () => _ledger = null;
    }

    private string Creator => this.GetPrimaryKeyString();

    public async Task Observe(string postId, IReadOnlyList<Comment> comments)
    {
        while (!await _journal.Submit<bool>(new ReportOp(postId, comments)))
        {
            // That write was full: the report's rest goes in the next, after the watermark just stored.
        }
    }

    public async Task ObserveOpening(string conversationId, DateTimeOffset startedAt, DateTimeOffset? answeredAt)
    {
        if (!ConversationKey.TryParse(conversationId, out var first, out var second) || (first != Creator && second != Creator))
        {
            throw new ArgumentException($"Conversation {conversationId} is not one of {Creator}'s.", nameof(conversationId));
        }

        var item = new ResponseItem(OpeningId(conversationId), startedAt, answeredAt);
        if (ResponsivenessMath.InWindow(item, _time.GetUtcNow()))
        {
            await _journal.Submit<bool>(new OpeningOp(item));
        }
    }

    public async Task<UnansweredPage> Unanswered(int limit)
    {
        var (ledger, _) = await MemoryAsync();
        return new UnansweredPage(ledger.Oldest(limit).ToList(), ledger.Count);
    }

    public async Task<Responsiveness> Responsiveness()
    {
        var (_, responses) = await MemoryAsync();
        return responses.Compute(_time.GetUtcNow());
    }

    public static string OpeningId(string conversationId) => "dm:" + conversationId;

    async Task IStreamOwner<ReplyQueueHead>.PrepareAsync(IReadOnlyList<StreamOp> batch)
    {
        await MemoryAsync();
        foreach (var postId in batch.OfType<ReportOp>().Select(r => r.PostId).Distinct(StringComparer.Ordinal))
        {
            if (!_watermarks.ContainsKey(postId))
            {
                var row = await _store.ReadAsync(Creator, ReplyRows.WatermarkKey(postId));
                _watermarks[postId] = row is null ? 0 : long.Parse(row.Data, CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>
    /// Applies a report's comments after its post's watermark (or an opening) to the queue and window in memory, as many
    /// as one write takes; the result says whether the report is complete. Old window rows are deleted along the way.
    /// </summary>
    Decision<ReplyQueueHead> IStreamOwner<ReplyQueueHead>.Plan(ReplyQueueHead head, StreamOp op)
    {
        _unstored++;
        var rows = new ReplyRows();
        var (complete, watermark) = (true, (long?)null);
        switch (op)
        {
            case ReportOp report:
                (complete, watermark) = PlanReport(report, rows);
                break;
            case OpeningOp opening:
                rows.SetItem(_responses!.Upsert(opening.Item));
                break;
            default:
                throw new ArgumentException($"Unknown op {op.GetType().Name}.", nameof(op));
        }

        if (rows.Count == 0)
        {
            return Decision<ReplyQueueHead>.Keep(head, complete);
        }

        var expired = Math.Min(Math.Min(_expiredRows.Count, ExpiredDeletesPerCommit), Journal<ReplyQueueHead>.MaxRows - rows.Count);
        var stored = new StoredChange(rows.Added, rows.Removed, _ledger!.Count, expired, watermark);
        return new(new ReplyQueueHead(_ledger.Count), [.. rows.Writes, .. _expiredRows.Take(expired).Select(LogWrite.Delete)], complete, Effect: stored);
    }

    void IStreamOwner<ReplyQueueHead>.Committed(ReplyQueueHead head, IReadOnlyList<(StreamOp Op, Decision<ReplyQueueHead> Decision)> accepted)
    {
        _unstored -= accepted.Count;
        foreach (var (op, decision) in accepted)
        {
            if (decision.Effect is not StoredChange stored)
            {
                continue;
            }

            _expiredRows.RemoveRange(0, stored.ExpiredDeleted);
            if (op is ReportOp report && stored.Watermark is { } seq)
            {
                _watermarks[report.PostId] = seq;
            }

            if (stored.Added.Count > 0 || stored.Removed.Count > 0)
            {
                _fanout.Publish(Topics.User(Creator), new UnansweredChanged(Creator, stored.Total, stored.Added, stored.Removed));
            }
        }
    }

    Task<object?> IStreamOwner<ReplyQueueHead>.StoredAsync(long seq) => throw new InvalidOperationException("Reports carry no client ids.");

    /// <summary>The report's comments after the stored watermark, in order, until the write is full; a reply that answers more than fits is applied again in the next.</summary>
    private (bool Complete, long? Watermark) PlanReport(ReportOp report, ReplyRows rows)
    {
        var stored = _watermarks[report.PostId];
        var last = stored;
        var complete = true;
        foreach (var comment in report.Comments)
        {
            if (comment.PostId != report.PostId || comment.Seq <= last)
            {
                continue;
            }

            // One row stays for the watermark.
            var room = Journal<ReplyQueueHead>.MaxRows - 1 - rows.Count;
            if (room < RowsOfAQueuedComment)
            {
                complete = false;
                break;
            }

            var change = _ledger!.Apply(comment, maxAnswered: room / 2);
            rows.Fold(change, _responses!);
            if (change.More)
            {
                complete = false;
                break;
            }

            last = comment.Seq;
        }

        if (last == stored)
        {
            return (complete, null);
        }

        rows.Watermark(report.PostId, last);
        return (complete, last);
    }

    /// <summary>The queue and the window as stored, less the items that have left the window (their rows go with the next writes).</summary>
    private async Task<(ReplyLedger Ledger, ResponseWindow Responses)> MemoryAsync()
    {
        await _journal.EnsureLoadedAsync();
        if (_ledger is null || _responses is null || _unstored > 0)
        {
            await ReloadAsync();
        }

        _expiredRows.AddRange(_responses!.Expire(_time.GetUtcNow()).Select(ReplyRows.ItemKey));
        return (_ledger!, _responses);
    }

    private async Task ReloadAsync()
    {
        var ledger = new ReplyLedger(Creator);
        foreach (var row in await _store.RangeAsync(Creator, "q:", "q;", ReplyLedger.DefaultCapacity + 1))
        {
            ledger.Restore(LogJson.Read<Comment>(row.Data));
        }

        var cutoff = "r:" + (_time.GetUtcNow() - ResponsivenessMath.Window).UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
        var responses = new ResponseWindow();
        foreach (var row in await _store.RangeAsync(Creator, cutoff, "r;", int.MaxValue))
        {
            responses.Upsert(LogJson.Read<ResponseItem>(row.Data));
        }

        _expiredRows.Clear();
        _expiredRows.AddRange((await _store.RangeAsync(Creator, "r:", cutoff, ExpiredDeletesPerCommit * 4)).Select(r => r.Key));
        _watermarks.Clear();
        _unstored = 0;
        _ledger = ledger;
        _responses = responses;
    }

    /// <summary>A post's comments, reported after they were stored.</summary>
    private sealed class ReportOp(string postId, IReadOnlyList<Comment> comments) : StreamOp
    {
        public string PostId { get; } = postId;

        public IReadOnlyList<Comment> Comments { get; } = comments;
    }

    /// <summary>A conversation opened with the creator, and when they first answered it.</summary>
    private sealed class OpeningOp(ResponseItem item) : StreamOp
    {
        public ResponseItem Item { get; } = item;
    }

    /// <summary>What a stored decision changed: its event, the old window rows it deleted and the watermark it stored (if it moved).</summary>
    private sealed record StoredChange(IReadOnlyList<Comment> Added, IReadOnlyList<string> Removed, long Total, int ExpiredDeleted, long? Watermark);
}

/// <summary>The head row of a reply-queue partition.</summary>
public sealed record ReplyQueueHead(long Unanswered);
