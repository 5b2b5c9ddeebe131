using Community.Errors;

namespace Community.Grains.Livestreams;

/// <summary>
/// A room's blocked terms. A term matches a message when it appears as whole words, ignoring case: "ass"
/// blocks "ASS!" but not "class", so hosts can block short words without catching innocent ones.
/// </summary>
public static class BlockedTerms
{
    public const int MaxTerms = 50;
    public const int MaxTermLength = 40;

    /// <summary>A term as stored: trimmed, lower-case, inner whitespace collapsed to one space; 400 when empty or too long.</summary>
    public static string Normalize(string? term)
    {
        var words = (term ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var normalized = string.Join(' ', words).ToLowerInvariant();
        return normalized.Length switch
        {
            0 => throw CommunityException.Invalid("A blocked term is empty: give at least one visible character."),
            > MaxTermLength => throw CommunityException.Invalid($"The blocked term '{normalized[..MaxTermLength]}…' is too long; the limit is {MaxTermLength} characters."),
            _ => normalized,
        };
    }

    /// <summary>The first of <paramref name="terms"/> (normalized) that <paramref name="text"/> contains as whole words, or null.</summary>
    public static string? FindMatch(string text, IReadOnlyList<string> terms)
    {
        if (terms.Count == 0)
        {
            return null;
        }

        var lower = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
        foreach (var term in terms)
        {
            for (var at = lower.IndexOf(term, StringComparison.Ordinal); at >= 0; at = lower.IndexOf(term, at + 1, StringComparison.Ordinal))
            {
                var end = at + term.Length;
                if ((at == 0 || !char.IsLetterOrDigit(lower[at - 1])) && (end == lower.Length || !char.IsLetterOrDigit(lower[end])))
                {
                    return term;
                }
            }
        }

        return null;
    }
}
