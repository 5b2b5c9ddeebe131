using Community.Grains.Storage;

namespace Community.UnitTests.Storage;

public class MemoryLogStoreTests : LogStoreContract
{
    protected override ILogStore CreateStore() => new MemoryLogStore();

    [Fact]
    public async Task The_factory_gives_the_same_table_back_with_its_data()
    {
        var factory = new MemoryLogStoreFactory();
        await factory.Get("posts").CommitAsync("p", null, "head", []);

        Assert.Equal("head", (await factory.Get("posts").ReadHeadAsync("p"))?.Data);
    }

    [Fact]
    public async Task Tables_of_the_factory_do_not_share_partitions()
    {
        var factory = new MemoryLogStoreFactory();
        await factory.Get("posts").CommitAsync("p", null, "head", []);

        Assert.Null(await factory.Get("follows").ReadHeadAsync("p"));
    }
}
