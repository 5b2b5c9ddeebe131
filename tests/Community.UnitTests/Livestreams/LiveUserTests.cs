using Community.Errors;
using Community.Grains.Livestreams;
using Microsoft.Extensions.Time.Testing;

namespace Community.UnitTests.Livestreams;

public class LiveUserTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_user_without_restrictions_may_chat()
    {
        LiveUser.None.EnsureMayChat(_time.GetUtcNow());
    }

    [Fact]
    public void A_banned_user_is_refused_as_forbidden_with_no_time_to_retry()
    {
        var ex = Assert.Throws<CommunityException>(() => (LiveUser.None with { Banned = true }).EnsureMayChat(_time.GetUtcNow()));

        Assert.Equal(ErrorKind.Forbidden, ex.Kind);
        Assert.Null(ex.RetryAfter);
        Assert.Contains("banned", ex.Message);
    }

    [Fact]
    public void A_timed_out_user_is_told_when_they_may_write_again()
    {
        var until = _time.GetUtcNow().AddMinutes(10);
        var user = LiveUser.None with { TimeoutUntil = until };

        _time.Advance(TimeSpan.FromMinutes(4));
        var ex = Assert.Throws<CommunityException>(() => user.EnsureMayChat(_time.GetUtcNow()));

        Assert.Equal(ErrorKind.RateLimited, ex.Kind);
        Assert.Equal(TimeSpan.FromMinutes(6), ex.RetryAfter);
        Assert.Contains("write again in 6 min", ex.Message);
    }

    [Fact]
    public void A_timeout_ends_by_itself()
    {
        var user = LiveUser.None with { TimeoutUntil = _time.GetUtcNow().AddSeconds(30) };

        _time.Advance(TimeSpan.FromSeconds(30));

        user.EnsureMayChat(_time.GetUtcNow());
    }

    [Fact]
    public void A_users_row_keeps_the_hosts_they_chatted_through_and_their_restrictions_but_not_whether_it_is_stored()
    {
        var user = new LiveUser { Vias = ["maya", "ben"], Banned = true, Stored = true };

        var json = Community.Grains.Storage.LogJson.Write(user);
        var read = Community.Grains.Storage.LogJson.Read<LiveUser>(json);

        Assert.Equal(["maya", "ben"], read.Vias);
        Assert.True(read.Banned);
        Assert.False(read.Stored);
        Assert.DoesNotContain("stored", json);
    }
}
