using Community.Errors;
using Community.Grains.Realtime;
using Community.Grains.Storage;
using Community.Posts;
using Community.Realtime;
using Community.Validation;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Community.Grains.Posts;

/// <summary>
/// A post and its comment stream. Writes are group-committed: while one batch is being stored, the
/// comments and reactions that arrive queue up and are stored together in the next batch, one Table
/// transaction for up to 99 rows. A caller's task completes only after its batch is stored, and events
/// are published only for stored items, so every acknowledged comment has a seq without gaps.
/// </summary>
[Reentrant]
public sealed partial class PostGrain(
    ILogStoreFactory stores,
    RelayRegistry relays,
    TimeProvider time,
    ILogger<PostGrain> logger) : Grain, IPostGrain
{
    public const string Table = "posts";
    private const int RecentCapacity = 512;
    private const int MaxCatchUp = 1_000;
    private const int ClientIdMemory = 10_000;
    private const int ReactorMemory = 100_000;
    private const int MaxHeadConflicts = 3;

    private readonly ILogStore _store = stores.Get(Table);
    private readonly RealtimeFanout _fanout = new(relays, logger);
    private readonly List<Comment> _recent = [];
    private readonly Dictionary<string, long> _clientIds = new(StringComparer.Ordinal);
    private readonly Queue<string> _clientIdOrder = new();
    private readonly HashSet<string> _reacted = new(StringComparer.Ordinal);
    private readonly List<PendingOp> _pending = [];
    private bool _committing;
    private Task? _loading;
    private bool _loaded;
    private PostHead? _head;
    private string? _etag;

    private string PostId => this.GetPrimaryKeyString();

    public async Task<Post> Create(string creator, string text, string? campaignId)
    {
        await EnsureLoadedAsync();
        if (_head is not null)
        {
            throw CommunityException.Conflict($"Post '{PostId}' already exists.");
        }

        var head = new PostHead(creator, Limits.Text(text, "post text"), campaignId, time.GetUtcNow());
        try
        {
            _etag = await _store.CommitAsync(PostId, null, LogJson.Write(head), []);
        }
        catch (LogConflictException)
        {
            _loaded = false;
            throw CommunityException.Conflict($"Post '{PostId}' already exists.");
        }

        _head = head;
        return head.ToPost(PostId);
    }

    public async Task<Post?> Get()
    {
        await EnsureLoadedAsync();
        return _head?.ToPost(PostId);
    }

    public async Task<Comment> AddComment(string author, string text, string? replyTo, string? clientId)
    {
        var head = await RequireHeadAsync();
        text = Limits.Text(text, "comment");
        clientId = Limits.ClientId(clientId);
        var dedupeKey = clientId is null ? null : author + "\n" + clientId;
        if (dedupeKey is not null)
        {
            if (_clientIds.TryGetValue(dedupeKey, out var knownSeq))
            {
                return await GetCommentAsync(knownSeq);
            }

            if (_pending.OfType<PendingComment>().FirstOrDefault(p => p.DedupeKey == dedupeKey) is { } inFlight)
            {
                return await inFlight.Completion.Task;
            }
        }

        string? thread = null;
        if (replyTo is not null)
        {
            if (!CommentKey.TryParse(replyTo, out var parentPost, out var parentSeq) || parentPost != PostId || parentSeq > head.LastSeq)
            {
                throw CommunityException.Invalid($"replyTo '{replyTo}' is not a comment of post {PostId}.");
            }

            // One level of replies, as on YouTube and Instagram: a reply to a reply joins its thread.
            var parent = await GetCommentAsync(parentSeq);
            thread = parent.ReplyTo ?? parent.Id;
        }

        var op = new PendingComment(author, text, thread, clientId, dedupeKey);
        Enqueue(op);
        return await op.Completion.Task;
    }

    public async Task<PostCounters> React(string user, ReactionKind kind)
    {
        var head = await RequireHeadAsync();
        if (kind != ReactionKind.Share && _reacted.Contains(ReactionKey(kind, user)))
        {
            return head.Counters(PostId);
        }

        var op = new PendingReaction(user, kind);
        Enqueue(op);
        return await op.Completion.Task;
    }

    public async Task<CommentPage> GetComments(long afterSeq, int limit)
    {
        var head = await RequireHeadAsync();
        var items = await ReadRangeAsync(afterSeq, head.LastSeq, limit);
        return new CommentPage(items, head.LastSeq);
    }

    public async Task<CommentCatchUp> CatchUp(long afterSeq)
    {
        var head = await RequireHeadAsync();
        var missed = await ReadRangeAsync(afterSeq, head.LastSeq, MaxCatchUp);
        var hasMore = missed.Count > 0 ? missed[^1].Seq < head.LastSeq : afterSeq < head.LastSeq;
        return new CommentCatchUp(head.LastSeq, missed, hasMore);
    }

    private async Task<IReadOnlyList<Comment>> ReadRangeAsync(long afterSeq, long lastSeq, int limit)
    {
        if (afterSeq >= lastSeq)
        {
            return [];
        }

        if (_recent.Count > 0 && _recent[0].Seq <= afterSeq + 1)
        {
            var start = (int)(afterSeq + 1 - _recent[0].Seq);
            return _recent.GetRange(start, Math.Min(limit, _recent.Count - start));
        }

        var rows = await _store.RangeAsync(PostId, LogKeys.Seq(afterSeq + 1), LogKeys.Seq(lastSeq + 1), limit);
        return rows.Select(r => LogJson.Read<Comment>(r.Data)).ToList();
    }

    private async Task<Comment> GetCommentAsync(long seq)
    {
        if (_recent.Count > 0 && seq >= _recent[0].Seq && seq <= _recent[^1].Seq)
        {
            return _recent[(int)(seq - _recent[0].Seq)];
        }

        var row = await _store.ReadAsync(PostId, LogKeys.Seq(seq))
            ?? throw CommunityException.NotFound($"Comment {CommentKey.Format(PostId, seq)} does not exist.");
        return LogJson.Read<Comment>(row.Data);
    }

    private async Task<PostHead> RequireHeadAsync()
    {
        await EnsureLoadedAsync();
        return _head ?? throw CommunityException.NotFound($"There is no post '{PostId}'.");
    }

    private Task EnsureLoadedAsync()
    {
        if (_loaded)
        {
            return Task.CompletedTask;
        }

        return _loading ??= LoadAsync();
    }

    private async Task LoadAsync()
    {
        try
        {
            var stored = await _store.ReadHeadAsync(PostId);
            _head = stored is null ? null : LogJson.Read<PostHead>(stored.Data);
            _etag = stored?.ETag;
            _recent.Clear();
            _loaded = true;
        }
        finally
        {
            _loading = null;
        }
    }

    private void Enqueue(PendingOp op)
    {
        _pending.Add(op);
        if (!_committing)
        {
            _committing = true;
            _ = CommitLoopAsync();
        }
    }

    private async Task CommitLoopAsync()
    {
        try
        {
            while (_pending.Count > 0)
            {
                await CommitBatchAsync(TakeBatch());
            }
        }
        finally
        {
            _committing = false;
        }
    }

    private List<PendingOp> TakeBatch()
    {
        var budget = ILogStore.MaxBatch - 1;
        var count = 0;
        while (count < _pending.Count && _pending[count].Writes <= budget)
        {
            budget -= _pending[count].Writes;
            count++;
        }

        var batch = _pending.GetRange(0, count);
        _pending.RemoveRange(0, count);
        return batch;
    }

    private async Task CommitBatchAsync(List<PendingOp> batch)
    {
        var headConflicts = 0;
        while (batch.Count > 0)
        {
            try
            {
                if (!_loaded)
                {
                    await EnsureLoadedAsync();
                }

                var current = _head ?? throw CommunityException.NotFound($"There is no post '{PostId}'.");
                var (next, writes, owners) = Plan(current, batch);
                _etag = await _store.CommitAsync(PostId, _etag, LogJson.Write(next), writes);
                _head = next;
                Complete(batch, next);
                return;
            }
            catch (LogConflictException conflict) when (!conflict.IsHead)
            {
                var owners = Plan(_head!, batch).Owners;
                var op = batch[owners[conflict.WriteIndex]];
                batch.Remove(op);
                await ResolveDuplicateAsync(op);
            }
            catch (LogConflictException) when (++headConflicts <= MaxHeadConflicts)
            {
                // Another activation of this post wrote in between (a brief double activation during a
                // membership change); re-read and re-number this batch on top of what it stored.
                _loaded = false;
            }
            catch (Exception ex)
            {
                _loaded = false;
                var error = ex as CommunityException ?? (ex is LogConflictException
                    ? CommunityException.Unavailable("The post is being written elsewhere; try again.")
                    : null);
                if (error is null)
                {
                    LogCommitFailed(logger, ex, PostId);
                }

                foreach (var op in batch)
                {
                    op.Fail(error ?? ex);
                }

                return;
            }
        }
    }

    private (PostHead Next, List<LogWrite> Writes, List<int> Owners) Plan(PostHead head, List<PendingOp> batch)
    {
        var now = time.GetUtcNow();
        var writes = new List<LogWrite>(batch.Count * 2);
        var owners = new List<int>(batch.Count * 2);
        var next = head;
        for (var i = 0; i < batch.Count; i++)
        {
            switch (batch[i])
            {
                case PendingComment c:
                    var seq = next.LastSeq + 1;
                    var byCreator = c.Author == head.Creator;
                    c.Planned = new Comment(PostId, seq, CommentKey.Format(PostId, seq), c.Author, c.Text, c.ReplyTo, now, byCreator);
                    writes.Add(LogWrite.Insert(LogKeys.Seq(seq), LogJson.Write(c.Planned)));
                    owners.Add(i);
                    if (c.ClientId is not null)
                    {
                        writes.Add(LogWrite.Insert(LogKeys.Of("k", c.Author, c.ClientId), seq.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                        owners.Add(i);
                    }

                    next = next with
                    {
                        LastSeq = seq,
                        Comments = next.Comments + 1,
                        CreatorReplies = next.CreatorReplies + (byCreator && c.ReplyTo is not null ? 1 : 0),
                    };
                    break;
                case PendingReaction { Kind: ReactionKind.Share }:
                    next = next with { Shares = next.Shares + 1 };
                    break;
                case PendingReaction r:
                    writes.Add(LogWrite.Insert(ReactionKey(r.Kind, r.User), "1"));
                    owners.Add(i);
                    next = r.Kind == ReactionKind.Like ? next with { Likes = next.Likes + 1 } : next with { Saves = next.Saves + 1 };
                    break;
            }
        }

        return (next, writes, owners);
    }

    private void Complete(List<PendingOp> batch, PostHead head)
    {
        var topic = Topics.Post(PostId);
        var counters = head.Counters(PostId);
        foreach (var op in batch)
        {
            switch (op)
            {
                case PendingComment c:
                    Remember(c.Planned!);
                    if (c.DedupeKey is not null)
                    {
                        RememberClientId(c.DedupeKey, c.Planned!.Seq);
                    }

                    c.Completion.TrySetResult(c.Planned!);
                    _fanout.Publish(topic, ClientEvents.CommentAdded, c.Planned!);
                    break;
                case PendingReaction r:
                    if (r.Kind != ReactionKind.Share)
                    {
                        RememberReaction(ReactionKey(r.Kind, r.User));
                    }

                    r.Completion.TrySetResult(counters);
                    _fanout.Publish(topic, ClientEvents.ReactionAdded, new ReactionAdded(PostId, r.User, KindName(r.Kind), counters));
                    break;
            }
        }
    }

    private async Task ResolveDuplicateAsync(PendingOp op)
    {
        try
        {
            switch (op)
            {
                case PendingComment c:
                    var row = await _store.ReadAsync(PostId, LogKeys.Of("k", c.Author, c.ClientId!))
                        ?? throw CommunityException.Unavailable("The comment's client id conflicted but could not be read back; retry.");
                    var seq = long.Parse(row.Data, System.Globalization.CultureInfo.InvariantCulture);
                    RememberClientId(c.DedupeKey!, seq);
                    c.Completion.TrySetResult(await GetCommentAsync(seq));
                    break;
                case PendingReaction r:
                    RememberReaction(ReactionKey(r.Kind, r.User));
                    r.Completion.TrySetResult(_head!.Counters(PostId));
                    break;
            }
        }
        catch (Exception ex)
        {
            op.Fail(ex);
        }
    }

    private void Remember(Comment comment)
    {
        if (_recent.Count > 0 && _recent[^1].Seq != comment.Seq - 1)
        {
            _recent.Clear();
        }

        _recent.Add(comment);
        if (_recent.Count > RecentCapacity)
        {
            _recent.RemoveRange(0, _recent.Count - RecentCapacity);
        }
    }

    private void RememberClientId(string key, long seq)
    {
        if (_clientIds.TryAdd(key, seq))
        {
            _clientIdOrder.Enqueue(key);
            if (_clientIdOrder.Count > ClientIdMemory)
            {
                _clientIds.Remove(_clientIdOrder.Dequeue());
            }
        }
    }

    private void RememberReaction(string key)
    {
        if (_reacted.Count >= ReactorMemory)
        {
            _reacted.Clear();
        }

        _reacted.Add(key);
    }

    private static string ReactionKey(ReactionKind kind, string user) => LogKeys.Of(kind == ReactionKind.Like ? "l" : "v", user);

    public static string KindName(ReactionKind kind) => kind switch
    {
        ReactionKind.Like => "like",
        ReactionKind.Share => "share",
        _ => "save",
    };

    private abstract class PendingOp
    {
        public abstract int Writes { get; }

        public abstract void Fail(Exception ex);
    }

    private sealed class PendingComment(string author, string text, string? replyTo, string? clientId, string? dedupeKey) : PendingOp
    {
        public string Author { get; } = author;

        public string Text { get; } = text;

        public string? ReplyTo { get; } = replyTo;

        public string? ClientId { get; } = clientId;

        public string? DedupeKey { get; } = dedupeKey;

        public Comment? Planned { get; set; }

        public TaskCompletionSource<Comment> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override int Writes => ClientId is null ? 1 : 2;

        public override void Fail(Exception ex) => Completion.TrySetException(ex);
    }

    private sealed class PendingReaction(string user, ReactionKind kind) : PendingOp
    {
        public string User { get; } = user;

        public ReactionKind Kind { get; } = kind;

        public TaskCompletionSource<PostCounters> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override int Writes => Kind == ReactionKind.Share ? 0 : 1;

        public override void Fail(Exception ex) => Completion.TrySetException(ex);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing a batch of post {PostId} failed.")]
    private static partial void LogCommitFailed(ILogger logger, Exception ex, string postId);
}
