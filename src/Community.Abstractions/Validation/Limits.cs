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

    /// <summary>A message, comment or chat text: not blank, at most 2,000 characters; returned trimmed.</summary>
    public static string Text(string? text, string what = "text")
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw CommunityException.Invalid($"The {what} is empty: write at least one visible character.");
        }

        var trimmed = text.Trim();
        if (trimmed.Length > MaxTextLength)
        {
            throw CommunityException.TooLarge($"The {what} has {trimmed.Length} characters; the limit is {MaxTextLength}.");
        }

        return trimmed;
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
