using System.Collections.Concurrent;
using System.CommandLine;
using Community.LoadTests.Cli;
using Community.LoadTests.Client;
using Community.LoadTests.Client.Raw;
using Community.LoadTests.Metrics;
using Community.LoadTests.Workload;

namespace Community.LoadTests.Scenarios;

/// <summary>
/// <c>live-room</c>: one livestream, V viewers, S chatters sending R chat messages per second in total. A creator
/// creates and starts the room; viewers and chatters join it (<c>JoinLive</c>); chatters call <c>SendChat</c> round
/// robin on the open-loop schedule; every viewer and chatter should get every <c>ChatReceived</c> once, in seq order. The same
/// code drives Community, the bare SignalR peer and (through a Socket.IO client) the Socket.IO peer. With
/// <c>--stalled N</c>, N more clients join and then never read again (<see cref="StalledHubClient"/>): not receivers,
/// but at the end the report says how many of them the server had closed.
/// </summary>
public sealed class LiveRoomScenario(LiveRoomSettings settings, DriverContext context, RunSettings run) : StreamScenario(context, run)
{
    public const string CommandName = "live-room";

    private readonly ConcurrentBag<ILiveClient> _viewers = [];
    private readonly ConcurrentBag<ILiveClient> _chatters = [];
    private readonly ConcurrentBag<StreamSubscriber> _subscribers = [];
    private readonly ConcurrentBag<StalledHubClient> _stalled = [];

    /// <summary>How long the end of the run reads each stalled client for its close (the reads run side by side).</summary>
    private static readonly TimeSpan StalledCheckTimeout = TimeSpan.FromSeconds(1);

    public override string Name => CommandName;

    protected override object Parameters => new LiveRoomParameters(settings.Viewers, settings.Chatters, settings.Stalled, RateParameter, DurationParameter, WarmupParameter, Run.Step is not null, settings.SecondUrl);

    protected override IReadOnlyDictionary<string, int> ExpectedConnections => WithStalled(settings.Viewers, settings.Chatters, settings.Stalled);

    public static Command CreateCommand(CommonOptions common)
    {
        var options = new LiveRoomSettings.Options(withStalled: true);
        var command = ScenarioCommand.Create(
            common,
            CommandName,
            "One livestream: S chatters send R chat messages per second in total; V viewers receive every one. Works against "
            + "Community, the bare SignalR peer and the Socket.IO peer (--target).",
            options,
            new RunSettings.Options(rate: 100, duration: 20, "Chat messages per second, all chatters together"),
            (settings, ctx, run) => new LiveRoomScenario(settings, ctx, run));

        // A wrong command line, refused before any server is launched.
        command.Validators.Add(result =>
        {
            try
            {
                if (result.GetValue(options.Stalled) > 0 && result.GetValue(common.Target) == SystemKind.SocketIo)
                {
                    result.AddError(LiveRoomSettings.StalledNeedsSignalR);
                }
            }
            catch (InvalidOperationException)
            {
                // A value that does not parse (values are converted when first read): its own error reports it.
            }
        });
        return command;
    }

    protected override IReadOnlyDictionary<string, int> ConnectedCounts() =>
        WithStalled(_viewers.Count(v => v.Connected), _chatters.Count(c => c.Connected), _stalled.Count);

    protected override async Task<StreamWrite> SetUpAsync(CommunityApi api, StreamLoad load, string runId, CancellationToken cancellationToken)
    {
        if (settings.Stalled > 0 && Context.System == SystemKind.SocketIo)
        {
            throw new NotSupportedException(LiveRoomSettings.StalledNeedsSignalR);
        }

        var host = RunIds.Handle(runId, "host", 0);
        var hostToken = await api.IssueDevTokenAsync(host, cancellationToken);
        await api.CreateCreatorAsync(host, hostToken, cancellationToken);
        var liveId = await api.CreateLivestreamAsync(hostToken, $"Load test room of run {runId}", cancellationToken);
        await api.StartLivestreamAsync(liveId, hostToken, cancellationToken);

        var viewerTokens = await api.IssueTokensAsync(runId, "v", settings.Viewers, cancellationToken);
        var chatterTokens = await api.IssueTokensAsync(runId, "c", settings.Chatters, cancellationToken);

        // Chatters are in the room too, and the server sends them every message: they are accounted as receivers.
        await JoinAllAsync(load, "viewer", viewerTokens, _viewers, liveId, cancellationToken);
        await JoinAllAsync(load, "chatter", chatterTokens, _chatters, liveId, cancellationToken);
        await JoinStalledAsync(await api.IssueTokensAsync(runId, "s", settings.Stalled, cancellationToken), liveId, cancellationToken);

        var chatters = _chatters.ToArray();
        return async (n, clientId, text, ct) =>
        {
            var message = await chatters[n % chatters.Length].SendChatAsync(liveId, text, clientId, ct);
            return new StreamAck(message.LiveId, message.Seq);
        };
    }

    private Task JoinAllAsync(StreamLoad load, string role, string[] tokens, ConcurrentBag<ILiveClient> clients, string liveId, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            tokens.Select((token, index) => (token, index)),
            new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = cancellationToken },
            async (entry, ct) =>
            {
                var (token, index) = entry;
                var subscriber = load.AddSubscriber(role);
                _subscribers.Add(subscriber);
                // With a second host of the same cluster, every other connection goes there: one room, two hosts.
                var url = settings.SecondUrl is { } second && index % 2 == 1 ? second : Context.Url;
                var client = LiveClients.Create(Context.System, Context.Receiver, url, token);
                clients.Add(client);
                await client.StartAsync(subscriber, subscriber.OnClosed, ct);
                var joined = await client.JoinLiveAsync(liveId, ct);
                // A join answer with everything through lastSeq counts as delivered through it (unless it was capped).
                subscriber.Expect(liveId, joined.HasMore ? (joined.Missed ?? []).Select(m => m.Seq).DefaultIfEmpty(0).Max() : joined.LastSeq);
            });

    /// <summary>
    /// Stalled clients join last, on the first host (<c>--url</c>), and are not subscribers: issue 9 asks whether they
    /// change the others' latency, which the others' accounting measures.
    /// </summary>
    private Task JoinStalledAsync(string[] tokens, string liveId, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            tokens,
            new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = cancellationToken },
            async (token, ct) => _stalled.Add(await StalledHubClient.JoinLiveAsync(Context.Url, token, liveId, ct)));

    /// <summary>Whether the server closed each stalled client before the end of the run: into the report, next to its parameters.</summary>
    protected override async Task FinishAsync(CommunityApi api, LoadReport report, CancellationToken cancellationToken)
    {
        if (settings.Stalled > 0)
        {
            var ends = await Task.WhenAll(_stalled.Select(s => s.CheckClosedAsync(StalledCheckTimeout, cancellationToken)));
            report.Stalled = StalledFigures.From(ends);
        }
    }

    protected override async Task CloseAllAsync()
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber.Closing();
        }

        await Task.WhenAll(_viewers.Concat(_chatters).Select(c => c.DisposeAsync().AsTask()).Concat(_stalled.Select(s => s.DisposeAsync().AsTask())));
    }

    /// <summary>Connections per role; stalled ones only when the run has them, so that other runs' setup lines read as before.</summary>
    private Dictionary<string, int> WithStalled(int viewers, int chatters, int stalled)
    {
        var counts = new Dictionary<string, int> { ["viewers"] = viewers, ["chatters"] = chatters };
        if (settings.Stalled > 0)
        {
            counts["stalled"] = stalled;
        }

        return counts;
    }
}

public sealed record LiveRoomParameters(int Viewers, int Chatters, int Stalled, double? Rate, double DurationSeconds, double WarmupSeconds, bool Step, Uri? SecondUrl = null);

/// <summary>The knobs of <see cref="LiveRoomScenario"/> beyond rate and timing.</summary>
public sealed record LiveRoomSettings(int Viewers, int Chatters, Uri? SecondUrl = null, int Stalled = 0)
{
    public const string StalledNeedsSignalR =
        "--stalled runs against Community or the bare SignalR peer: a stalled client speaks the SignalR JSON protocol over a raw socket, which the Socket.IO peer does not.";

    /// <param name="withStalled">Offer <c>--stalled</c> (live-room; not <c>compare</c>, whose default targets include Socket.IO).</param>
    public sealed class Options(bool withStalled = false) : IScenarioOptions<LiveRoomSettings>
    {
        public Option<int> Viewers { get; } = OptionFactory.Count("--viewers", 200, "Connections that join the room and receive the chat (0: only the chatters, who all receive too)", min: 0);

        public Option<int> Chatters { get; } = OptionFactory.Count("--chatters", 20, "Connections that send the chat, each a distinct user (they join the room too)");

        public Option<int> Stalled { get; } = OptionFactory.Count(
            "--stalled",
            0,
            "Extra clients that join the room and then never read their socket again (issue 9's adversary): not receivers; the report says whether the server closed them. Community and the bare SignalR peer only",
            min: 0);

        public Option<Uri?> SecondUrl { get; } = new("--second-url")
        {
            Description = "Another host of the same Community cluster: every other viewer and chatter connects there (one room across two hosts)",
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                {
                    return uri;
                }

                result.AddError($"--second-url must be an absolute http(s) URL; it was '{text}'.");
                return null;
            },
        };

        public void AddTo(Command command)
        {
            command.Options.Add(Viewers);
            command.Options.Add(Chatters);
            command.Options.Add(SecondUrl);
            if (withStalled)
            {
                command.Options.Add(Stalled);
            }
        }

        public LiveRoomSettings Read(ParseResult parse) => new(
            parse.GetRequiredValue(Viewers), parse.GetRequiredValue(Chatters), parse.GetValue(SecondUrl), withStalled ? parse.GetRequiredValue(Stalled) : 0);
    }
}
