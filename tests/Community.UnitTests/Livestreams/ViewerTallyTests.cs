using Community.Grains.Livestreams;
using Microsoft.Extensions.Time.Testing;

namespace Community.UnitTests.Livestreams;

public class ViewerTallyTests
{
    private static readonly TimeSpan Expiry = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void The_room_counts_the_sum_of_every_hosts_latest_report_per_via()
    {
        var tally = new ViewerTally(Expiry);

        tally.Report("host-a", Counts(("maya", 3), ("ben", 1)), _time.GetUtcNow());
        tally.Report("host-b", Counts(("ben", 2)), _time.GetUtcNow());

        Assert.Equal(6, tally.Viewers);
        Assert.Equal((3, 3), (tally.Via("maya"), tally.Via("ben")));
    }

    [Fact]
    public void A_new_report_replaces_that_hosts_previous_one()
    {
        var tally = new ViewerTally(Expiry);
        tally.Report("host-a", Counts(("maya", 3)), _time.GetUtcNow());

        var changed = tally.Report("host-a", Counts(("maya", 1)), _time.GetUtcNow());

        Assert.True(changed);
        Assert.Equal(1, tally.Viewers);
    }

    [Fact]
    public void A_report_that_changes_nothing_says_so()
    {
        var tally = new ViewerTally(Expiry);
        tally.Report("host-a", Counts(("maya", 3)), _time.GetUtcNow());

        Assert.False(tally.Report("host-a", Counts(("maya", 3)), _time.GetUtcNow()));
    }

    [Fact]
    public void A_host_that_stops_reporting_stops_counting_once_its_report_expires()
    {
        var tally = new ViewerTally(Expiry);
        tally.Report("host-a", Counts(("maya", 3)), _time.GetUtcNow());
        tally.Report("host-b", Counts(("maya", 2)), _time.GetUtcNow());

        for (var second = 0; second < 5; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            tally.Report("host-a", Counts(("maya", 3)), _time.GetUtcNow());
            Assert.False(tally.Expire(_time.GetUtcNow()));
        }

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(tally.Expire(_time.GetUtcNow()));
        Assert.Equal(3, tally.Viewers);
    }

    [Fact]
    public void A_refreshing_host_never_expires()
    {
        var tally = new ViewerTally(Expiry);
        for (var second = 0; second < 60; second++)
        {
            tally.Report("host-a", Counts(("maya", 3)), _time.GetUtcNow());
            _time.Advance(TimeSpan.FromSeconds(1));
            tally.Expire(_time.GetUtcNow());
        }

        Assert.Equal(3, tally.Viewers);
    }

    [Fact]
    public void An_empty_report_takes_the_hosts_viewers_out_at_once()
    {
        var tally = new ViewerTally(Expiry);
        tally.Report("host-a", Counts(("maya", 3)), _time.GetUtcNow());

        tally.Report("host-a", Counts(), _time.GetUtcNow());

        Assert.Equal(0, tally.Viewers);
        Assert.Empty(tally.ByVia);
    }

    [Fact]
    public void The_peak_is_the_most_viewers_counted_at_once_and_survives_viewers_leaving()
    {
        var tally = new ViewerTally(Expiry, peak: 4);
        tally.Report("host-a", Counts(("maya", 3)), _time.GetUtcNow());
        Assert.Equal(4, tally.Peak);

        tally.Report("host-b", Counts(("maya", 4)), _time.GetUtcNow());
        tally.Report("host-b", Counts(), _time.GetUtcNow());

        Assert.Equal((3, 7L), (tally.Viewers, tally.Peak));
    }

    private static Dictionary<string, int> Counts(params (string Via, int Count)[] counts) => counts.ToDictionary(c => c.Via, c => c.Count);
}
