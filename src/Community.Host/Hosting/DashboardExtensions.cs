using System.ComponentModel.DataAnnotations;
using Community.Host.Auth;
using Orleans.Dashboard;

namespace Community.Host.Hosting;

/// <summary>Section <c>Dashboard</c>: the Orleans dashboard (grains, silos, calls, reminders).</summary>
public sealed class DashboardHostOptions
{
    public const string Section = "Dashboard";

    public bool Enabled { get; set; } = true;

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
        }
        else
        {
            dashboard.RequireAuthorization(Policy);
        }

        return app;
    }
}
