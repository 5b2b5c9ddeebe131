using Community.Creators;
using Community.Grains.Creators;
using Community.Grains.Storage;
using Community.IntegrationTests.Infrastructure;

namespace Community.IntegrationTests.Grains;

/// <summary>A creator's follower partition, written through the journal.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class CreatorGrainTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task Followers_stored_before_batch_ids_read_and_following_again_changes_nothing_while_a_new_fan_counts()
    {
        var creator = ClusterFixture.Unique("cr");
        var (known, fresh) = (ClusterFixture.Unique("fan"), ClusterFixture.Unique("fan"));
        await fixture.Stores.Get(CreatorGrain.FollowsTable).CommitAsync(creator, null, """{"followers":41}""", [LogWrite.Insert(LogKeys.Of("f", known), "1")]);
        var grain = fixture.Grains.GetGrain<ICreatorGrain>(creator);
        await grain.SaveProfile(new CreatorProfileInput("Creator", ["food"], null));
        var before = fixture.Stores.CommitsOf(creator);

        var profile = await grain.GetProfile();
        var again = await grain.Follow(known);
        var writesForRepeat = fixture.Stores.CommitsOf(creator) - before;
        var added = await grain.Follow(fresh);
        var left = await grain.Unfollow(known);
        var leftAgain = await grain.Unfollow(known);

        Assert.Equal(41, profile!.Followers);
        Assert.Equal((false, 41L, 0), (again.Changed, again.Followers, writesForRepeat));
        Assert.Equal((true, 42L), (added.Changed, added.Followers));
        Assert.Equal((true, 41L), (left.Changed, left.Followers));
        Assert.Equal((false, 41L), (leftAgain.Changed, leftAgain.Followers));
        Assert.Equal((true, false), (await grain.IsFollower(fresh), await grain.IsFollower(known)));
        Assert.Equal(41, (await grain.GetProfile())!.Followers);
    }
}
