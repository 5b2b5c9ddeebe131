using System.CommandLine;
using Community.LoadTests.Scenarios;

namespace Community.LoadTests.Cli;

/// <summary>The driver's command line: <c>&lt;scenario&gt; [options]</c>, one subcommand per scenario.</summary>
public static class DriverCommandLine
{
    public static RootCommand Create()
    {
        var common = new CommonOptions();
        var root = new RootCommand(
            "Community load driver: runs one scenario against a running Community host, prints a progress line every "
            + "second on stderr and a summary on stdout, and writes the result as JSON. Exit code 0: the run completed "
            + "and its integrity checks held; 2: it did not; 1: the command line was wrong.");
        foreach (var command in ScenarioCatalog.Commands(common))
        {
            root.Subcommands.Add(command);
        }

        return root;
    }
}
