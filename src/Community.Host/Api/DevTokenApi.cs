using System.Security.Claims;
using Community.Host.Auth;
using Community.Host.Hosting;
using Community.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Community.Host.Api;

public static class DevTokenApi
{
    public sealed record TokenRequest(string? User);

    public sealed record TokenResponse(string Token, DateTimeOffset ExpiresAt);

    /// <summary><c>POST /api/dev/token</c>: exists only when <c>Auth:DevTokens</c> is true.</summary>
    public static IEndpointRouteBuilder MapDevTokenApi(this IEndpointRouteBuilder app)
    {
        var auth = app.ServiceProvider.GetRequiredService<IOptions<AuthOptions>>().Value;
        if (!auth.DevTokens)
        {
            return app;
        }

        app.MapPost("/api/dev/token", (TokenRequest request, TokenKeys keys, IOptions<AuthOptions> options, TimeProvider time) =>
        {
            var user = Handle.Require(request.User, "user");
            var o = options.Value;
            var expires = time.GetUtcNow() + o.TokenLifetime;
            var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Subject = new ClaimsIdentity([new Claim(AuthExtensions.SubjectClaim, user)]),
                Issuer = o.Issuer,
                Audience = o.Audience,
                IssuedAt = time.GetUtcNow().UtcDateTime,
                NotBefore = time.GetUtcNow().UtcDateTime,
                Expires = expires.UtcDateTime,
                SigningCredentials = new SigningCredentials(keys.Key, SecurityAlgorithms.HmacSha256),
            });
            return TypedResults.Ok(new TokenResponse(token, expires));
        }).AllowAnonymous();
        return app;
    }
}
