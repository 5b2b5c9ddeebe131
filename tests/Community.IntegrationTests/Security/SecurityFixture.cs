using System.Net;
using Community.IntegrationTests.Infrastructure;

namespace Community.IntegrationTests.Security;

/// <summary>
/// One host of its own for the hostile-input tests (fuzz, authorization matrix): the write and chat limits are set
/// high so that a 429 never hides what a call would otherwise answer. Each test class builds its own
/// <see cref="SecurityWorld"/> on it, with fresh handles.
/// </summary>
public sealed class SecurityFixture : IAsyncLifetime
{
    public TestHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await TestHost.StartAsync("sec-" + Guid.NewGuid().ToString("N")[..12], settings: new Dictionary<string, string?>
        {
            ["RateLimits:WritesPerSecond"] = "100000",
            ["RateLimits:Burst"] = "100000",
            ["Livestreams:ChatBurst"] = "1000",
            ["Livestreams:ChatRefillInterval"] = "00:00:00.01",
        });
    }

    /// <summary>Whether the host still says it is ready: the silo takes grain calls and storage answers.</summary>
    public async Task<bool> ReadyAsync()
    {
        using var anonymous = await Host.ClientAsync(null);
        return (await anonymous.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK;
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SecurityCollection : ICollectionFixture<SecurityFixture>
{
    public const string Name = "security";
}
