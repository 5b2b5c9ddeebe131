using Community.LoadTests.Metrics;

namespace Community.LoadTests.Scenarios;

/// <summary>One load scenario, configured from its command line and run once.</summary>
public interface IScenario
{
    /// <summary>The longest the whole run may take, setup and teardown included; past it the process exits.</summary>
    TimeSpan HardDeadline { get; }

    /// <summary>Runs the scenario. Failures of the server are part of the report, not exceptions.</summary>
    Task<IScenarioReport> RunAsync(CancellationToken cancellationToken);
}
