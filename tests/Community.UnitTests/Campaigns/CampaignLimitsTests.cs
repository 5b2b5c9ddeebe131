using Community.Campaigns;
using Community.Errors;

namespace Community.UnitTests.Campaigns;

public class CampaignLimitsTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    [InlineData("1500.50")]
    [InlineData("100000000")]
    public void A_budget_from_nothing_to_a_hundred_million_in_cents_is_accepted(string? budget)
    {
        var value = budget is null ? (decimal?)null : decimal.Parse(budget, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(value, CampaignLimits.Budget(value));
    }

    [Theory]
    [InlineData("-0.01")]
    [InlineData("100000000.01")]
    [InlineData("0.001")]
    public void A_negative_absurd_or_sub_cent_budget_is_invalid(string budget)
    {
        var error = Assert.Throws<CommunityException>(() => CampaignLimits.Budget(decimal.Parse(budget, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(ErrorKind.Invalid, error.Kind);
    }

    [Fact]
    public void A_name_is_trimmed_and_must_be_1_to_100_characters()
    {
        Assert.Equal("Launch", CampaignLimits.Name("  Launch "));
        Assert.Throws<CommunityException>(() => CampaignLimits.Name("   "));
        Assert.Throws<CommunityException>(() => CampaignLimits.Name(new string('x', 101)));
    }

    [Fact]
    public void Campaign_ids_are_c_and_twelve_base32_characters_and_anything_else_is_not_found()
    {
        var id = CampaignKey.New();

        Assert.True(CampaignKey.IsValid(id));
        Assert.Equal(13, id.Length);
        Assert.False(CampaignKey.IsValid("x" + id[1..]));
        Assert.False(CampaignKey.IsValid(id.ToUpperInvariant()));
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<CommunityException>(() => CampaignKey.Require("../etc")).Kind);
    }
}
