using System.Buffers;
using System.Globalization;
using System.Text;
using Community.Errors;
using Community.Validation;

namespace Community.Grains.Livestreams;

/// <summary>
/// A room's blocked terms. A term matches a message when it appears as whole words in the message's folded form
/// (<see cref="UserText.Fold"/>: NFKC, case-folded, zero-width and other format characters removed, whitespace runs
/// collapsed), so "ass" blocks "ASS!", "Ａｓｓ" and "a\u200Bss" but not "class": hosts can block short words without
/// catching innocent ones, and invisible or full-width characters do not slip a term past them.
/// </summary>
public static class BlockedTerms
{
    public const int MaxTerms = 50;
    public const int MaxTermLength = 40;

    /// <summary>
    /// A term as stored: one line of visible text (the rules of <see cref="UserText"/>), then folded like the messages it
    /// is matched against; 400 when empty, invisible or over 40 characters once folded.
    /// </summary>
    public static string Normalize(string? term)
    {
        var folded = UserText.Fold(UserText.Require(term, "blocked term", int.MaxValue, TextShape.Lines));
        return folded.Length switch
        {
            0 => throw CommunityException.Invalid("A blocked term has no visible characters: give at least one letter, digit or symbol."),
            > MaxTermLength => throw CommunityException.Invalid($"The blocked term '{folded[..MaxTermLength]}…' is too long; the limit is {MaxTermLength} characters."),
            _ => folded,
        };
    }

    /// <summary>The first of <paramref name="terms"/> that <paramref name="text"/> contains as whole words once both are folded, or null.</summary>
    public static string? FindMatch(string text, IReadOnlyList<string> terms) => new Matcher(terms).FindMatch(text);

    /// <summary>
    /// A room's terms folded once, for the chat lines checked against them until the terms change: folding is the
    /// costly part, and a busy room checks every line against up to <see cref="MaxTerms"/> of them.
    /// </summary>
    public sealed class Matcher
    {
        private readonly (string Term, string Needle)[] _terms;

        public Matcher(IReadOnlyList<string> terms)
        {
            Terms = terms;

            // Stored terms are folded already; folding again is a no-op for them and catches any stored before folding existed.
            _terms = [.. terms.Select(t => (t, UserText.Fold(t))).Where(t => t.Item2.Length > 0)];
        }

        /// <summary>The terms as given (the room's list this matcher was made from).</summary>
        public IReadOnlyList<string> Terms { get; }

        /// <summary>The first term that <paramref name="text"/> contains as whole words once folded, or null.</summary>
        public string? FindMatch(string text)
        {
            if (_terms.Length == 0)
            {
                return null;
            }

            var folded = UserText.Fold(text);
            foreach (var (term, needle) in _terms)
            {
                for (var at = folded.IndexOf(needle, StringComparison.Ordinal); at >= 0; at = folded.IndexOf(needle, at + 1, StringComparison.Ordinal))
                {
                    var end = at + needle.Length;
                    if (!IsWordChar(Rune.DecodeLastFromUtf16(folded.AsSpan(0, at), out var before, out _), before)
                        && !IsWordChar(Rune.DecodeFromUtf16(folded.AsSpan(end), out var after, out _), after))
                    {
                        return term;
                    }
                }
            }

            return null;
        }
    }

    /// <summary>A letter, digit or combining mark (so "café" does not match "caf"); nothing (the text's start or end) is not one.</summary>
    private static bool IsWordChar(OperationStatus decoded, Rune rune) =>
        decoded == OperationStatus.Done
        && (Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark);
}
