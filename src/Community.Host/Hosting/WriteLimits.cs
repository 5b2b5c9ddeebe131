using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Community.Errors;
using Community.Grains.WriteBudgets;
using Community.Host.Auth;
using Community.WriteBudgets;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Community.Host.Hosting;

/// <summary>Section <c>RateLimits</c>: how fast one user may write, across the whole cluster.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Sustained writes per second per user.</summary>
    [Range(1, 100_000)]
    public int WritesPerSecond { get; set; } = 10;

    /// <summary>Writes a user may send at once before the sustained rate applies.</summary>
    [Range(1, 100_000)]
    public int Burst { get; set; } = 30;

    /// <summary>
    /// Tokens a host takes from the user's cluster-wide bucket at once. A host holds at most <c>HostLease − 1</c> unused
    /// tokens per user, so across N hosts a user may get or lose up to N × (HostLease − 1) writes against the budget.
    /// </summary>
    [Range(1, 100)]
    public int HostLease { get; set; } = 5;
}

/// <summary>Marks a hub method that only reads or (un)subscribes: it does not count against the caller's write limit.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class HubReadAttribute : Attribute;

/// <summary>
/// One cluster-wide token bucket per user (<see cref="IWriteBudgetGrain"/>), shared by every REST write and every hub
/// method not marked <see cref="HubReadAttribute"/>, so a flood is refused the same way everywhere and through any
/// host: 429 with the seconds to wait (<c>Retry-After</c>). Each host leases a few tokens at a time and remembers a
/// refusal until the wait is over, so most writes and every refused one cost no grain call.
/// </summary>
public sealed class WriteLimiter(IGrainFactory grains, IOptions<RateLimitOptions> options, TimeProvider time)
{
    /// <summary>Unused leased tokens are dropped after this long, so an idle user's entry can be forgotten.</summary>
    internal static readonly TimeSpan LeaseLifetime = TimeSpan.FromSeconds(2);

    /// <summary>How long a lease request may take before this host counts the user's writes on its own for a while.</summary>
    internal static readonly TimeSpan LeaseTimeout = TimeSpan.FromSeconds(2);

    /// <summary>After the budget grain failed to answer, how long this host limits the user by its own bucket.</summary>
    internal static readonly TimeSpan FallbackFor = TimeSpan.FromSeconds(5);
    private const int SweepEvery = 4_096;

    private readonly RateLimitOptions _options = options.Value;
    private readonly WriteBudget _budget = new(options.Value.Burst, options.Value.WritesPerSecond);
    private readonly ConcurrentDictionary<string, HostLease> _leases = new(StringComparer.Ordinal);
    private int _acquisitions;

    public async ValueTask AcquireAsync(string user)
    {
        if (Interlocked.Increment(ref _acquisitions) % SweepEvery == 0)
        {
            Sweep();
        }

        var lease = _leases.GetOrAdd(user, static _ => new HostLease());
        if (lease.TryTake(time.GetUtcNow(), out var refusedFor))
        {
            return;
        }

        if (refusedFor is null)
        {
            // One lease request per user and host at a time; writes racing it wait and share what it brings.
            await lease.Gate.WaitAsync();
            try
            {
                if (lease.TryTake(time.GetUtcNow(), out refusedFor))
                {
                    return;
                }

                if (refusedFor is null)
                {
                    var grant = await LeaseAsync(user, lease);
                    if (lease.Fill(grant, time.GetUtcNow()))
                    {
                        return;
                    }

                    refusedFor = grant.RetryAfter;
                }
            }
            finally
            {
                lease.Gate.Release();
            }
        }

        WriteLimitMetrics.Refusals.Add(1);
        var wait = refusedFor.Value;
        throw CommunityException.RateLimited($"You are writing too fast; wait {Math.Max(1, Math.Ceiling(wait.TotalSeconds))} s.", wait);
    }

    /// <summary>
    /// Tokens from the user's cluster-wide bucket; while its grain cannot answer (its silo just died, storage of the
    /// cluster is failing over), from a bucket of this host's own, so the limiter never fails or stalls a write itself.
    /// </summary>
    private async Task<WriteGrant> LeaseAsync(string user, HostLease lease)
    {
        if (lease.InFallback(time.GetUtcNow()) is { } local)
        {
            return local.Take(_options.HostLease);
        }

        try
        {
            return await grains.GetGrain<IWriteBudgetGrain>(user).Lease(_options.HostLease, _budget).WaitAsync(LeaseTimeout, time);
        }
        catch (Exception ex) when (ex is not CommunityException)
        {
            WriteLimitMetrics.Fallbacks.Add(1);
            return lease.StartFallback(time.GetUtcNow() + FallbackFor, _budget, time).Take(_options.HostLease);
        }
    }

    private void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var (user, lease) in _leases)
        {
            if (lease.IsIdle(now))
            {
                _leases.TryRemove(new KeyValuePair<string, HostLease>(user, lease));
            }
        }
    }

    /// <summary>The tokens this host holds for one user, or the time until which the cluster refused them.</summary>
    private sealed class HostLease
    {
        private readonly Lock _lock = new();
        private int _tokens;
        private DateTimeOffset _expiresAt;
        private DateTimeOffset _refusedUntil;
        private DateTimeOffset _fallbackUntil;
        private WriteBucket? _local;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        /// <summary>Takes a held token; otherwise says how long a known refusal still holds (null: ask the cluster).</summary>
        public bool TryTake(DateTimeOffset now, out TimeSpan? refusedFor)
        {
            lock (_lock)
            {
                refusedFor = now < _refusedUntil ? _refusedUntil - now : null;
                if (_tokens > 0 && now < _expiresAt)
                {
                    _tokens--;
                    return true;
                }

                return false;
            }
        }

        /// <summary>Keeps a grant, taking one token of it for the write at hand; false when nothing was granted.</summary>
        public bool Fill(WriteGrant grant, DateTimeOffset now)
        {
            lock (_lock)
            {
                if (grant.Granted <= 0)
                {
                    _refusedUntil = now + grant.RetryAfter;
                    return false;
                }

                _tokens = grant.Granted - 1;
                _expiresAt = now + LeaseLifetime;
                return true;
            }
        }

        public bool IsIdle(DateTimeOffset now)
        {
            lock (_lock)
            {
                return now >= _expiresAt && now >= _refusedUntil && now >= _fallbackUntil && Gate.CurrentCount == 1;
            }
        }

        /// <summary>This host's own bucket while the cluster's cannot be reached; null otherwise.</summary>
        public WriteBucket? InFallback(DateTimeOffset now)
        {
            lock (_lock)
            {
                return now < _fallbackUntil ? _local : null;
            }
        }

        public WriteBucket StartFallback(DateTimeOffset until, WriteBudget budget, TimeProvider time)
        {
            lock (_lock)
            {
                _fallbackUntil = until;
                return _local ??= new WriteBucket(budget, time);
            }
        }
    }
}

/// <summary>
/// Applies the write limit to every REST write: any authenticated <c>/api/</c> call that is not GET, HEAD or OPTIONS
/// counts, so a new write endpoint is limited without anyone remembering to.
/// </summary>
public sealed class WriteLimitMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, WriteLimiter limiter)
    {
        var request = context.Request;
        if (context.User.Identity?.IsAuthenticated == true
            && request.Path.StartsWithSegments("/api", StringComparison.Ordinal)
            && !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
            && context.GetEndpoint() is not null)
        {
            await limiter.AcquireAsync(context.User.Handle());
        }

        await next(context);
    }
}

/// <summary>Applies the write limit to every hub method not marked <see cref="HubReadAttribute"/>.</summary>
public sealed class HubWriteLimitFilter(WriteLimiter limiter) : IHubFilter
{
    // Whether each hub method is a write, looked up once per method rather than by reflection on every call.
    private static readonly ConcurrentDictionary<MethodInfo, bool> Writes = new();

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (Writes.GetOrAdd(invocationContext.HubMethod, static method => method.GetCustomAttribute<HubReadAttribute>() is null))
        {
            await limiter.AcquireAsync(invocationContext.Context.User!.Handle());
        }

        return await next(invocationContext);
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

    /// <summary>After authentication: the caller's handle decides the bucket.</summary>
    public static IApplicationBuilder UseCommunityWriteLimits(this IApplicationBuilder app) => app.UseMiddleware<WriteLimitMiddleware>();
}

/// <summary>Meter <c>Community.RateLimits</c>: writes refused with 429 (HTTP) or a hub error naming 429.</summary>
public static class WriteLimitMetrics
{
    public const string MeterName = "Community.RateLimits";
    private static readonly System.Diagnostics.Metrics.Meter Meter = new(MeterName);

    public static readonly System.Diagnostics.Metrics.Counter<long> Refusals =
        Meter.CreateCounter<long>("community.ratelimit.refusals", description: "Writes refused because the user's token bucket was empty.");

    public static readonly System.Diagnostics.Metrics.Counter<long> Fallbacks =
        Meter.CreateCounter<long>("community.ratelimit.fallbacks", description: "Lease requests the cluster-wide budget did not answer in time; the host limited the user on its own for a few seconds.");
}
