using Community.Grains.Storage;
using Community.Realtime;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Community.Host.Api;

public static class HealthApi
{
    private const string Ready = "ready";

    public static WebApplicationBuilder AddCommunityHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<SiloCheck>("silo", tags: [Ready])
            .AddCheck<StorageHealthCheck>("storage", tags: [Ready]);
        return builder;
    }

    /// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: the silo takes grain calls and storage answers.</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        // Route handlers rather than MapHealthChecks so both appear in the OpenAPI document with their answers.
        var health = app.MapGroup("/health").AllowAnonymous().WithTags("Health");
        health.MapGet("/live", async (HealthCheckService checks, CancellationToken cancel) => Report(await checks.CheckHealthAsync(_ => false, cancel)))
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
        health.MapGet("/ready", async (HealthCheckService checks, CancellationToken cancel) => Report(await checks.CheckHealthAsync(c => c.Tags.Contains(Ready), cancel)))
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .Produces<string>(StatusCodes.Status503ServiceUnavailable, "text/plain");
        return app;
    }

    // The same answers as the health-check middleware: "Healthy" (200), "Degraded" (200) or "Unhealthy" (503), no caching.
    private static IResult Report(HealthReport report)
    {
        var status = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        return new HealthResult(report.Status.ToString(), status);
    }

    private sealed class HealthResult(string text, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.Headers.CacheControl = "no-store, no-cache";
            httpContext.Response.ContentType = "text/plain";
            return httpContext.Response.WriteAsync(text);
        }
    }

    private sealed class SiloCheck(IGrainFactory grains) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await grains.GetGrain<IRelayDirectoryGrain>(0).Get().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex)
            {
                return HealthCheckResult.Unhealthy("The silo does not take grain calls.", ex);
            }
        }
    }

    private sealed class StorageHealthCheck(ILogStoreFactory stores) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                await stores.PingAsync(timeout.Token);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex)
            {
                return HealthCheckResult.Unhealthy("Storage does not answer.", ex);
            }
        }
    }
}
