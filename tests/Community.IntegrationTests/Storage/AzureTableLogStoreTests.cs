using Community.Grains.Storage;
using Community.Host.Hosting;
using Community.IntegrationTests.Infrastructure;
using Community.UnitTests.Storage;

namespace Community.IntegrationTests.Storage;

/// <summary>The Azure Table store meets the same contract as the in-memory one (conflict indexes, atomic batches, ranges).</summary>
public sealed class AzureTableLogStoreTests : LogStoreContract
{
    private static readonly ILogStoreFactory Factory = new AzureTableLogStoreFactory(
        OrleansHostingExtensions.CreateTableClient(new StorageOptions { Provider = StorageProvider.AzureStorage, ConnectionString = TestStorage.ConnectionString }),
        "contract");

    protected override ILogStore CreateStore() => Factory.Get("logs");
}
