using System.Globalization;
using Community.Errors;
using Community.Grains.Realtime;
using Community.Grains.Replies;
using Community.Grains.Storage;
using Community.Posts;
using Community.Realtime;
using Community.Validation;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Community.Grains.Posts;

/// <summary>
/// A post and its comment stream. Comments and reactions are group-committed through a <see cref="Journal{THead}"/>
/// (the post's partition: head = post and counters, a row per comment, per client id, per like and save).
/// Events are published only for stored items, so every acknowledged comment has a gap-free seq.
/// Reentrant: comments, reactions and views queue into the next batch while one is being stored.
/// </summary>
[Reentrant]
public sealed partial class PostGrain : Grain, IPostGrain, IStreamOwner<PostHead>
{
    public const string Table = "posts";

    private readonly TimeProvider _time;
    private readonly RealtimeFanout _fanout;
    private readonly ItemStream<PostHead, Comment> _comments;
    private readonly Journal<PostHead> _journal;
    private readonly RecentMap<bool> _reacted = new(100_000);
    private readonly ReplyQueueFeed _replyQueue;
    private readonly ILogger _logger;

    public PostGrain(ILogStoreFactory stores, RelayRegistry relays, TimeProvider time, ILogger<PostGrain> logger)
    {
        _time = time;
        _logger = logger;
        _fanout = new RealtimeFanout(relays, logger);
        _comments = new ItemStream<PostHead, Comment>(stores.Get(Table), PostId, this, c => c.Seq, CommentRowFormat.Instance, _fanout, RequireHeadAsync, logger);
        _journal = _comments.Journal;
        _journal.Reloaded += () => _fanout.PublishHead(Topics.Post(PostId), _journal.Head?.LastSeq ?? 0);
        _replyQueue = new ReplyQueueFeed(GrainFactory, PostId, time, logger);
    }

    private string PostId => this.GetPrimaryKeyString();

    public async Task<Post> Create(string creator, string text, string? campaignId)
    {
        var head = new PostHead(creator, Limits.Text(text, "post text"), campaignId, _time.GetUtcNow());
        await _journal.CreateAsync(head, $"Post '{PostId}' already exists.");
        TrackEngagement([], head);
        return head.ToPost(PostId);
    }

    public async Task<Post?> Get()
    {
        await _journal.EnsureLoadedAsync();
        return _journal.Head?.ToPost(PostId);
    }

    public async Task<Comment> AddComment(string author, string text, string? replyTo, string? clientId)
    {
        var head = await RequireHeadAsync();
        text = Limits.Text(text, "comment");
        var client = ClientKey.Of(author, Limits.ClientId(clientId));
        if (_journal.Repeat<Comment>(client) is { } repeat)
        {
            return await repeat;
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

        var comment = await _journal.Submit<Comment>(new CommentOp(author, text, thread) { Client = client });
        LogCommentStored(_logger, comment.Seq, PostId);
        return comment;
    }

    public async Task<PostCounters> React(string user, ReactionKind kind)
    {
        var head = await RequireHeadAsync();
        if (kind != ReactionKind.Share && _reacted.Contains(ReactionKey(kind, user)))
        {
            return head.Counters(PostId);
        }

        return await _journal.Submit<PostCounters>(new ReactionOp(user, kind));
    }

    public async Task<CommentPage> GetComments(long afterSeq, int limit)
    {
        var head = await RequireHeadAsync();
        return new CommentPage(await _comments.PageAsync(afterSeq, limit), head.LastSeq);
    }

    public async Task<CommentCatchUp> CatchUp(long afterSeq)
    {
        var head = await RequireHeadAsync();
        var (missed, hasMore) = await _comments.CatchUpAsync(afterSeq);
        return new CommentCatchUp(head.LastSeq, missed, hasMore);
    }

    public Task<long> Attach(string topic, string hostId, long stamp) => _comments.AttachAsync(topic, hostId, stamp);

    public Task<IReadOnlyList<RealtimeEvent>> Replay(string topic, long afterSeq, long toSeq) => _comments.ReplayAsync(topic, afterSeq, toSeq);

    Decision<PostHead> IStreamOwner<PostHead>.Plan(PostHead head, StreamOp op)
    {
        switch (op)
        {
            case CommentOp c:
                var seq = head.LastSeq + 1;
                var byCreator = c.Author == head.Creator;
                var comment = new Comment(PostId, seq, CommentKey.Format(PostId, seq), c.Author, c.Text, c.ReplyTo, _time.GetUtcNow(), byCreator);
                var next = head with
                {
                    LastSeq = seq,
                    Comments = head.Comments + 1,
                    CreatorReplies = head.CreatorReplies + (byCreator && c.ReplyTo is not null ? 1 : 0),
                };
                return new(next, [LogWrite.Insert(LogKeys.Seq(seq), CommentRowFormat.Instance.Write(comment))], comment, seq);
            case ReactionOp r:
                var reacted = r.Kind switch
                {
                    ReactionKind.Like => head with { Likes = head.Likes + 1 },
                    ReactionKind.Save => head with { Saves = head.Saves + 1 },
                    _ => head with { Shares = head.Shares + 1 },
                };
                // Likes and saves are one per user (a row each); shares count every time.
                List<LogWrite> rows = r.Kind == ReactionKind.Share ? [] : [LogWrite.Insert(ReactionKey(r.Kind, r.User), "1")];
                return new(reacted, rows, reacted.Counters(PostId));
            case ViewOp:
                var viewed = head with { Views = head.Views + 1 };
                return new(viewed, [], viewed.Counters(PostId));
            default:
                throw new ArgumentException($"Unknown op {op.GetType().Name}.", nameof(op));
        }
    }

    void IStreamOwner<PostHead>.Committed(PostHead head, IReadOnlyList<(StreamOp Op, Decision<PostHead> Decision)> accepted)
    {
        var topic = Topics.Post(PostId);
        var counters = head.Counters(PostId);
        foreach (var (op, decision) in accepted)
        {
            switch (op)
            {
                case CommentOp:
                    var comment = (Comment)decision.Result!;
                    _comments.Recent.Add(comment);
                    _fanout.Publish(topic, comment, comment.Seq);
                    _replyQueue.Observe(head.Creator, comment);
                    break;
                case ReactionOp r:
                    if (r.Kind != ReactionKind.Share)
                    {
                        _reacted.Set(ReactionKey(r.Kind, r.User), true);
                    }

                    _fanout.Publish(topic, new ReactionAdded(PostId, r.User, KindName(r.Kind), counters));
                    break;
            }
        }

        TrackEngagement(accepted, head);
    }

    async Task<object?> IStreamOwner<PostHead>.StoredAsync(long seq) => await GetCommentAsync(seq);

    Task<object?> IStreamOwner<PostHead>.ResolveConflictAsync(StreamOp op, LogWrite write)
    {
        // The user's like or save row exists: a repeat, which changes nothing.
        var r = (ReactionOp)op;
        _reacted.Set(ReactionKey(r.Kind, r.User), true);
        return Task.FromResult<object?>(_journal.Head!.Counters(PostId));
    }

    private async Task<Comment> GetCommentAsync(long seq) =>
        await _comments.FindAsync(seq)
            ?? throw CommunityException.NotFound($"Comment {CommentKey.Format(PostId, seq)} does not exist.");

    private async Task<PostHead> RequireHeadAsync()
    {
        await _journal.EnsureLoadedAsync();
        return _journal.Head ?? throw CommunityException.NotFound($"There is no post '{PostId}'.");
    }

    private static string ReactionKey(ReactionKind kind, string user) => LogKeys.Of(kind == ReactionKind.Like ? "l" : "v", user);

    public static string KindName(ReactionKind kind) => kind switch
    {
        ReactionKind.Like => "like",
        ReactionKind.Share => "share",
        _ => "save",
    };

    private sealed class CommentOp(string author, string text, string? replyTo) : StreamOp
    {
        public string Author { get; } = author;

        public string Text { get; } = text;

        public string? ReplyTo { get; } = replyTo;
    }

    private sealed class ReactionOp(string user, ReactionKind kind) : StreamOp
    {
        public string User { get; } = user;

        public ReactionKind Kind { get; } = kind;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Comment {Seq} of post {PostId} stored.")]
    private static partial void LogCommentStored(ILogger logger, long seq, string postId);
}
