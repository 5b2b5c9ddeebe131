using System.Text.RegularExpressions;
using Community.Errors;

namespace Community.Identity;

/// <summary>A user's handle: <c>^[a-z0-9_]{3,30}$</c>. Every user, fan, creator or brand, is one.</summary>
public static partial class Handle
{
    [GeneratedRegex(@"^[a-z0-9_]{3,30}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValid(string? handle) => handle is not null && Pattern().IsMatch(handle);

    /// <summary>Throws a 400 that names the offending value when <paramref name="handle"/> is not a handle.</summary>
    public static string Require(string? handle, string what = "handle") =>
        IsValid(handle)
            ? handle!
            : throw CommunityException.Invalid($"'{Truncate(handle)}' is not a valid {what}: use 3 to 30 of a-z, 0-9 and _.");

    private static string Truncate(string? value) =>
        value is null ? "" : value.Length <= 40 ? value : value[..40] + "…";
}
