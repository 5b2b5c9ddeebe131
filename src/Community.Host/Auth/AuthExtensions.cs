using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Community.Host.Hosting;
using Community.Identity;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Community.Host.Auth;

public static class AuthExtensions
{
    /// <summary>The claim that carries the caller's handle.</summary>
    public const string HandleClaim = "sub";

    public static WebApplicationBuilder AddCommunityAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations()
            .Validate(o => !string.IsNullOrWhiteSpace(o.Authority) || o.DevTokens || o.SigningKey?.Length >= 32,
                "Auth: set Auth:Authority (with Auth:Audience) to accept an identity provider's tokens, or Auth:SigningKey (32+ characters).")
            .Validate(o => o.SigningKey is null || o.SigningKey.Length >= 32, "Auth:SigningKey must have at least 32 characters.")
            .ValidateOnStart();
        builder.Services.AddSingleton<TokenKeys>();
        builder.Services.AddSingleton<IUserIdProvider, HandleUserIdProvider>();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>, TokenKeys>((jwt, auth, keys) =>
            {
                var o = auth.Value;
                jwt.MapInboundClaims = false;
                if (!string.IsNullOrWhiteSpace(o.Authority))
                {
                    jwt.Authority = o.Authority;
                    jwt.Audience = o.Audience;
                }
                else
                {
                    jwt.TokenValidationParameters = new TokenValidationParameters
                    {
                        ValidIssuer = o.Issuer,
                        ValidAudience = o.Audience,
                        IssuerSigningKey = keys.Key,
                        NameClaimType = HandleClaim,
                        ClockSkew = TimeSpan.FromSeconds(30),
                    };
                }

                jwt.TokenValidationParameters.NameClaimType = HandleClaim;
                jwt.Events = new JwtBearerEvents
                {
                    // Browsers cannot set headers on WebSockets: SignalR clients send the token in the query string.
                    OnMessageReceived = context =>
                    {
                        var token = context.Request.Query["access_token"];
                        if (!string.IsNullOrEmpty(token) && context.HttpContext.Request.Path.StartsWithSegments("/hubs"))
                        {
                            context.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                    OnTokenValidated = context =>
                    {
                        if (!Community.Identity.Handle.IsValid(context.Principal?.FindFirstValue(HandleClaim)))
                        {
                            context.Fail("The token's subject is not a valid handle.");
                        }

                        return Task.CompletedTask;
                    },
                };
            });
        builder.Services.AddAuthorization();
        return builder;
    }

    /// <summary>The authenticated caller's handle.</summary>
    public static string Handle(this ClaimsPrincipal user) =>
        user.FindFirstValue(HandleClaim) ?? throw new InvalidOperationException("The request is not authenticated.");
}

/// <summary>The key for self-signed tokens: the configured one, or, for a lone dev host, a random one per process.</summary>
public sealed class TokenKeys
{
    public TokenKeys(IOptions<AuthOptions> options, ILogger<TokenKeys> logger)
    {
        var configured = options.Value.SigningKey;
        if (string.IsNullOrEmpty(configured))
        {
            Key = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32));
            if (options.Value.DevTokens)
            {
                LogEphemeralKey(logger);
            }
        }
        else
        {
            Key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(configured));
        }
    }

    public SymmetricSecurityKey Key { get; }

    private static void LogEphemeralKey(ILogger logger) =>
        logger.LogWarning("Auth:SigningKey is not set: dev tokens are signed with a random key, valid on this host until it stops.");
}

internal sealed class HandleUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => connection.User.FindFirstValue(AuthExtensions.HandleClaim);
}
