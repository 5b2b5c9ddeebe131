using Community.Grains.Livestreams;
using Community.Host.Realtime;

namespace Community.Host.Hosting;

public static class LivestreamsExtensions
{
    /// <summary>Livestream options (section <c>Livestreams</c>, validated at start), this host's viewer ledger and its reporter.</summary>
    public static WebApplicationBuilder AddCommunityLivestreams(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LivestreamOptions>().BindConfiguration(LivestreamOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.PresenceExpiry >= 2 * o.PresenceReportInterval,
                "Livestreams:PresenceExpiry must be at least twice Livestreams:PresenceReportInterval, or live hosts' viewers would flicker out between reports.")
            .ValidateOnStart();
        builder.Services.AddSingleton<LocalViewers>();
        builder.Services.AddHostedService<LiveViewersReporter>();
        return builder;
    }
}
