using System.Security.Claims;
using System.Text;
using Community.IntegrationTests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Community.IntegrationTests.Security;

/// <summary>Tokens a test signs itself: as the hosts' own key would (dev tokens have a lifetime of at least a minute), or as an identity provider.</summary>
internal static class ConfigTokens
{
    public static string SelfSigned(string handle, TimeSpan lifetime)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", handle)]),
            Issuer = "community",
            Audience = "community",
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestHost.SigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    public static string Signed(SecurityKey key, string issuer, string audience, IEnumerable<Claim> claims) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = issuer,
            Audience = audience,
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
}
