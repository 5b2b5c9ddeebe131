using Community.Grains.Realtime;
using Microsoft.Extensions.DependencyInjection;

namespace Community.IntegrationTests.Infrastructure;

/// <summary>
/// Two hosts forming one cluster on the run's Azurite, shared by the tests of a collection; each test uses
/// its own handles and posts (<see cref="Unique"/>) so tests never see each other's data.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private static int s_counter;

    public TestHost A { get; private set; } = null!;

    public TestHost B { get; private set; } = null!;

    public string ClusterId { get; } = "it-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A handle no other test uses (≤ 30 chars, a-z0-9_).</summary>
    public static string Unique(string prefix) =>
        $"{prefix}_{Interlocked.Increment(ref s_counter)}_{Guid.NewGuid().ToString("N")[..6]}";

    public async Task InitializeAsync()
    {
        A = await TestHost.StartAsync(ClusterId);
        B = await TestHost.StartAsync(ClusterId);
        await RelaysConvergedAsync();
    }

    /// <summary>
    /// Right after the second host joins, each host may know only its own relay for about a second (the relay
    /// directory was briefly active twice); tests that cross hosts start once both know both.
    /// </summary>
    private async Task RelaysConvergedAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (new[] { A, B }.Any(h => h.Services.GetRequiredService<RelayRegistry>().Current.Relays.Count < 2))
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    public async Task DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
