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

    [Fact]
    public void Interactions_are_likes_comments_shares_and_saves()
    {
        Assert.Equal(10, EngagementMath.Interactions(likes: 4, comments: 3, shares: 2, saves: 1));
    }

    [Fact]
    public void A_creators_rate_is_the_mean_and_median_of_their_last_twelve_post_rates()
    {
        // 2,000 followers; 14 posts, newest first. Only the first 12 count: 40, 60, 100, 20, 0, 200, 80, 40, 60, 100, 20, 0.
        // Rates: .02 .03 .05 .01 0 .1 .04 .02 .03 .05 .01 0 → sum .36, mean .03; sorted middle pair (.02, .03) → median .025.
        long[] interactions = [40, 60, 100, 20, 0, 200, 80, 40, 60, 100, 20, 0, 5_000, 5_000];

        var rate = EngagementMath.CreatorRate(interactions, followers: 2_000);

        Assert.Equal(12, rate.Posts);
        Assert.Equal(0.03, rate.Mean, 12);
        Assert.Equal(0.025, rate.Median, 12);
    }

    [Fact]
    public void A_creator_with_fewer_than_twelve_posts_is_rated_over_the_posts_they_have()
    {
        // 500 followers: 25/500 = .05, 75/500 = .15 → mean .1, median .1.
        var rate = EngagementMath.CreatorRate([25, 75], followers: 500);

        Assert.Equal(new CreatorRate(2, 0.1, 0.1), rate with { Mean = Math.Round(rate.Mean, 12), Median = Math.Round(rate.Median, 12) });
    }

    [Fact]
    public void A_creator_without_posts_has_a_rate_of_zero()
    {
        Assert.Equal(new CreatorRate(0, 0, 0), EngagementMath.CreatorRate([], followers: 10));
    }

    [Fact]
    public void A_campaigns_rate_weighs_each_post_by_its_creators_audience()
    {
        // Nano creator (800 followers) 2 posts with 80 interactions in all; micro creator (20,000) 1 post with 400.
        // (80 + 400) / (800 + 800 + 20,000) = 480 / 21,600 = 0.0222…
        Assert.Equal(480 / 21_600.0, EngagementMath.PooledRate(480, 21_600), 12);
    }

    [Fact]
    public void Cost_per_engagement_is_the_budget_over_the_interactions()
    {
        Assert.Equal(2.5m, EngagementMath.CostPerEngagement(1_000m, 400));
        Assert.Equal(0.3333m, EngagementMath.CostPerEngagement(1m, 3));
    }

    [Fact]
    public void Cost_per_engagement_is_unknown_without_a_budget_or_interactions()
    {
        Assert.Null(EngagementMath.CostPerEngagement(null, 400));
        Assert.Null(EngagementMath.CostPerEngagement(1_000m, 0));
    }
}
