using System.CommandLine;
using Community.LoadTests.Workload;

namespace Community.LoadTests.Cli;

/// <summary>How a stream scenario runs: one rate for a while, or a step run that raises the rate until it breaks.</summary>
public sealed record RunSettings(
    double Rate,
    TimeSpan Duration,
    TimeSpan Warmup,
    TimeSpan Drain,
    TimeSpan SetupTimeout,
    StepSettings? Step,
    TimeSpan StepDuration,
    TimeSpan StepWarmup)
{
    /// <summary>A pause between steps, so the next step does not start on the last one's garbage and backlog.</summary>
    public static readonly TimeSpan StepSettle = TimeSpan.FromSeconds(1);

    /// <param name="first">The first step warms up for <see cref="Warmup"/> (if longer): connections and code paths are cold then.</param>
    public LoadPhase Phase(double rate, bool first = true) => Step is null
        ? new LoadPhase(rate, Warmup, Duration, Drain)
        : new LoadPhase(rate, first && Warmup > StepWarmup ? Warmup : StepWarmup, StepDuration, Drain);

    /// <summary>The longest the load part of the run can take, setup excluded.</summary>
    public TimeSpan MaxLoadTime => Step is { } step
        ? Phase(1).MaxLength + ((Phase(1, first: false).MaxLength + StepSettle) * step.MaxSteps)
        : Phase(Rate).MaxLength;

    /// <summary>The command-line options, with a scenario's own defaults, and how to read them back.</summary>
    public sealed class Options(double rate, double duration, string rateDescription)
    {
        public Option<double> Rate { get; } = OptionFactory.Rate("--rate", rate, rateDescription);

        public Option<double> Duration { get; } = OptionFactory.Seconds("--duration", duration, "Measured time at --rate", minSeconds: 1);

        public Option<double> Warmup { get; } = OptionFactory.Seconds("--warmup", 3, "Unmeasured time at the same rate before it");

        public Option<double> Drain { get; } = OptionFactory.Seconds("--drain", 5, "Longest wait after the last send for acks and deliveries");

        public Option<double> SetupTimeout { get; } =
            OptionFactory.Seconds("--setup-timeout", 60, "Longest time to create users and streams and to connect everyone", minSeconds: 1);

        public Option<bool> Step { get; } = new("--step")
        {
            Description = "Step mode: raise the rate step by step until p99 passes --p99-bound or anything is lost; report the highest sustained rate.",
        };

        public Option<double> StepStart { get; } = OptionFactory.Rate("--step-start", StepSettings.Default.StartRate, "Step mode: the first step's rate");

        public Option<double> StepFactor { get; } = OptionFactory.Above("--step-factor", StepSettings.Default.Factor, "Step mode: each next step's rate is this many times the last sustained one", 1, 100);

        public Option<double> StepMaxRate { get; } = OptionFactory.Rate("--step-max-rate", StepSettings.Default.MaxRate, "Step mode: the highest rate to try");

        public Option<int> StepMaxSteps { get; } = OptionFactory.Count("--step-max-steps", StepSettings.Default.MaxSteps, "Step mode: the most steps", max: 100);

        public Option<int> StepRefine { get; } = OptionFactory.Count("--step-refine", StepSettings.Default.RefineSteps, "Step mode: steps that bisect between the last sustained and the first failed rate", min: 0, max: 10);

        public Option<double> StepDuration { get; } = OptionFactory.Seconds("--step-duration", 5, "Step mode: measured time of each step", minSeconds: 1);

        public Option<double> StepWarmup { get; } = OptionFactory.Seconds("--step-warmup", 1, "Step mode: unmeasured time before each step's window");

        public Option<double> P99Bound { get; } = OptionFactory.Rate("--p99-bound", StepSettings.Default.P99BoundMs, "Step mode: the p99 latency bound in ms");

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { Rate, Duration, Warmup, Drain, SetupTimeout, Step, StepStart, StepFactor, StepMaxRate, StepMaxSteps, StepRefine, StepDuration, StepWarmup, P99Bound })
            {
                command.Options.Add(option);
            }
        }

        public RunSettings Read(ParseResult parse) => new(
            parse.GetRequiredValue(Rate),
            TimeSpan.FromSeconds(parse.GetRequiredValue(Duration)),
            TimeSpan.FromSeconds(parse.GetRequiredValue(Warmup)),
            TimeSpan.FromSeconds(parse.GetRequiredValue(Drain)),
            TimeSpan.FromSeconds(parse.GetRequiredValue(SetupTimeout)),
            parse.GetValue(Step)
                ? new StepSettings(
                    parse.GetRequiredValue(StepStart),
                    parse.GetRequiredValue(StepFactor),
                    parse.GetRequiredValue(StepMaxRate),
                    parse.GetRequiredValue(StepMaxSteps),
                    parse.GetRequiredValue(P99Bound),
                    parse.GetRequiredValue(StepRefine))
                : null,
            TimeSpan.FromSeconds(parse.GetRequiredValue(StepDuration)),
            TimeSpan.FromSeconds(parse.GetRequiredValue(StepWarmup)));
    }
}
