using Community.Grains.WriteBudgets;
using Community.WriteBudgets;
using Microsoft.Extensions.Time.Testing;

namespace Community.UnitTests.WriteBudgets;

public sealed class WriteBucketTests
{
    [Fact]
    public void A_full_bucket_grants_up_to_its_burst_then_refuses_with_the_time_until_the_next_token()
    {
        var time = new FakeTimeProvider();
        var bucket = new WriteBucket(new WriteBudget(Burst: 12, PerSecond: 2), time);

        Assert.Equal(5, bucket.Take(5).Granted);
        Assert.Equal(5, bucket.Take(5).Granted);
        Assert.Equal(2, bucket.Take(5).Granted);
        var refused = bucket.Take(5);

        Assert.Equal(0, refused.Granted);
        Assert.Equal(TimeSpan.FromMilliseconds(500), refused.RetryAfter);
    }

    [Fact]
    public void Tokens_come_back_at_the_rate_however_often_the_bucket_is_asked()
    {
        var time = new FakeTimeProvider();
        var bucket = new WriteBucket(new WriteBudget(Burst: 10, PerSecond: 10), time);
        Assert.Equal(10, bucket.Take(10).Granted);

        var granted = 0;
        for (var i = 0; i < 40; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(25));
            granted += bucket.Take(5).Granted;
        }

        Assert.Equal(10, granted);
    }

    [Fact]
    public void An_idle_bucket_refills_to_its_burst_and_no_further()
    {
        var time = new FakeTimeProvider();
        var bucket = new WriteBucket(new WriteBudget(Burst: 30, PerSecond: 10), time);
        Assert.Equal(30, bucket.Take(30).Granted);

        time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(30, bucket.Take(100).Granted);
        Assert.Equal(0, bucket.Take(1).Granted);
    }
}
