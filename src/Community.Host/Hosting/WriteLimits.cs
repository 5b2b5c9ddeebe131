using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Threading.RateLimiting;
using Community.Errors;
using Community.Host.Auth;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Community.Host.Hosting;

/// <summary>Section <c>RateLimits</c>: how fast one user may write (comments, reactions, messages) through one host.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Sustained writes per second per user.</summary>
    [Range(1, 100_000)]
    public int WritesPerSecond { get; set; } = 10;

    /// <summary>Writes a user may send at once before the sustained rate applies.</summary>
    [Range(1, 100_000)]
    public int Burst { get; set; } = 30;
}

/// <summary>Marks a hub method as a write that counts against the caller's rate limit.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RateLimitedWriteAttribute : Attribute;

/// <summary>
/// One token bucket per user, shared by the REST endpoints and the hub methods that write, so a flood is
/// refused the same way on both: 429 with the seconds to wait (<c>Retry-After</c>).
/// </summary>
public sealed class WriteLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public WriteLimiter(IOptions<RateLimitOptions> options)
    {
        var o = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(user => RateLimitPartition.GetTokenBucketLimiter(user, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = o.Burst,
            TokensPerPeriod = o.WritesPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    public void Acquire(string user)
    {
        using var lease = _limiter.AttemptAcquire(user);
        if (!lease.IsAcquired)
        {
            var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
            WriteLimitMetrics.Refusals.Add(1);
            throw CommunityException.RateLimited($"You are writing too fast; wait {Math.Max(1, Math.Ceiling(wait.TotalSeconds))} s.", wait);
        }
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>Applies the write limit to a REST endpoint: <c>.AddEndpointFilter&lt;WriteLimitFilter&gt;()</c>.</summary>
public sealed class WriteLimitFilter(WriteLimiter limiter) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.HttpContext.User.Identity?.IsAuthenticated == true)
        {
            limiter.Acquire(context.HttpContext.User.Handle());
        }

        return next(context);
    }
}

/// <summary>Applies the write limit to hub methods marked <see cref="RateLimitedWriteAttribute"/>.</summary>
public sealed class HubWriteLimitFilter(WriteLimiter limiter) : IHubFilter
{
    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (invocationContext.HubMethod.GetCustomAttribute<RateLimitedWriteAttribute>() is not null)
        {
            limiter.Acquire(invocationContext.Context.User!.Handle());
        }

        return next(invocationContext);
    }
}

public static class WriteLimitExtensions
{
    public static WebApplicationBuilder AddCommunityWriteLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<WriteLimiter>();
        return builder;
    }
}

/// <summary>Meter <c>Community.RateLimits</c>: writes refused with 429 (HTTP) or a hub error naming 429.</summary>
public static class WriteLimitMetrics
{
    public const string MeterName = "Community.RateLimits";
    private static readonly System.Diagnostics.Metrics.Meter Meter = new(MeterName);

    public static readonly System.Diagnostics.Metrics.Counter<long> Refusals =
        Meter.CreateCounter<long>("community.ratelimit.refusals", description: "Writes refused because the user's token bucket was empty.");
}
