using System.CommandLine;
using Community.LoadTests.Cli;

namespace Community.LoadTests.Scenarios;

/// <summary>The knobs of <see cref="PostFanoutScenario"/>.</summary>
public sealed record PostFanoutSettings(
    int Watchers,
    int Commenters,
    double Rate,
    TimeSpan Duration,
    TimeSpan Warmup,
    TimeSpan Drain,
    TimeSpan SetupTimeout)
{
    /// <summary>The command-line options, with their defaults, and how to read them back.</summary>
    public sealed class Options
    {
        public Option<int> Watchers { get; } = OptionFactory.Count("--watchers", 200, "Connections subscribed to the post");

        public Option<int> Commenters { get; } = OptionFactory.Count("--commenters", 4, "Connections that comment, each a distinct user");

        public Option<double> Rate { get; } = OptionFactory.Rate("--rate", 100, "Comments per second, all commenters together");

        public Option<double> Duration { get; } = OptionFactory.Seconds("--duration", 20, "Measured time", minSeconds: 1);

        public Option<double> Warmup { get; } = OptionFactory.Seconds("--warmup", 3, "Unmeasured time at the same rate before it");

        public Option<double> Drain { get; } = OptionFactory.Seconds("--drain", 5, "Longest wait after the last send for acks and deliveries");

        public Option<double> SetupTimeout { get; } =
            OptionFactory.Seconds("--setup-timeout", 30, "Longest time to create users and the post and to connect everyone", minSeconds: 1);

        public void AddTo(Command command)
        {
            command.Options.Add(Watchers);
            command.Options.Add(Commenters);
            command.Options.Add(Rate);
            command.Options.Add(Duration);
            command.Options.Add(Warmup);
            command.Options.Add(Drain);
            command.Options.Add(SetupTimeout);
        }

        public PostFanoutSettings Read(ParseResult parse) => new(
            parse.GetRequiredValue(Watchers),
            parse.GetRequiredValue(Commenters),
            parse.GetRequiredValue(Rate),
            TimeSpan.FromSeconds(parse.GetRequiredValue(Duration)),
            TimeSpan.FromSeconds(parse.GetRequiredValue(Warmup)),
            TimeSpan.FromSeconds(parse.GetRequiredValue(Drain)),
            TimeSpan.FromSeconds(parse.GetRequiredValue(SetupTimeout)));
    }
}
