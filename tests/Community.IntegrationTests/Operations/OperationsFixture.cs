using Community.IntegrationTests.Infrastructure;

namespace Community.IntegrationTests.Operations;

/// <summary>
/// Two hosts of one cluster as an operator meets them: one in Development (everything open, as scripts/run.sh and
/// docker-compose.yml run it) and one in any other environment with nothing switched on but a dashboard user.
/// </summary>
public sealed class OperationsFixture : IAsyncLifetime
{
    public const string DashboardUser = "ops_admin";

    public TestHost Development { get; private set; } = null!;

    public TestHost Production { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var clusterId = "ops-" + Guid.NewGuid().ToString("N")[..12];
        // Development as it ships: the dashboard and /metrics on.
        Development = await TestHost.StartAsync(clusterId, settings: new Dictionary<string, string?> { ["Dashboard:Enabled"] = null, ["Telemetry:Prometheus"] = null });
        Production = await TestHost.StartAsync(clusterId, environment: "Production", settings: new Dictionary<string, string?>
        {
            ["Dashboard:Enabled"] = "true",
            ["Dashboard:Users:0"] = DashboardUser,
            ["Telemetry:Prometheus"] = null,
        });
    }

    public async Task DisposeAsync()
    {
        await Production.DisposeAsync();
        await Development.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class OperationsCollection : ICollectionFixture<OperationsFixture>
{
    public const string Name = "operations";
}
