using Community.Errors;
using Community.Grains.Livestreams;
using CsCheck;

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

    [Fact]
    public void A_matcher_folds_the_rooms_terms_once_and_checks_every_line_like_a_single_match()
    {
        string[] terms = ["spoiler", "ＴＨＥ\u00A0Ｅｎｄｉｎｇ", "\u200B", "ass"];
        var matcher = new BlockedTerms.Matcher(terms);

        Assert.Same(terms, matcher.Terms);
        Assert.Equal("spoiler", matcher.FindMatch("big SPOILER ahead"));
        Assert.Equal("ＴＨＥ\u00A0Ｅｎｄｉｎｇ", matcher.FindMatch("I know the ending."));
        Assert.Null(matcher.FindMatch("a class act"));
        Assert.Null(new BlockedTerms.Matcher([]).FindMatch("anything"));
        foreach (var line in new[] { "big SPOILER ahead", "I know the ending.", "a class act", "ass!" })
        {
            Assert.Equal(BlockedTerms.FindMatch(line, terms), matcher.FindMatch(line));
        }
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

    [Theory]
    [InlineData("spoiler", "big spo\u200Biler ahead")] // zero-width space
    [InlineData("spoiler", "s\u200Dp\u200Co\u2060i\uFEFFler")] // joiner, non-joiner, word joiner, BOM
    [InlineData("spoiler", "spo\u00ADiler")] // soft hyphen
    [InlineData("spoiler", "\u202Espoiler\u202C")] // inside a bidi override
    [InlineData("spoiler", "ｓｐｏｉｌｅｒ")] // full-width
    [InlineData("spoiler", "ＳＰＯＩＬＥＲ!!")] // full-width capitals
    [InlineData("spoiler", "Ｓｐｏ\u200Bｉｌｅｒ")] // both
    [InlineData("spoiler", "𝐬𝐩𝐨𝐢𝐥𝐞𝐫")] // mathematical bold letters
    [InlineData("spoiler", "ˢᵖᵒⁱˡᵉʳ")] // superscript letters
    [InlineData("the ending", "the\u00A0\u3000ending")] // no-break and ideographic spaces
    [InlineData("the ending", "THE\u200B ENDING")]
    [InlineData("strasse", "die Straße")] // full case folding
    [InlineData("straße", "DIE STRASSE")]
    [InlineData("fine", "ﬁne")] // a ligature
    [InlineData("café", "CAFE\u0301!")] // decomposed accent
    [InlineData("spoiler", "spoiler\uFE0F")] // a variation selector after it
    public void A_term_hidden_with_invisible_full_width_or_compatibility_characters_still_matches(string term, string text)
    {
        Assert.Equal(BlockedTerms.Normalize(term), BlockedTerms.FindMatch(text, [BlockedTerms.Normalize(term)]));
    }

    [Theory]
    [InlineData("Ｓｐｏｉｌｅｒ", "spoiler")]
    [InlineData("SPO\u200BILER", "spoiler")]
    [InlineData("\u202EThe\u00A0Ending\u202C", "the ending")]
    [InlineData("Straße", "strasse")]
    public void Terms_are_stored_in_the_folded_form_they_are_matched_in(string term, string stored)
    {
        Assert.Equal(stored, BlockedTerms.Normalize(term));
    }

    [Theory]
    [InlineData("\u200B")]
    [InlineData("\u202E\u202C")]
    [InlineData("\u3164")]
    public void An_invisible_term_is_refused(string term)
    {
        var ex = Assert.Throws<CommunityException>(() => BlockedTerms.Normalize(term));

        Assert.Equal(ErrorKind.Invalid, ex.Kind);
        Assert.Contains("no visible characters", ex.Message);
    }

    [Fact]
    public void A_term_stored_before_folding_still_matches_hidden_spellings()
    {
        Assert.Equal("Ｂａｄ", BlockedTerms.FindMatch("so b\u200Bad", ["Ｂａｄ"]));
    }

    [Theory]
    [InlineData("ass", "ｃｌａｓｓ")] // full-width, still inside a word
    [InlineData("caf", "café")] // an accented letter continues the word
    [InlineData("spoiler", "spoilers\u200B")]
    public void Folding_does_not_make_a_term_inside_another_word_match(string term, string text)
    {
        Assert.Null(BlockedTerms.FindMatch(text, [term]));
    }

    [Fact]
    public void A_term_is_caught_however_it_is_hidden_with_zero_width_characters()
    {
        Gen.Select(Gen.Int[0, 6], Gen.Int[0, 6], Gen.Char["\u200B\u200C\u200D\u2060\uFEFF\u00AD\u180E"], Gen.Bool).Sample((at, count, hider, wide) =>
        {
            var term = "spoiler";
            var hidden = term.Insert(at, new string(hider, count));
            if (wide)
            {
                hidden = string.Concat(hidden.Select(c => c is >= 'a' and <= 'z' ? (char)(c - 'a' + 'ａ') : c));
            }

            Assert.Equal(term, BlockedTerms.FindMatch($"big {hidden} ahead", [term]));
        });
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
