using System.CommandLine;
using Community.LoadTests.Client;
using Community.LoadTests.Metrics;

namespace Community.LoadTests.Cli;

/// <summary>The options every scenario takes.</summary>
public sealed class CommonOptions
{
    public Option<Uri> Url { get; } = new("--url")
    {
        Description = "Base URL of the server under test (http or https); ignored with --launch.",
        DefaultValueFactory = _ => new Uri("http://127.0.0.1:5080"),
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                return uri;
            }

            result.AddError($"--url must be an absolute http(s) URL such as http://127.0.0.1:5080; it was '{text}'.");
            return null;
        },
    };

    public Option<SystemKind> Target { get; } = new("--target")
    {
        Description = "The system under test: community (default), signalr (the bare SignalR peer) or socketio (the Socket.IO peer; live-room only).",
        DefaultValueFactory = _ => SystemKind.Community,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (TryParseSystem(text, out var system))
            {
                return system;
            }

            result.AddError($"--target takes community, signalr or socketio; it was '{text}'.");
            return SystemKind.Community;
        },
    };

    public Option<ReceiverKind> Receiver { get; } = new("--receiver")
    {
        Description = "What receives on the hub connections of live-room, post-comments and conversations: raw (default; a bare WebSocket "
            + "that speaks the SignalR JSON protocol and scans each push for stream, seq and stamp) or signalr (the SignalR .NET client, "
            + "which deserializes every push; it costs the driver several times more CPU per delivery).",
        DefaultValueFactory = _ => ReceiverKind.Raw,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (HubClients.TryParse(text, out var receiver))
            {
                return receiver;
            }

            result.AddError($"--receiver takes raw or signalr; it was '{text}'.");
            return ReceiverKind.Raw;
        },
    };

    public Option<int?> ServerPid { get; } = new("--server-pid")
    {
        Description = "Pid of the server process, to report its CPU and resident memory (read from /proc).",
    };

    public Option<bool> Launch { get; } = new("--launch")
    {
        Description = "Start the target server itself (from its Release build, on free 127.0.0.1 ports), measure it, and stop it at the end.",
    };

    public Option<string> Storage { get; } = new("--storage")
    {
        Description = "With --launch --target community: memory (default) or azurite (the driver starts Azurite on free ports too; `npm ci` at the repository root first).",
        DefaultValueFactory = _ => "memory",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (text is "memory" or "azurite")
            {
                return text;
            }

            result.AddError($"--storage takes memory or azurite; it was '{text}'.");
            return "memory";
        },
    };

    public Option<DirectoryInfo> ResultsDirectory { get; } = new("--results-dir")
    {
        Description = "Where each run's folder of results goes: loadtests/results of the checkout the driver was built in.",
        DefaultValueFactory = _ => ResultsWriter.DefaultDirectory(),
    };

    public static bool TryParseSystem(string text, out SystemKind system)
    {
        (var ok, system) = text.ToLowerInvariant() switch
        {
            "community" => (true, SystemKind.Community),
            "signalr" or "bare" or "baresignalr" => (true, SystemKind.SignalR),
            "socketio" or "socket.io" => (true, SystemKind.SocketIo),
            _ => (false, SystemKind.Community),
        };
        return ok;
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Url);
        command.Options.Add(Target);
        command.Options.Add(ServerPid);
        command.Options.Add(Launch);
        command.Options.Add(Receiver);
        command.Options.Add(Storage);
        command.Options.Add(ResultsDirectory);
    }

    public DriverContext Read(ParseResult parse) => new(
        parse.GetRequiredValue(Url),
        parse.GetRequiredValue(ResultsDirectory),
        parse.GetValue(Target),
        parse.GetValue(ServerPid),
        parse.GetValue(Launch),
        parse.GetValue(Storage) == "azurite")
    {
        Receiver = parse.GetValue(Receiver),
    };
}
