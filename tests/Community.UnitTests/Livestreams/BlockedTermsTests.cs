using Community.Errors;
using Community.Grains.Livestreams;

namespace Community.UnitTests.Livestreams;

public class BlockedTermsTests
{
    [Theory]
    [InlineData("spoiler", "big spoiler ahead")]
    [InlineData("spoiler", "SPOILER!")]
    [InlineData("spoiler", "(spoiler)")]
    [InlineData("the ending", "I know the   Ending.")]
    [InlineData("f*ck", "oh f*ck")]
    public void A_term_matches_as_whole_words_ignoring_case_and_spacing(string term, string text)
    {
        Assert.Equal(term, BlockedTerms.FindMatch(text, [term]));
    }

    [Theory]
    [InlineData("ass", "a class act")]
    [InlineData("spoiler", "no spoilers please")]
    [InlineData("spoiler", "unspoiler")]
    [InlineData("the ending", "the endings")]
    public void A_term_inside_another_word_does_not_match(string term, string text)
    {
        Assert.Null(BlockedTerms.FindMatch(text, [term]));
    }

    [Fact]
    public void A_later_whole_word_occurrence_matches_after_an_embedded_one()
    {
        Assert.Equal("ass", BlockedTerms.FindMatch("classy ass", ["ass"]));
    }

    [Fact]
    public void No_terms_match_nothing()
    {
        Assert.Null(BlockedTerms.FindMatch("anything at all", []));
    }

    [Fact]
    public void Terms_are_stored_trimmed_lower_case_with_single_spaces()
    {
        Assert.Equal("the ending", BlockedTerms.Normalize("  The \t ENDING "));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_term_is_refused(string? term)
    {
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<CommunityException>(() => BlockedTerms.Normalize(term)).Kind);
    }

    [Fact]
    public void A_term_over_the_limit_is_refused_naming_the_limit()
    {
        var ex = Assert.Throws<CommunityException>(() => BlockedTerms.Normalize(new string('x', BlockedTerms.MaxTermLength + 1)));

        Assert.Contains($"{BlockedTerms.MaxTermLength} characters", ex.Message);
    }
}
