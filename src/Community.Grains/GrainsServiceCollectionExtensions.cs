using Community.Grains.Livestreams;
using Community.Grains.Realtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Community.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>What the grains need from the silo besides storage: the clock and this silo's view of the host relays.</summary>
    public static IServiceCollection AddCommunityGrains(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RelayRegistry>();
        services.TryAddSingleton<RoomTimers>();
        return services;
    }
}
