using Community.Grains;
using Community.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Community.IntegrationTests.Grains;

/// <summary>
/// An in-process Orleans test cluster (two silos) with the in-memory log store behind a counter that adds a
/// little storage latency, so group commit can be observed. Time stays real here: Orleans' own liveness
/// runs on the silo's TimeProvider, so time-based rules are tested as pure logic with FakeTimeProvider instead.
/// </summary>
public sealed class GrainClusterFixture : IAsyncLifetime
{
    public CountingLogStoreFactory Stores { get; } = new(new MemoryLogStoreFactory());

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(GrainStorage.ProviderName);
            silo.Services.AddSingleton<ILogStoreFactory>(Stores);
            silo.Services.AddCommunityGrains();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class GrainClusterCollection : ICollectionFixture<GrainClusterFixture>
{
    public const string Name = "grain-cluster";
}

/// <summary>Counts storage transactions per partition; each takes ~2 ms, like a fast network store.</summary>
public sealed class CountingLogStoreFactory(ILogStoreFactory inner) : ILogStoreFactory
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _commits = new();

    public int CommitsOf(string partition) => _commits.GetValueOrDefault(partition);

    public ILogStore Get(string table) => new Counting(inner.Get(table), this);

    public Task PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);

    private sealed class Counting(ILogStore store, CountingLogStoreFactory owner) : ILogStore
    {
        public Task<LogHead?> ReadHeadAsync(string partition, CancellationToken cancellationToken = default) => store.ReadHeadAsync(partition, cancellationToken);

        public async Task<string> CommitAsync(string partition, string? expectedETag, string head, IReadOnlyList<LogWrite> writes, CancellationToken cancellationToken = default)
        {
            owner._commits.AddOrUpdate(partition, 1, (_, n) => n + 1);
            await Task.Delay(2, cancellationToken);
            return await store.CommitAsync(partition, expectedETag, head, writes, cancellationToken);
        }

        public Task<IReadOnlyList<LogRow>> RangeAsync(string partition, string fromKey, string toKey, int limit, CancellationToken cancellationToken = default) =>
            store.RangeAsync(partition, fromKey, toKey, limit, cancellationToken);

        public Task<LogRow?> ReadAsync(string partition, string key, CancellationToken cancellationToken = default) => store.ReadAsync(partition, key, cancellationToken);
    }
}
