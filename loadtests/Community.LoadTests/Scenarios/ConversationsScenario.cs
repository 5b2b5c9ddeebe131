using System.Collections.Concurrent;
using System.CommandLine;
using Community.LoadTests.Cli;
using Community.LoadTests.Client;
using Community.LoadTests.Workload;

namespace Community.LoadTests.Scenarios;

/// <summary>
/// <c>conversations</c>: N creator–fan pairs exchanging direct messages at R messages per second in total. Each fan
/// follows its creator (a creator takes messages from followers by default) and opens the conversation
/// (<c>POST /api/conversations { with }</c>); then the sends go round robin over the pairs, the fan writing first and
/// the creator answering on the next round (<c>SendMessage(conversationId, text, clientId)</c>). Both participants get
/// every <c>MessageReceived</c> of their conversation on their connection (the sender too), once, in seq order.
/// </summary>
public sealed class ConversationsScenario(ConversationsSettings settings, DriverContext context, RunSettings run) : StreamScenario(context, run)
{
    public const string CommandName = "conversations";

    private readonly ConcurrentDictionary<int, (IHubClient Creator, IHubClient Fan)> _pairs = new();
    private readonly ConcurrentBag<IHubClient> _connections = [];
    private readonly ConcurrentBag<StreamSubscriber> _subscribers = [];

    public override string Name => CommandName;

    protected override object Parameters => new ConversationsParameters(settings.Pairs, RateParameter, DurationParameter, WarmupParameter, Run.Step is not null, settings.OneCreator);

    protected override IReadOnlyDictionary<string, int> ExpectedConnections =>
        new Dictionary<string, int> { ["creators"] = settings.Pairs, ["fans"] = settings.Pairs };

    public static Command CreateCommand(CommonOptions common) => ScenarioCommand.Create(
        common,
        CommandName,
        "Creator–fan pairs exchanging direct messages: R messages per second in total, round robin over the pairs; "
        + "both participants receive every message of their conversation.",
        new ConversationsSettings.Options(),
        new RunSettings.Options(rate: 100, duration: 20, "Direct messages per second, all pairs together"),
        (settings, ctx, run) => new ConversationsScenario(settings, ctx, run));

    protected override IReadOnlyDictionary<string, int> ConnectedCounts() => new Dictionary<string, int>
    {
        ["creators"] = _pairs.Values.Count(p => p.Creator.Connected),
        ["fans"] = _pairs.Values.Count(p => p.Fan.Connected),
    };

    protected override async Task<StreamWrite> SetUpAsync(CommunityApi api, StreamLoad load, string runId, CancellationToken cancellationToken)
    {
        if (Context.System == SystemKind.SocketIo)
        {
            throw new NotSupportedException($"{Name} runs against Community or the bare SignalR peer; the Socket.IO peer relays only the live room.");
        }

        var conversationIds = new string[settings.Pairs];
        if (settings.OneCreator)
        {
            return await SetUpOneCreatorAsync(api, load, runId, conversationIds, cancellationToken);
        }

        await Parallel.ForEachAsync(
            Enumerable.Range(0, settings.Pairs),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var creator = RunIds.Handle(runId, "cr", i);
                var fan = RunIds.Handle(runId, "fan", i);
                var creatorToken = await api.IssueDevTokenAsync(creator, ct);
                var fanToken = await api.IssueDevTokenAsync(fan, ct);
                await api.CreateCreatorAsync(creator, creatorToken, ct);
                await api.FollowAsync(creator, fanToken, ct);
                var conversationId = conversationIds[i] = await api.OpenConversationAsync(creator, fanToken, ct);
                var creatorConnection = await ConnectAsync(load, "creator", creatorToken, [conversationId], ct);
                var fanConnection = await ConnectAsync(load, "fan", fanToken, [conversationId], ct);
                _pairs[i] = (creatorConnection, fanConnection);
            });

        var pairs = Enumerable.Range(0, settings.Pairs).Select(i => _pairs[i]).ToArray();
        return async (n, clientId, text, ct) =>
        {
            var pair = n % pairs.Length;
            // The fan writes on even rounds, the creator answers on odd ones.
            var sender = (n / pairs.Length) % 2 == 0 ? pairs[pair].Fan : pairs[pair].Creator;
            var message = await sender.InvokeAsync<DirectMessage>(HubNames.SendMessage, [conversationIds[pair], text, clientId], ct);
            return new StreamAck(message.ConversationId, message.Seq);
        };
    }

    // One creator's inbox receiving from every fan at once: the fans write, the one creator connection receives all.
    private async Task<StreamWrite> SetUpOneCreatorAsync(CommunityApi api, StreamLoad load, string runId, string[] conversationIds, CancellationToken cancellationToken)
    {
        var creator = RunIds.Handle(runId, "cr", 0);
        var creatorToken = await api.IssueDevTokenAsync(creator, cancellationToken);
        await api.CreateCreatorAsync(creator, creatorToken, cancellationToken);
        var fans = new IHubClient[settings.Pairs];
        var fanTokens = new string[settings.Pairs];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, settings.Pairs),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var fanToken = fanTokens[i] = await api.IssueDevTokenAsync(RunIds.Handle(runId, "fan", i), ct);
                await api.FollowAsync(creator, fanToken, ct);
                conversationIds[i] = await api.OpenConversationAsync(creator, fanToken, ct);
            });
        var creatorConnection = await ConnectAsync(load, "creator", creatorToken, conversationIds, cancellationToken);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, settings.Pairs),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) => fans[i] = await ConnectAsync(load, "fan", fanTokens[i], [conversationIds[i]], ct));
        for (var i = 0; i < settings.Pairs; i++)
        {
            _pairs[i] = (creatorConnection, fans[i]);
        }

        return async (n, clientId, text, ct) =>
        {
            var pair = n % fans.Length;
            var message = await fans[pair].InvokeAsync<DirectMessage>(HubNames.SendMessage, [conversationIds[pair], text, clientId], ct);
            return new StreamAck(message.ConversationId, message.Seq);
        };
    }

    protected override async Task CloseAllAsync()
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber.Closing();
        }

        await Task.WhenAll(_connections.Select(c => c.DisposeAsync().AsTask()));
    }

    private async Task<IHubClient> ConnectAsync(StreamLoad load, string role, string token, IReadOnlyList<string> conversationIds, CancellationToken cancellationToken)
    {
        var subscriber = load.AddSubscriber(role);
        _subscribers.Add(subscriber);
        var connection = HubClients.Create(Context.Receiver, Context.Url, token);
        _connections.Add(connection);
        connection.Deliver(StreamEvent.MessageReceived, subscriber);
        connection.OnClosed(subscriber.OnClosed);
        // A fresh conversation starts empty: every message from seq 1 on is expected on this connection.
        foreach (var conversationId in conversationIds)
        {
            subscriber.Expect(conversationId, 0);
        }

        await connection.StartAsync(cancellationToken);
        return connection;
    }
}

public sealed record ConversationsParameters(int Pairs, double? Rate, double DurationSeconds, double WarmupSeconds, bool Step, bool OneCreator = false);

/// <summary>The knobs of <see cref="ConversationsScenario"/> beyond rate and timing.</summary>
public sealed record ConversationsSettings(int Pairs, bool OneCreator = false)
{
    public sealed class Options : IScenarioOptions<ConversationsSettings>
    {
        public Option<int> Pairs { get; } = OptionFactory.Count("--pairs", 100, "Creator–fan pairs, one conversation each (two connections per pair)");

        public Option<bool> OneCreator { get; } = new("--one-creator")
        {
            Description = "Every fan writes to the same creator (one creator's inbox receiving from --pairs fans); the creator does not answer",
        };

        public void AddTo(Command command)
        {
            command.Options.Add(Pairs);
            command.Options.Add(OneCreator);
        }

        public ConversationsSettings Read(ParseResult parse) => new(parse.GetRequiredValue(Pairs), parse.GetValue(OneCreator));
    }
}
