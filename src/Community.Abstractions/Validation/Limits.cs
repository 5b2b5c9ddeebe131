using Community.Errors;

namespace Community.Validation;

/// <summary>Input limits shared by every surface (REST and hub), so both reject the same input with the same words.</summary>
public static class Limits
{
    public const int MaxTextLength = 2_000;
    public const int MaxClientIdLength = 64;
    public const int MaxDisplayNameLength = 60;
    public const int MaxBioLength = 500;
    public const int MaxNiches = 10;
    public const int MaxNicheLength = 30;
    public const int MaxPageSize = 200;
    public const int DefaultPageSize = 50;

    /// <summary>
    /// A message, comment, chat or post text: the rules of <see cref="UserText"/> for free text (line breaks and tabs
    /// kept), 1 to 2,000 characters (413 over); returned normalized and trimmed.
    /// </summary>
    public static string Text(string? text, string what = "text") =>
        UserText.Require(text, what, MaxTextLength, TextShape.Lines, ErrorKind.TooLarge);

    /// <summary>A creator's display name: one line of 1 to 60 characters.</summary>
    public static string DisplayName(string? displayName) => UserText.Require(displayName, "display name", MaxDisplayNameLength);

    /// <summary>A creator's bio: absent or blank means none; otherwise free text of at most 500 characters.</summary>
    public static string? Bio(string? bio) => UserText.Optional(bio, "bio", MaxBioLength, TextShape.Lines);

    /// <summary>A creator's niches: at most 10, each one line of 1 to 30 characters, stored lower-case and without duplicates.</summary>
    public static List<string> Niches(IReadOnlyList<string?>? niches)
    {
        if (niches?.Count > MaxNiches)
        {
            throw CommunityException.Invalid($"A creator has at most {MaxNiches} niches; {niches.Count} were given.");
        }

        return (niches ?? []).Select(n => UserText.Require(n, "niche", MaxNicheLength).ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>An optional client-chosen idempotency key: 1 to 64 characters, or absent.</summary>
    public static string? ClientId(string? clientId)
    {
        if (clientId is null)
        {
            return null;
        }

        if (clientId.Length is 0 or > MaxClientIdLength || string.IsNullOrWhiteSpace(clientId))
        {
            throw CommunityException.Invalid($"clientId must be 1 to {MaxClientIdLength} characters.");
        }

        return clientId;
    }

    /// <summary>A page size: absent means the default (50); otherwise 1 to 200.</summary>
    public static int PageSize(int? limit) => limit switch
    {
        null => DefaultPageSize,
        >= 1 and <= MaxPageSize => limit.Value,
        _ => throw CommunityException.Invalid($"limit must be between 1 and {MaxPageSize}; it was {limit}."),
    };

    public static long AfterSeq(long? afterSeq) => afterSeq switch
    {
        null => 0,
        >= 0 => afterSeq.Value,
        _ => throw CommunityException.Invalid($"afterSeq must be 0 or more; it was {afterSeq}."),
    };
}
