using System.Text;
using Community.Campaigns;
using Community.Errors;
using Community.Livestreams;
using Community.Validation;
using CsCheck;

namespace Community.UnitTests.Validation;

public class UserTextTests
{
    [Theory]
    [InlineData("\u200B")] // zero-width space
    [InlineData("\u200B\u200C\u200D\u2060\uFEFF")] // zero-width space, non-joiner, joiner, word joiner, BOM
    [InlineData("\u00AD")] // soft hyphen
    [InlineData("\u202E")] // right-to-left override
    [InlineData("\u202A\u202C")] // an embedding and its pop
    [InlineData("\u2066 \u2069")] // an isolate around a space
    [InlineData("\u200E\u200F")] // direction marks
    [InlineData("\u3164\u3164")] // Hangul filler
    [InlineData("\u2800")] // Braille blank
    [InlineData("\uFE0F")] // a variation selector alone
    [InlineData("\u0301\u0308")] // combining marks with nothing to sit on
    [InlineData("\U000E0041\U000E007F")] // tag characters
    [InlineData(" \u200B \u00A0\u3000 ")] // blanks of every width around a zero-width space
    public void Text_with_nothing_visible_is_refused_saying_so(string text)
    {
        var ex = Assert.Throws<CommunityException>(() => Limits.Text(text, "comment"));

        Assert.Equal(ErrorKind.Invalid, ex.Kind);
        Assert.StartsWith("The comment has no visible characters", ex.Message);
    }

    [Theory]
    [InlineData("\u0000")]
    [InlineData("\u0007\u0007")]
    [InlineData("hi\u001Bthere")]
    [InlineData("ok\u007F")]
    [InlineData("\u0085x")]
    public void A_control_character_other_than_a_line_break_or_tab_is_refused_naming_it(string text)
    {
        var ex = Assert.Throws<CommunityException>(() => Limits.Text(text, "message"));

        Assert.Equal(ErrorKind.Invalid, ex.Kind);
        Assert.Contains("The message contains a control character (U+", ex.Message);
    }

    [Fact]
    public void Free_text_keeps_line_breaks_and_tabs_and_stores_every_line_break_as_LF()
    {
        Assert.Equal("one\ntwo\n\tthree\nfour\nfive", Limits.Text("one\r\ntwo\n\tthree\rfour\u2028five"));
    }

    [Theory]
    [InlineData("Alice\nBob")]
    [InlineData("Alice\tBob")]
    [InlineData("Alice\u2028Bob")]
    public void A_one_line_text_refuses_line_breaks_and_tabs(string name)
    {
        var ex = Assert.Throws<CommunityException>(() => Limits.DisplayName(name));

        Assert.Equal(ErrorKind.Invalid, ex.Kind);
        Assert.Contains("The display name must be one line", ex.Message);
    }

    [Theory]
    [InlineData("abc\u202Edef", "abcdef")]
    [InlineData("\u2067שלום\u2069 world", "שלום world")]
    [InlineData("\u202Bunbalanced", "unbalanced")]
    [InlineData("  \u202Ehi\u202C  ", "hi")]
    public void Bidi_overrides_embeddings_and_isolates_are_removed(string text, string stored)
    {
        Assert.Equal(stored, Limits.Text(text));
    }

    [Theory]
    [InlineData("👍🏽")]
    [InlineData("👨‍👩‍👧")] // joined by zero-width joiners
    [InlineData("❤️")] // with a variation selector
    [InlineData("می‌خواهم")] // Persian with a zero-width non-joiner
    [InlineData("\u200Bhi")]
    [InlineData("שלום \u200F!")]
    [InlineData("日本語")]
    [InlineData("\uE000")] // private use: a custom font's glyph
    public void Visible_text_is_accepted_with_its_invisible_helpers_kept(string text)
    {
        Assert.Equal(text, Limits.Text(text));
    }

    [Fact]
    public void Stacked_combining_marks_beyond_ten_on_one_character_are_refused_and_real_stacks_pass()
    {
        var zalgo = "h" + string.Concat(Enumerable.Repeat("\u0336\u0337", 6)) + "i";

        var ex = Assert.Throws<CommunityException>(() => Limits.Text(zalgo, "comment"));

        Assert.Equal(ErrorKind.Invalid, ex.Kind);
        Assert.Contains("The comment stacks 12 combining marks on one character; at most 10", ex.Message);
        Assert.Equal("Tiếng Việt", Limits.Text("Tiếng Việt"));
        Assert.Equal("בְּרֵאשִׁ֖ית", Limits.Text("בְּרֵאשִׁ֖ית"));
        Assert.Equal("x" + new string('\u0301', 10), Limits.Text("x" + new string('\u0301', 10)));
    }

    [Fact]
    public void Text_is_stored_in_NFC()
    {
        Assert.Equal("caf\u00E9", Limits.Text("cafe\u0301"));
    }

    [Fact]
    public void The_length_is_counted_on_the_normalized_form()
    {
        // 2,000 decomposed é (4,000 UTF-16 units as sent) are 2,000 characters once composed.
        var decomposed = string.Concat(Enumerable.Repeat("e\u0301", Limits.MaxTextLength));

        Assert.Equal(new string('\u00E9', Limits.MaxTextLength), Limits.Text(decomposed));
    }

    [Fact]
    public void Removed_bidi_controls_do_not_count_towards_the_limit()
    {
        var text = new string('a', Limits.MaxTextLength);

        Assert.Equal(text, Limits.Text("\u202E" + text + "\u202C"));
    }

    [Fact]
    public void A_lone_surrogate_is_refused()
    {
        // Built in code: test data attributes would turn a lone surrogate into U+FFFD on the way.
        foreach (var text in new[] { "\uD800", "a" + (char)0xDC00 + "b", "x" + (char)0xDBFF, "👍"[..1] })
        {
            var ex = Assert.Throws<CommunityException>(() => Limits.Text(text, "chat message"));

            Assert.Equal(ErrorKind.Invalid, ex.Kind);
            Assert.Contains("The chat message is not valid Unicode", ex.Message);
        }
    }

    [Fact]
    public void Display_names_titles_campaign_names_bios_and_niches_follow_the_same_rules()
    {
        Assert.Contains("display name has no visible", Refusal(() => Limits.DisplayName("\u200B\u200B")));
        Assert.Contains("title has no visible", Refusal(() => LiveLimits.Title("\u202E")));
        Assert.Contains("campaign name has no visible", Refusal(() => CampaignLimits.Name("\u3164")));
        Assert.Contains("bio has no visible", Refusal(() => Limits.Bio("\u200D")));
        Assert.Contains("niche has no visible", Refusal(() => Limits.Niches(["music", "\uFEFF"])));
        Assert.Contains("title must be one line", Refusal(() => LiveLimits.Title("a\u0000b")));
        Assert.Contains("bio contains a control character", Refusal(() => Limits.Bio("a\u0007b")));
        Assert.Contains("limit is 60", Refusal(() => Limits.DisplayName(new string('n', 61))));
    }

    [Fact]
    public void A_blank_bio_is_no_bio_and_niches_are_lower_cased_without_duplicates()
    {
        Assert.Null(Limits.Bio("  \n "));
        Assert.Equal(["music", "cafés"], Limits.Niches(["Music", "music ", "CAFE\u0301S"]));
    }

    [Theory]
    [InlineData("ＳＰＯＩＬＥＲ", "spoiler")]
    [InlineData("Spo\u200Biler", "spoiler")]
    [InlineData("spo\u00ADiler", "spoiler")]
    [InlineData("STRASSE Straße", "strasse strasse")]
    [InlineData("ΟΔΟΣ οδος", "οδοσ οδοσ")]
    [InlineData("  the\u00A0\u3000 END\t", "the end")]
    [InlineData("\u202Ehidden\u202C", "hidden")]
    [InlineData("ﬁne", "fine")] // a ligature
    [InlineData("①", "1")]
    public void Folding_makes_lookalike_spellings_one_form(string text, string folded)
    {
        Assert.Equal(folded, UserText.Fold(text));
    }

    [Fact]
    public void Validation_is_idempotent_and_keeps_something_visible_within_the_limit()
    {
        Gen.String[Gen.Frequency((4, Gen.Char.AlphaNumeric), (2, Gen.Char["\u200B\u202E\u2066\u0301\u00A0\n\t\r\uFEFF\u3164 e"]), (1, Gen.Char)), 0, 2_100]
            .Sample(text =>
            {
                string stored;
                try
                {
                    stored = Limits.Text(text);
                }
                catch (CommunityException ex) when (ex.Kind is ErrorKind.Invalid or ErrorKind.TooLarge)
                {
                    return;
                }

                Assert.Equal(stored, Limits.Text(stored));
                Assert.True(stored.Length <= Limits.MaxTextLength);
                Assert.True(ICU4N.Text.Normalizer2.NFCInstance.IsNormalized(stored));
                Assert.DoesNotContain(stored, c => UserText.IsBidiControl(c) || (char.IsControl(c) && c is not '\n' and not '\t'));
                Assert.Contains(stored.EnumerateRunes(), r => !UserText.IsIgnorable(r) && !Rune.IsWhiteSpace(r));
            });
    }

    [Fact]
    public void Folding_is_idempotent()
    {
        Gen.String.Sample(text =>
        {
            if (!text.Any(char.IsSurrogate))
            {
                Assert.Equal(UserText.Fold(text), UserText.Fold(UserText.Fold(text)));
            }
        });
    }

    private static string Refusal(Action act) => Assert.Throws<CommunityException>(act).Message;
}
