using Community.Creators;

namespace Community.UnitTests.Creators;

public class TierTests
{
    [Theory]
    [InlineData(0L, Tier.Nano)]
    [InlineData(999L, Tier.Nano)]
    [InlineData(1_000L, Tier.Micro)]
    [InlineData(99_999L, Tier.Micro)]
    [InlineData(100_000L, Tier.Macro)]
    [InlineData(999_999L, Tier.Macro)]
    [InlineData(1_000_000L, Tier.Mega)]
    [InlineData(long.MaxValue, Tier.Mega)]
    public void A_creator_tier_follows_the_follower_count(long followers, string tier)
    {
        Assert.Equal(tier, Tier.FromFollowers(followers));
    }

    [Fact]
    public void Tiers_are_named_as_influencer_marketplaces_name_them()
    {
        Assert.Equal(["nano", "micro", "macro", "mega"], new[] { Tier.Nano, Tier.Micro, Tier.Macro, Tier.Mega });
    }
}
