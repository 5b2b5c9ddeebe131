using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Community.Errors;
using Community.Host.Hosting;
using Community.Identity;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Community.Host.Auth;

public static class AuthExtensions
{
    /// <summary>
    /// The claim of an authenticated caller that carries its handle, set from the token's <c>sub</c> (self-signed tokens)
    /// or its <c>Auth:HandleClaim</c> (an identity provider's): a type of its own, so no claim of a token can pose as it.
    /// </summary>
    public const string HandleClaim = "urn:community:handle";

    /// <summary>The claim self-signed (dev) tokens carry the handle in.</summary>
    public const string SubjectClaim = "sub";

    /// <summary>
    /// Signing keys written in this repository (docker-compose.yml's demo default, the tests'): anyone can sign tokens
    /// with them, so a host accepts them only where dev tokens are allowed.
    /// </summary>
    public static readonly IReadOnlySet<string> PublishedSigningKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "dev-only-signing-key-change-me-0123456789abcdef",
        "integration-tests-signing-key-0123456789abcdef",
    };

    /// <summary>
    /// Where dev tokens and published keys are allowed: Development only (the local run, the compose demo, the test
    /// suites' hosts). Anywhere else a host so configured refuses to start, whatever the flag says.
    /// </summary>
    public static bool AllowsDevCredentials(IHostEnvironment environment) => environment.IsDevelopment();

    public static WebApplicationBuilder AddCommunityAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations()
            .Validate(o => !string.IsNullOrWhiteSpace(o.Authority) || o.DevTokens || o.SigningKey?.Length >= 32,
                "Auth: set Auth:Authority (with Auth:Audience) to accept an identity provider's tokens, or Auth:SigningKey (32+ characters).")
            .Validate(o => o.SigningKey is null || o.SigningKey.Length >= 32, "Auth:SigningKey must have at least 32 characters.")
            .Validate<IHostEnvironment>((o, env) => !o.DevTokens || AllowsDevCredentials(env),
                $"Auth:DevTokens is on outside Development (environment {builder.Environment.EnvironmentName}): dev tokens let anyone sign in as anyone. Turn Auth:DevTokens off and use Auth:Authority or a secret Auth:SigningKey.")
            .Validate<IHostEnvironment>((o, env) => o.SigningKey is null || !PublishedSigningKeys.Contains(o.SigningKey) || AllowsDevCredentials(env),
                "Auth:SigningKey is a key published in Community's repository (docker-compose.yml's demo key or the tests'): anyone could sign tokens with it. Set a secret key of your own (e.g. `openssl rand -base64 48`).")
            .Validate<IHostEnvironment, IOptions<StorageOptions>>(
                (o, env, storage) => storage.Value.Provider != StorageProvider.AzureStorage || !string.IsNullOrWhiteSpace(o.Authority)
                    || !string.IsNullOrEmpty(o.SigningKey) || AllowsDevCredentials(env),
                "Auth:SigningKey is not set on a clustered host (Storage:Provider AzureStorage): each host would sign with a random key of its own and refuse the others' tokens. Set the same Auth:SigningKey (32+ characters) on every host, or Auth:Authority.")
            .ValidateOnStart();
        builder.Services.AddSingleton<TokenKeys>();
        builder.Services.AddSingleton<IUserIdProvider, HandleUserIdProvider>();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>, TokenKeys>((jwt, auth, keys) =>
            {
                var o = auth.Value;
                jwt.MapInboundClaims = false;
                var handleClaim = SubjectClaim;
                if (!string.IsNullOrWhiteSpace(o.Authority))
                {
                    jwt.Authority = o.Authority;
                    jwt.Audience = o.Audience;
                    handleClaim = o.HandleClaim;
                }
                else
                {
                    jwt.TokenValidationParameters = new TokenValidationParameters
                    {
                        ValidIssuer = o.Issuer,
                        ValidAudience = o.Audience,
                        IssuerSigningKey = keys.Key,
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
                        var handle = context.Principal?.FindFirstValue(handleClaim);
                        if (!Community.Identity.Handle.IsValid(handle) || context.Principal?.Identity is not ClaimsIdentity identity)
                        {
                            context.Fail($"The token's {handleClaim} claim is not a valid handle.");
                            return Task.CompletedTask;
                        }

                        foreach (var forged in identity.FindAll(HandleClaim).ToList())
                        {
                            identity.RemoveClaim(forged);
                        }

                        identity.AddClaim(new Claim(HandleClaim, handle!));
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

    /// <summary>Only the user a handle names may act as it: 400 for a malformed handle, 403 for someone else's.</summary>
    /// <param name="action">What the caller tried, as the refusal words it: "Only maya may {action}".</param>
    public static void RequireSelf(this ClaimsPrincipal user, string handle, string action)
    {
        Community.Identity.Handle.Require(handle);
        if (user.Handle() != handle)
        {
            throw CommunityException.Forbidden($"Only {handle} may {action}; you are signed in as {user.Handle()}.");
        }
    }
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
