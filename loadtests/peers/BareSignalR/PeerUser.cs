namespace Community.LoadTests.Peers.BareSignalR;

/// <summary>
/// The peer accepts any token; a dev token it issued (<c>dev-{handle}</c>) names the user, so authors, hosts and
/// conversation participants come out as the driver expects. Anything else is "anonymous".
/// </summary>
public static class PeerUser
{
    private const string Prefix = "dev-";

    public static string TokenFor(string handle) => Prefix + handle;

    public static string FromToken(string? token) =>
        token is { Length: > 4 } && token.StartsWith(Prefix, StringComparison.Ordinal) ? token[Prefix.Length..] : "anonymous";

    /// <summary>The user of a REST call (<c>Authorization: Bearer …</c>) or of a hub connection (<c>access_token</c> query).</summary>
    public static string Of(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal)
            ? FromToken(header["Bearer ".Length..])
            : FromToken(context.Request.Query["access_token"].ToString());
    }
}
