using System.Buffers;
using System.Globalization;
using System.Text;
using Community.Errors;
using ICU4N.Text;

namespace Community.Validation;

/// <summary>
/// The one validation of every text a user types (docs/api.md, "Text"): comments, messages, chat lines, post text,
/// titles, display names, bios, niches, campaign names and blocked terms.
/// <list type="bullet">
/// <item>Normalized to NFC; a lone UTF-16 surrogate is refused.</item>
/// <item>Bidi embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069) are removed, never stored.</item>
/// <item>Control characters are refused; a long text (<see cref="TextShape.Lines"/>) keeps line breaks and tabs
/// (CR LF and CR become LF). U+2028/U+2029 count as line breaks (refused in one-line texts).</item>
/// <item>Surrounding whitespace is trimmed; a text with nothing visible left (only whitespace, zero-width or other
/// format characters, fillers, combining marks) is refused.</item>
/// <item>At most <see cref="MaxMarksPerCharacter"/> combining marks in a row (no "Zalgo" text spilling over other lines).</item>
/// <item>The length limit counts UTF-16 code units of the normalized, trimmed text.</item>
/// </list>
/// </summary>
public static class UserText
{
    /// <summary>
    /// Combining marks in a row on one character: real writing stacks a few (Vietnamese 2, Hebrew with cantillation 4,
    /// Tibetan 5); "Zalgo" text stacks dozens to spill over the lines around it.
    /// </summary>
    public const int MaxMarksPerCharacter = 10;

    // ICU's normalizers: the runtime's string.Normalize does nothing under InvariantGlobalization (Directory.Build.props).
    private static readonly Normalizer2 Nfc = Normalizer2.NFCInstance;
    private static readonly SearchValues<char> PlainLine = SearchValues.Create(Printable());
    private static readonly SearchValues<char> PlainLines = SearchValues.Create(Printable() + "\n\t");
    private static readonly Normalizer2 CaseFold = Normalizer2.NFKCCaseFoldInstance;

    /// <summary>
    /// The text as stored, or a 400 that names <paramref name="what"/> ("The comment has no visible characters…").
    /// Over <paramref name="maxLength"/> is 400, or 413 when <paramref name="tooLong"/> says so.
    /// </summary>
    public static string Require(string? text, string what, int maxLength, TextShape shape = TextShape.Line, ErrorKind tooLong = ErrorKind.Invalid)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw CommunityException.Invalid($"The {what} is empty: write at least one visible character.");
        }

        // Plain printable ASCII (most writes) is its own clean form: nothing to remove, compose or refuse but its length.
        var plain = shape == TextShape.Lines ? PlainLines : PlainLine;
        var clean = text.AsSpan().ContainsAnyExcept(plain) ? Clean(text, what, shape) : text.Trim();
        if (!HasVisible(clean))
        {
            throw CommunityException.Invalid(
                $"The {what} has no visible characters: zero-width, formatting and direction characters or blank fillers alone are not text.");
        }

        if (LongestMarkRun(clean) is > MaxMarksPerCharacter and var marks)
        {
            throw CommunityException.Invalid(
                $"The {what} stacks {marks} combining marks on one character; at most {MaxMarksPerCharacter} are allowed.");
        }

        return clean.Length <= maxLength
            ? clean
            : throw new CommunityException(tooLong, $"The {what} has {clean.Length} characters; the limit is {maxLength}.");
    }

    /// <summary>Like <see cref="Require"/>, but absent, empty or whitespace-only means null (an optional field left out).</summary>
    public static string? Optional(string? text, string what, int maxLength, TextShape shape = TextShape.Line, ErrorKind tooLong = ErrorKind.Invalid) =>
        string.IsNullOrWhiteSpace(text) ? null : Require(text, what, maxLength, shape, tooLong);

    /// <summary>
    /// The form texts are compared in (blocked terms): NFKC (full-width and other compatibility letters become plain
    /// ones), case-folded, without format or other default-ignorable characters (zero-width space and joiner, soft
    /// hyphen, bidi controls, variation selectors, fillers), every whitespace run one space, trimmed. Pure and idempotent.
    /// </summary>
    public static string Fold(string text)
    {
        // NFKC_Casefold (Unicode's form for caseless matching): compatibility forms, full case folding, default-ignorables removed.
        var compat = CaseFold.Normalize(IsWellFormed(text) ? text : string.Concat(text.EnumerateRunes()));
        var builder = new StringBuilder(compat.Length);
        var pendingSpace = false;
        foreach (var rune in compat.EnumerateRunes())
        {
            if (IsIgnorable(rune))
            {
                continue;
            }

            if (Rune.IsWhiteSpace(rune) || Rune.IsControl(rune))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(rune.ToString());
        }

        // A removed blank filler can leave a letter and its accent apart: compose once more.
        var folded = builder.ToString();
        return CaseFold.IsNormalized(folded) ? folded : CaseFold.Normalize(folded);
    }

    /// <summary>Whether the code point renders as nothing on its own: format (Cf) and default-ignorable code points, and blank fillers.</summary>
    public static bool IsIgnorable(Rune rune)
    {
        var value = rune.Value;
        return Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format
            || value is 0x00AD or 0x034F or 0x061C or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or 0x2800 or 0x3164 or 0xFFA0
            || value is >= 0x180B and <= 0x180F
            || value is >= 0x200B and <= 0x200F
            || value is >= 0x202A and <= 0x202E
            || value is >= 0x2060 and <= 0x206F
            || value is >= 0xFE00 and <= 0xFE0F
            || value is >= 0xFFF0 and <= 0xFFF8
            || value is >= 0x1BCA0 and <= 0x1BCA3
            || value is >= 0x1D173 and <= 0x1D17A
            || value is >= 0xE0000 and <= 0xE0FFF;
    }

    private static string Printable() => string.Concat(Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c));

    /// <summary>The bidi embedding, override and isolate controls, removed from every stored text.</summary>
    public static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    private static string Clean(string text, string what, TextShape shape)
    {
        // Cleaned before composing: a removed control between a letter and its accent must not leave them apart.
        var composed = RequireWellFormed(text, what);
        var builder = new StringBuilder(composed.Length);
        for (var i = 0; i < composed.Length; i++)
        {
            var c = composed[i];
            if (IsBidiControl(c))
            {
                continue;
            }

            if (c is '\r' or '\u2028' or '\u2029' or '\n' && shape == TextShape.Lines)
            {
                builder.Append('\n');
                if (c == '\r' && i + 1 < composed.Length && composed[i + 1] == '\n')
                {
                    i++;
                }

                continue;
            }

            if (c == '\t' && shape == TextShape.Lines)
            {
                builder.Append(c);
                continue;
            }

            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                throw CommunityException.Invalid(shape == TextShape.Lines
                    ? $"The {what} contains a control character ({Name(c)}); only line breaks and tabs are allowed."
                    : $"The {what} must be one line of text; it contains a control character ({Name(c)}).");
            }

            builder.Append(c);
        }

        return Compose(builder.ToString()).Trim();
    }

    private static bool IsMark(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    private static int LongestMarkRun(string text)
    {
        int longest = 0, run = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            run = IsMark(rune) ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest;
    }

    private static bool HasVisible(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsIgnorable(rune) || Rune.IsWhiteSpace(rune) || Rune.IsControl(rune))
            {
                continue;
            }

            // A combining mark shows only on a base character; on its own (or on an invisible one) it is not text.
            if (IsMark(rune))
            {
                continue;
            }

            return true;
        }

        return false;
    }

    private static string Compose(string text) => Nfc.IsNormalized(text) ? text : Nfc.Normalize(text);

    private static string RequireWellFormed(string text, string what) =>
        IsWellFormed(text, out var lone)
            ? text
            : throw CommunityException.Invalid($"The {what} is not valid Unicode: it contains a lone surrogate ({Name(lone)}).");

    private static bool IsWellFormed(string text) => IsWellFormed(text, out _);

    private static bool IsWellFormed(string text, out char lone)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsSurrogate(text[i]))
            {
                if (!char.IsHighSurrogate(text[i]) || i + 1 == text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    lone = text[i];
                    return false;
                }

                i++;
            }
        }

        lone = default;
        return true;
    }

    private static string Name(char c) => $"U+{(int)c:X4}";
}

/// <summary>One line (names, titles, terms: no line breaks) or free text (comments, messages, chat, bios: line breaks and tabs kept).</summary>
public enum TextShape
{
    Line,
    Lines,
}
