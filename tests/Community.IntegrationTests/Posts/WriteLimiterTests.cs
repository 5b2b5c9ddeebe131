using System.Reflection;
using Community.Errors;
using Community.Host.Hosting;
using Community.WriteBudgets;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Community.IntegrationTests.Posts;

/// <summary>The host's side of the cluster-wide write budget, with the budget grain replaced by a stand-in.</summary>
public sealed class WriteLimiterTests
{
    [Fact]
    public async Task When_the_cluster_budget_cannot_answer_the_host_limits_writes_by_its_own_bucket_instead_of_failing_them()
    {
        var budget = new Budget();
        var time = new FakeTimeProvider();
        var limiter = new WriteLimiter(Grains.Serving(budget), Options.Create(new RateLimitOptions { WritesPerSecond = 1, Burst = 3, HostLease = 5 }), time);
        budget.Fail = true;

        for (var i = 0; i < 3; i++)
        {
            await limiter.AcquireAsync("maya");
        }

        var refused = await Assert.ThrowsAsync<CommunityException>(async () => await limiter.AcquireAsync("maya"));
        Assert.Equal(ErrorKind.RateLimited, refused.Kind);
        Assert.Equal(1, budget.Calls);

        // Once the fallback ends, the cluster's budget counts again.
        budget.Fail = false;
        time.Advance(TimeSpan.FromSeconds(6));
        await limiter.AcquireAsync("maya");
        Assert.Equal(2, budget.Calls);
    }

    [Fact]
    public async Task A_host_asks_the_cluster_once_per_lease_and_remembers_a_refusal_until_it_ends()
    {
        var budget = new Budget { Tokens = 7 };
        var time = new FakeTimeProvider();
        var limiter = new WriteLimiter(Grains.Serving(budget), Options.Create(new RateLimitOptions { WritesPerSecond = 1, Burst = 30, HostLease = 5 }), time);

        for (var i = 0; i < 7; i++)
        {
            await limiter.AcquireAsync("maya");
        }

        for (var i = 0; i < 20; i++)
        {
            await Assert.ThrowsAsync<CommunityException>(async () => await limiter.AcquireAsync("maya"));
        }

        Assert.Equal(3, budget.Calls);
    }

    /// <summary>A budget grain stand-in: hands out <see cref="Tokens"/> (refusing for a second when empty), or fails like a lost silo.</summary>
    private sealed class Budget : IWriteBudgetGrain
    {
        public bool Fail { get; set; }

        public int Tokens { get; set; } = int.MaxValue;

        public int Calls { get; private set; }

        public Task<WriteGrant> Lease(int wanted, WriteBudget budget)
        {
            Calls++;
            if (Fail)
            {
                return Task.FromException<WriteGrant>(new SiloUnavailableException());
            }

            var granted = Math.Min(wanted, Tokens);
            Tokens -= granted;
            return Task.FromResult(new WriteGrant(granted, granted == 0 ? TimeSpan.FromSeconds(1) : TimeSpan.Zero));
        }
    }

    /// <summary>An <see cref="IGrainFactory"/> whose every grain is the one given.</summary>
    private class Grains : DispatchProxy
    {
        private object _grain = null!;

        public static IGrainFactory Serving(object grain)
        {
            var factory = Create<IGrainFactory, Grains>();
            ((Grains)(object)factory)._grain = grain;
            return factory;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => _grain;
    }
}
