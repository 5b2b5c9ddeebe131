using System.Collections.Concurrent;
using System.CommandLine;
using Community.LoadTests.Cli;
using Community.LoadTests.Client;
using Community.LoadTests.Metrics;
using Community.LoadTests.Workload;

namespace Community.LoadTests.Scenarios;

/// <summary>
/// <c>post-comments</c>: P posts, W watchers each, K commenters writing R durable comments per second in total, round
/// robin over the posts. Each watcher subscribes to one post (<c>SubscribePost</c>) and should get every
/// <c>CommentAdded</c> of it once, in seq order; an acknowledged comment is a stored one (API contract).
/// <c>post-fanout</c> is the same scenario with one post and many watchers.
/// </summary>
public sealed class PostCommentsScenario(string name, PostCommentsSettings settings, DriverContext context, RunSettings run) : StreamScenario(context, run)
{
    public const string CommandName = "post-comments";
    public const string FanoutCommandName = "post-fanout";

    private readonly ConcurrentBag<IHubClient> _watchers = [];
    private readonly ConcurrentBag<IHubClient> _commenters = [];
    private readonly ConcurrentBag<StreamSubscriber> _subscribers = [];
    private readonly ConcurrentBag<string> _postIds = [];
    private string? _creatorToken;
    private volatile bool _closing;

    public override string Name => name;

    protected override object Parameters => new PostCommentsParameters(
        settings.Posts, settings.WatchersPerPost, settings.Commenters, RateParameter, DurationParameter, WarmupParameter, Run.Step is not null);

    protected override IReadOnlyDictionary<string, int> ExpectedConnections =>
        new Dictionary<string, int> { ["watchers"] = settings.Posts * settings.WatchersPerPost, ["commenters"] = settings.Commenters };

    /// <param name="fanout">The <c>post-fanout</c> preset: one post, 200 watchers, 4 commenters by default.</param>
    public static Command CreateCommand(CommonOptions common, bool fanout)
    {
        var name = fanout ? FanoutCommandName : CommandName;
        return ScenarioCommand.Create(
            common,
            name,
            fanout
                ? "One post, many watchers (post-comments with --posts 1 --watchers-per-post 200 by default)."
                : "Many posts, a few watchers each: K commenters write R durable comments per second in total, round robin over the posts.",
            new PostCommentsSettings.Options(posts: fanout ? 1 : 50, watchersPerPost: fanout ? 200 : 4, commenters: fanout ? 4 : 8),
            new RunSettings.Options(rate: 100, duration: 20, "Comments per second, all commenters together"),
            (settings, ctx, run) => new PostCommentsScenario(name, settings, ctx, run));
    }

    protected override IReadOnlyDictionary<string, int> ConnectedCounts() => new Dictionary<string, int>
    {
        ["watchers"] = _watchers.Count(w => w.Connected),
        ["commenters"] = _commenters.Count(c => c.Connected),
    };

    protected override async Task<StreamWrite> SetUpAsync(CommunityApi api, StreamLoad load, string runId, CancellationToken cancellationToken)
    {
        RequireSignalR();
        var creator = RunIds.Handle(runId, "creator", 0);
        _creatorToken = await api.IssueDevTokenAsync(creator, cancellationToken);
        await api.CreateCreatorAsync(creator, _creatorToken, cancellationToken);
        var posts = new string[settings.Posts];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, settings.Posts),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) => _postIds.Add(posts[i] = await api.PublishPostAsync(creator, _creatorToken, $"Load test post {i} of run {runId}", ct)));

        var watcherTokens = await api.IssueTokensAsync(runId, "w", settings.Posts * settings.WatchersPerPost, cancellationToken);
        var commenterTokens = await api.IssueTokensAsync(runId, "k", settings.Commenters, cancellationToken);

        await Parallel.ForEachAsync(
            Enumerable.Range(0, watcherTokens.Length),
            new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var postId = posts[i % posts.Length];
                var subscriber = load.AddSubscriber("watcher");
                _subscribers.Add(subscriber);
                var connection = HubClients.Create(Context.Receiver, Context.Url, watcherTokens[i]);
                _watchers.Add(connection);
                connection.Deliver(StreamEvent.CommentAdded, subscriber);
                connection.OnClosed(subscriber.OnClosed);
                await connection.StartAsync(ct);
                var catchUp = await connection.InvokeAsync<CommentCatchUp>(HubNames.SubscribePost, [postId, 0L], ct);
                // What the subscribe answer returned counts as delivered, through the last seq it saw (unless it was capped).
                subscriber.Expect(postId, catchUp.HasMore ? catchUp.Missed.Select(c => c.Seq).DefaultIfEmpty(0).Max() : catchUp.LastSeq);
            });

        var errors = load.Errors;
        await Parallel.ForEachAsync(
            commenterTokens,
            new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = cancellationToken },
            async (token, ct) =>
            {
                var connection = HubClients.Create(Context.Receiver, Context.Url, token);
                connection.OnClosed(reason =>
                {
                    if (!_closing)
                    {
                        errors.Add("commenter connection closed", reason ?? "closed by the server without an error");
                    }
                });
                _commenters.Add(connection);
                await connection.StartAsync(ct);
            });

        var commenters = _commenters.ToArray();
        return async (n, clientId, text, ct) =>
        {
            var comment = await commenters[n % commenters.Length].InvokeAsync<CommentMessage>(
                HubNames.Comment, [posts[n % posts.Length], text, null, clientId], ct);
            return new StreamAck(comment.PostId, comment.Seq);
        };
    }

    /// <summary>
    /// Durability check: every post's last seq as the server stores it (<c>GET /api/posts/{id}</c>) must be at least the
    /// highest seq acknowledged on it; a shortfall is acknowledged comments the server does not have.
    /// </summary>
    protected override async Task FinishAsync(CommunityApi api, LoadReport report, CancellationToken cancellationToken)
    {
        var acked = Load!.MaxAckedSeqs;
        long missing = 0, beyond = 0;
        var failures = 0;
        await Parallel.ForEachAsync(
            _postIds,
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (postId, ct) =>
            {
                try
                {
                    var stored = await api.GetLastSeqAsync(postId, _creatorToken!, ct);
                    var ackedSeq = acked.GetValueOrDefault(postId);
                    Interlocked.Add(ref missing, Math.Max(0, ackedSeq - stored));
                    Interlocked.Add(ref beyond, Math.Max(0, stored - ackedSeq));
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                {
                    Interlocked.Increment(ref failures);
                }
            });
        report.Extra = new StoredCommentFigures(_postIds.Count, missing, beyond, failures);
    }

    protected override async Task CloseAllAsync()
    {
        _closing = true;
        foreach (var subscriber in _subscribers)
        {
            subscriber.Closing();
        }

        await Task.WhenAll(_watchers.Concat(_commenters).Select(c => c.DisposeAsync().AsTask()));
    }


    private void RequireSignalR()
    {
        if (Context.System == SystemKind.SocketIo)
        {
            throw new NotSupportedException($"{Name} runs against Community or the bare SignalR peer; the Socket.IO peer relays only the live room.");
        }
    }
}

/// <summary>
/// What the server stores at the end, post by post: acknowledged comments it does not have (must be 0), comments it has
/// beyond the highest acknowledged seq (writes whose ack never came back), and reads that failed.
/// </summary>
public sealed record StoredCommentFigures(int Posts, long AcknowledgedButNotStored, long StoredBeyondAcknowledged, int ReadFailures) : IExtraFigures
{
    public bool Clean => AcknowledgedButNotStored == 0 && ReadFailures == 0;

    public void WriteSummary(TextWriter writer) => writer.WriteLine(string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"  stored (GET of {Posts} posts): acknowledged but not stored {AcknowledgedButNotStored}, stored beyond the highest ack {StoredBeyondAcknowledged}, reads failed {ReadFailures}"));
}

public sealed record PostCommentsParameters(int Posts, int WatchersPerPost, int Commenters, double? Rate, double DurationSeconds, double WarmupSeconds, bool Step);

/// <summary>The knobs of <see cref="PostCommentsScenario"/> beyond rate and timing.</summary>
public sealed record PostCommentsSettings(int Posts, int WatchersPerPost, int Commenters)
{
    public sealed class Options(int posts, int watchersPerPost, int commenters) : IScenarioOptions<PostCommentsSettings>
    {
        public Option<int> Posts { get; } = OptionFactory.Count("--posts", posts, "Posts to comment on, round robin", max: 100_000);

        public Option<int> WatchersPerPost { get; } = OptionFactory.Count("--watchers-per-post", watchersPerPost, "Connections subscribed to each post");

        public Option<int> Commenters { get; } = OptionFactory.Count("--commenters", commenters, "Connections that comment, each a distinct user");

        public void AddTo(Command command)
        {
            command.Options.Add(Posts);
            command.Options.Add(WatchersPerPost);
            command.Options.Add(Commenters);
        }

        public PostCommentsSettings Read(ParseResult parse) =>
            new(parse.GetRequiredValue(Posts), parse.GetRequiredValue(WatchersPerPost), parse.GetRequiredValue(Commenters));
    }
}
