using System.CommandLine;
using Community.LoadTests.Cli;

namespace Community.LoadTests.Scenarios;

/// <summary>A scenario's own command-line knobs: added to its command, read back as its settings.</summary>
public interface IScenarioOptions<out TSettings>
{
    void AddTo(Command command);

    TSettings Read(ParseResult parse);
}

/// <summary>Builds a scenario's subcommand: the common options, its own, the run options, and the run itself.</summary>
public static class ScenarioCommand
{
    public static Command Create<TSettings>(
        CommonOptions common,
        string name,
        string description,
        IScenarioOptions<TSettings> options,
        RunSettings.Options run,
        Func<TSettings, DriverContext, RunSettings, IScenario> create)
    {
        var command = new Command(name, description);
        common.AddTo(command);
        options.AddTo(command);
        run.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var settings = options.Read(parse);
            var runSettings = run.Read(parse);
            return ScenarioRunner.RunAsync(ctx => create(settings, ctx, runSettings), common.Read(parse), cancellationToken);
        });
        return command;
    }
}
