using Community.Host.Api;
using Community.Host.Auth;
using Community.Host.Hubs;
using Community.Host.Pages;
using Community.Host.Realtime;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Community.Host.Hosting;

/// <summary>Builds the whole host: silo, web API and hub. Tests build real hosts through the same method.</summary>
public static class CommunityApp
{
    public const string HubPath = "/hubs/community";

    /// <summary>The largest message a hub client may send.</summary>
    public const int MaxHubMessageBytes = 32 * 1024;

    /// <summary>The largest HTTP request body (Kestrel's limit): 413 past it.</summary>
    public const int MaxRequestBodyBytes = 64 * 1024;

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.AddCommunityTelemetry();
        builder.AddCommunityErrors();
        builder.AddCommunitySilo();
        builder.AddCommunityAuth();
        builder.AddCommunityWriteLimits();
        builder.AddCommunityRealtime();
        builder.AddCommunityLivestreams();
        builder.AddCommunityHealth();
        builder.AddCommunityEngagement();
        builder.AddCommunityOpenApi();
        builder.AddCommunityDashboardAccess();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCommunityPages();
        app.UseWebSockets();
        app.UseCommunityDashboardSession();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseCommunityWriteLimits();

        app.MapHealthApi();
        app.MapDevTokenApi();
        app.MapCreatorsApi();
        app.MapPostsApi();
        app.MapConversationsApi();
        app.MapRepliesApi();
        app.MapCampaignsApi();
        app.MapLivestreamsApi();
        // A connection lasts no longer than its token: it is closed when the token expires, and reconnects with a fresh one.
        app.MapHub<CommunityHub>(HubPath, o => o.CloseOnAuthenticationExpiration = true);
        app.MapCommunityOpenApi();
        app.MapCommunityTelemetry();
        app.MapCommunityDashboard();
        app.MapCommunityPages();
        return app;
    }

    private static WebApplicationBuilder AddCommunityRealtime(this WebApplicationBuilder builder)
    {
        builder.Services.AddSignalR(o =>
        {
            // One byte over the limit, so that WordedJsonHubProtocol sees an over-long message and words the refusal.
            o.MaximumReceiveMessageSize = MaxHubMessageBytes + 1;
            // Safe because HubErrorFilter turns every method failure into a worded HubException; what this adds is
            // the reason a connection was closed (such as a message over the size limit), which clients need.
            o.EnableDetailedErrors = true;
            o.AddFilter<HubErrorFilter>();
            o.AddFilter<HubConnectionLimitFilter>();
            o.AddFilter<HubWriteLimitFilter>();
        });
        // The JSON protocol, with argument-binding failures worded like every other hub error.
        builder.Services.RemoveAll<IHubProtocol>();
        builder.Services.AddSingleton<IHubProtocol>(sp => new WordedJsonHubProtocol(sp.GetRequiredService<IOptions<JsonHubProtocolOptions>>(), typeof(CommunityHub), MaxHubMessageBytes));
        builder.Services.AddSingleton<HubConnectionLimitFilter>();
        builder.Services.AddSingleton<CatchUpLimit>();
        builder.Services.AddOptions<RealtimeOptions>().BindConfiguration(RealtimeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<RealtimeMetrics>();
        builder.Services.AddSingleton<DeliveryLanes>();
        // Every event from grains leaves through the connections' outboxes; the default manager keeps serving the hub itself.
        builder.Services.AddSingleton<RealtimeConnections>();
        builder.Services.AddSingleton<HubLifetimeManager<CommunityHub>>(sp => sp.GetRequiredService<RealtimeConnections>());
        builder.Services.AddSingleton<HostRelay>();
        builder.Services.AddHostedService<StaleConnectionSweeper>();
        // Registered after the silo so it starts once the silo takes calls, and before Kestrel takes connections.
        builder.Services.AddHostedService<RelayRegistration>();
        return builder;
    }
}
