using System.ComponentModel.DataAnnotations;
using Community.Host.Auth;
using Orleans.Dashboard;

namespace Community.Host.Hosting;

/// <summary>Section <c>Dashboard</c>: the Orleans dashboard (grains, silos, calls, reminders).</summary>
public sealed class DashboardHostOptions
{
    public const string Section = "Dashboard";

    /// <summary>
    /// Off unless set (on in appsettings.Development.json): the dashboard intercepts every grain call on every silo
    /// to count it, a cost a production cluster opts into.
    /// </summary>
    public bool Enabled { get; set; }

    [Required]
    [RegularExpression("^/[A-Za-z0-9/_-]+$")]
    public string Path { get; set; } = "/dashboard";

    /// <summary>Whether anyone may open it; unset means yes in Development and no elsewhere.</summary>
    public bool? AllowAnonymous { get; set; }

    /// <summary>Handles (token subjects) allowed in when it is not anonymous; empty means nobody.</summary>
    public string[] Users { get; set; } = [];
}

public static class DashboardExtensions
{
    public const string Policy = "dashboard";
    public const string SignInPath = "/signin";
    public const string CookieName = "community-dashboard";

    /// <summary>Collects grain statistics for the dashboard on this silo (every silo must, for a whole-cluster view).</summary>
    public static ISiloBuilder AddCommunityDashboard(this ISiloBuilder silo, IConfiguration configuration)
    {
        var options = configuration.GetSection(DashboardHostOptions.Section).Get<DashboardHostOptions>() ?? new DashboardHostOptions();
        if (options.Enabled)
        {
            silo.AddDashboard();
        }

        return silo;
    }

    public static WebApplicationBuilder AddCommunityDashboardAccess(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DashboardHostOptions>().BindConfiguration(DashboardHostOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.Users.All(Community.Identity.Handle.IsValid), "Dashboard:Users must be handles.")
            .ValidateOnStart();
        var options = builder.Configuration.GetSection(DashboardHostOptions.Section).Get<DashboardHostOptions>() ?? new DashboardHostOptions();
        var users = options.Users.ToHashSet(StringComparer.Ordinal);
        // Not RequireClaim: with no allowed values it would admit every signed-in user.
        builder.Services.AddAuthorizationBuilder().AddPolicy(Policy, p => p
            .RequireAuthenticatedUser()
            .RequireAssertion(c => c.User.FindFirst(AuthExtensions.HandleClaim)?.Value is { } handle && users.Contains(handle)));
        return builder;
    }

    /// <summary>
    /// Browsers cannot add a bearer header to the dashboard's own requests: after a sign-in the token travels in a
    /// cookie scoped to the dashboard's path, and becomes the bearer header of the dashboard's requests only.
    /// Placed before authentication.
    /// </summary>
    public static WebApplication UseCommunityDashboardSession(this WebApplication app)
    {
        var options = app.Configuration.GetSection(DashboardHostOptions.Section).Get<DashboardHostOptions>() ?? new DashboardHostOptions();
        if (!options.Enabled || (options.AllowAnonymous ?? app.Environment.IsDevelopment()))
        {
            return app;
        }

        var path = new PathString(options.Path);
        var signIn = path.Add(SignInPath);
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (request.Path.StartsWithSegments(path) && string.IsNullOrEmpty(request.Headers.Authorization))
            {
                var token = request.Path == signIn && HttpMethods.IsPost(request.Method) && request.HasFormContentType
                    ? (await request.ReadFormAsync(context.RequestAborted))["token"].ToString()
                    : request.Cookies[CookieName];
                if (!string.IsNullOrWhiteSpace(token))
                {
                    request.Headers.Authorization = "Bearer " + token.Trim();
                }
            }

            await next(context);
        });
        return app;
    }

    /// <summary>The dashboard at <c>Dashboard:Path</c>: open in Development, for <c>Dashboard:Users</c> elsewhere.</summary>
    public static WebApplication MapCommunityDashboard(this WebApplication app)
    {
        var options = app.Configuration.GetSection(DashboardHostOptions.Section).Get<DashboardHostOptions>() ?? new DashboardHostOptions();
        if (!options.Enabled)
        {
            return app;
        }

        // Its JSON endpoints are the dashboard's own, not part of the Community API.
        var dashboard = app.MapOrleansDashboard(routePrefix: options.Path).ExcludeFromDescription();
        if (options.AllowAnonymous ?? app.Environment.IsDevelopment())
        {
            dashboard.AllowAnonymous();
            return app;
        }

        dashboard.RequireAuthorization(Policy);
        var signIn = options.Path + SignInPath;
        app.MapGet(signIn, () => TypedResults.Content(SignInPage, "text/html; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();
        // The token arrives as a form field (UseCommunityDashboardSession made it the bearer header): valid and
        // listed in Dashboard:Users, it becomes the session cookie.
        app.MapPost(signIn, (HttpContext context) =>
        {
            context.Response.Cookies.Append(CookieName, context.Request.Headers.Authorization.ToString()["Bearer ".Length..], new CookieOptions
            {
                HttpOnly = true,
                Secure = context.Request.IsHttps,
                SameSite = SameSiteMode.Strict,
                Path = options.Path,
            });
            return TypedResults.Redirect(options.Path + "/");
        }).RequireAuthorization(Policy).ExcludeFromDescription();
        return app;
    }

    private const string SignInPage = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Orleans dashboard: sign in</title></head>
        <body style="font-family: sans-serif; max-width: 40em; margin: 4em auto">
        <h1>Orleans dashboard</h1>
        <p>Paste a bearer token of a handle listed in <code>Dashboard:Users</code>.</p>
        <form method="post"><input name="token" type="password" autocomplete="off" style="width: 100%" required>
        <p><button type="submit">Sign in</button></p></form>
        </body></html>
        """;
}
