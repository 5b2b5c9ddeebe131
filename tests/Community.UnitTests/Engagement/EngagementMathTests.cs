using Community.Grains.Engagement;

namespace Community.UnitTests.Engagement;

public class EngagementMathTests
{
    [Fact]
    public void A_post_rate_is_interactions_per_follower()
    {
        Assert.Equal(0.05, EngagementMath.PostRate(interactions: 50, followers: 1_000), precision: 12);
    }

    [Fact]
    public void A_creator_without_followers_is_rated_as_if_they_had_one()
    {
        Assert.Equal(7, EngagementMath.PostRate(interactions: 7, followers: 0));
    }

    [Fact]
    public void A_post_without_interactions_has_a_rate_of_zero()
    {
        Assert.Equal(0, EngagementMath.PostRate(interactions: 0, followers: 500));
    }

    [Fact]
    public void The_mean_of_no_rates_is_zero()
    {
        Assert.Equal(0, EngagementMath.Mean([]));
    }

    [Fact]
    public void The_mean_is_the_average_rate()
    {
        Assert.Equal(0.04, EngagementMath.Mean([0.01, 0.02, 0.09]), precision: 12);
    }

    [Fact]
    public void The_median_of_no_rates_is_zero()
    {
        Assert.Equal(0, EngagementMath.Median([]));
    }

    [Fact]
    public void The_median_of_one_rate_is_that_rate()
    {
        Assert.Equal(0.3, EngagementMath.Median([0.3]));
    }

    [Fact]
    public void The_median_of_an_odd_count_is_the_middle_rate_whatever_the_order()
    {
        Assert.Equal(0.02, EngagementMath.Median([0.09, 0.01, 0.02]));
    }

    [Fact]
    public void The_median_of_an_even_count_is_the_mean_of_the_two_middle_rates()
    {
        Assert.Equal(0.025, EngagementMath.Median([0.5, 0.01, 0.03, 0.02]), precision: 12);
    }

    [Fact]
    public void One_viral_post_moves_the_mean_but_not_the_median()
    {
        double[] rates = [0.02, 0.02, 0.03, 0.02, 5.0];

        Assert.Equal(0.02, EngagementMath.Median(rates));
        Assert.True(EngagementMath.Mean(rates) > 1);
    }
}
