using Community.Grains.Engagement;

namespace Community.Host.Hosting;

public static class EngagementHostingExtensions
{
    /// <summary>Binds and validates section <c>Engagement</c> (heat weights, half-life, push and roll-up intervals) at start.</summary>
    public static WebApplicationBuilder AddCommunityEngagement(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EngagementOptions>().BindConfiguration(EngagementOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }
}
