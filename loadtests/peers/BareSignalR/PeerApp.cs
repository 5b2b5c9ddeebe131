using Microsoft.AspNetCore.Http.Connections;

namespace Community.LoadTests.Peers.BareSignalR;

/// <summary>The whole peer: SignalR with its defaults, the relay hub on Community's path, and the REST stubs.</summary>
public static class PeerApp
{
    public const string HubPath = "/hubs/community";
    public const string DefaultUrl = "http://127.0.0.1:5091";

    /// <param name="args">Command-line configuration (<c>--urls</c> and so on).</param>
    /// <param name="configureServices">Lets a test replace services, e.g. <see cref="IDeliveryFaults"/>.</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSignalR();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PeerState>();
        builder.Services.AddSingleton<Membership>();
        builder.Services.AddSingleton<IDeliveryFaults, NoFaults>();
        builder.Services.AddSingleton<HeldDeliveries>();
        builder.Services.AddHostedService<CampaignPusher>();
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseWebSockets();
        app.MapHub<RelayHub>(HubPath, o => o.Transports = HttpTransportType.WebSockets);
        app.MapRestStubs();
        return app;
    }
}
