using System.CommandLine;
using Community.LoadTests.Cli;

namespace Community.LoadTests.Scenarios;

/// <summary>Every scenario the driver knows, as commands. A new scenario adds one line here.</summary>
public static class ScenarioCatalog
{
    public static IEnumerable<Command> Commands(CommonOptions common) =>
    [
        LiveRoomScenario.CreateCommand(common),
        PostCommentsScenario.CreateCommand(common, fanout: false),
        PostCommentsScenario.CreateCommand(common, fanout: true),
        ConversationsScenario.CreateCommand(common),
        CampaignScenario.CreateCommand(common),
        CompareCommand.Create(new CommonOptions()),
        MemoryCommand.Create(common),
        CompareCommand.CreateRender(),
    ];
}
