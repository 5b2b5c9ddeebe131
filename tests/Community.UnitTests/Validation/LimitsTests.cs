using Community.Errors;
using Community.Validation;

namespace Community.UnitTests.Validation;

public class LimitsTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\r\n")]
    public void Blank_text_is_refused_as_invalid_with_a_message_that_says_it_is_empty(string? text)
    {
        var ex = Assert.Throws<CommunityException>(() => Limits.Text(text, "comment"));

        Assert.Equal(ErrorKind.Invalid, ex.Kind);
        Assert.Contains("comment", ex.Message);
        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public void Text_is_returned_without_its_surrounding_whitespace()
    {
        Assert.Equal("hello  world", Limits.Text("  hello  world \n"));
    }

    [Fact]
    public void Text_of_exactly_the_limit_is_accepted()
    {
        var text = new string('a', Limits.MaxTextLength);

        Assert.Equal(text, Limits.Text(text));
    }

    [Fact]
    public void Text_one_character_over_the_limit_is_refused_as_too_large_with_both_lengths_named()
    {
        var ex = Assert.Throws<CommunityException>(() => Limits.Text(new string('a', Limits.MaxTextLength + 1), "message"));

        Assert.Equal(ErrorKind.TooLarge, ex.Kind);
        Assert.Contains("message", ex.Message);
        Assert.Contains("2001", ex.Message);
        Assert.Contains("2000", ex.Message);
    }

    [Fact]
    public void Whitespace_around_text_does_not_count_towards_the_limit()
    {
        var text = new string('a', Limits.MaxTextLength);

        Assert.Equal(text, Limits.Text("   " + text + "\n\n"));
    }

    [Fact]
    public void An_absent_client_id_stays_absent()
    {
        Assert.Null(Limits.ClientId(null));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("retry-7f3c/#?")]
    public void A_client_id_of_1_to_64_characters_is_kept_as_sent(string clientId)
    {
        Assert.Equal(clientId, Limits.ClientId(clientId));
    }

    [Fact]
    public void A_client_id_of_exactly_64_characters_is_accepted()
    {
        var clientId = new string('x', Limits.MaxClientIdLength);

        Assert.Equal(clientId, Limits.ClientId(clientId));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    public void An_empty_blank_or_overlong_client_id_is_refused_as_invalid_naming_the_field(string clientId)
    {
        var ex = Assert.Throws<CommunityException>(() => Limits.ClientId(clientId));

        Assert.Equal(ErrorKind.Invalid, ex.Kind);
        Assert.Contains("clientId", ex.Message);
        Assert.Contains("64", ex.Message);
    }

    [Fact]
    public void An_absent_page_size_means_50()
    {
        Assert.Equal(50, Limits.PageSize(null));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(73)]
    [InlineData(200)]
    public void A_page_size_from_1_to_200_is_used_as_asked(int limit)
    {
        Assert.Equal(limit, Limits.PageSize(limit));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(201)]
    [InlineData(int.MinValue)]
    public void A_page_size_outside_1_to_200_is_refused_naming_the_range_and_the_value(int limit)
    {
        var ex = Assert.Throws<CommunityException>(() => Limits.PageSize(limit));

        Assert.Equal(ErrorKind.Invalid, ex.Kind);
        Assert.Contains("limit", ex.Message);
        Assert.Contains("between 1 and 200", ex.Message);
        Assert.Contains(limit.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message);
    }

    [Fact]
    public void An_absent_after_seq_starts_from_the_beginning()
    {
        Assert.Equal(0, Limits.AfterSeq(null));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(42L)]
    [InlineData(long.MaxValue)]
    public void A_non_negative_after_seq_is_used_as_asked(long afterSeq)
    {
        Assert.Equal(afterSeq, Limits.AfterSeq(afterSeq));
    }

    [Fact]
    public void A_negative_after_seq_is_refused_naming_the_field_and_the_value()
    {
        var ex = Assert.Throws<CommunityException>(() => Limits.AfterSeq(-3));

        Assert.Equal(ErrorKind.Invalid, ex.Kind);
        Assert.Contains("afterSeq", ex.Message);
        Assert.Contains("-3", ex.Message);
    }
}
