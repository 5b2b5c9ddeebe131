namespace Community.Errors;

/// <summary>What went wrong, in terms a client can act on. Mapped once to HTTP status codes and hub errors.</summary>
public enum ErrorKind
{
    Invalid = 400,
    Unauthorized = 401,
    Forbidden = 403,
    NotFound = 404,
    Conflict = 409,
    TooLarge = 413,
    RateLimited = 429,
    Unavailable = 503,
}

/// <summary>
/// A domain error raised by grains and validation; it crosses grain calls intact and is turned into
/// a problem details response or a <c>HubException</c> in one place in the host.
/// </summary>
[GenerateSerializer]
[Alias("community.error")]
public sealed class CommunityException : Exception
{
    public CommunityException(ErrorKind kind, string message, TimeSpan? retryAfter = null)
        : base(message)
    {
        Kind = kind;
        RetryAfter = retryAfter;
    }

    [Id(0)]
    public ErrorKind Kind { get; private set; }

    [Id(1)]
    public TimeSpan? RetryAfter { get; private set; }

    public static CommunityException Invalid(string message) => new(ErrorKind.Invalid, message);

    public static CommunityException NotFound(string message) => new(ErrorKind.NotFound, message);

    public static CommunityException Forbidden(string message) => new(ErrorKind.Forbidden, message);

    public static CommunityException Conflict(string message) => new(ErrorKind.Conflict, message);

    public static CommunityException TooLarge(string message) => new(ErrorKind.TooLarge, message);

    public static CommunityException Unavailable(string message) => new(ErrorKind.Unavailable, message);

    public static CommunityException RateLimited(string message, TimeSpan retryAfter) =>
        new(ErrorKind.RateLimited, message, retryAfter);
}
