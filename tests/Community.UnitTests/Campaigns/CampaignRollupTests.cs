using Community.Grains.Campaigns;
using Community.Grains.Engagement;
using Community.Grains.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Community.UnitTests.Campaigns;

public class CampaignRollupTests
{
    [Fact]
    public void A_stored_rollup_reads_back_with_the_same_sources_windows_and_heat()
    {
        var time = new FakeTimeProvider();
        var tracker = new EngagementTracker(new EngagementOptions());
        tracker.Record([4, 3, 2, 1, 1, 0], time.GetUtcNow().UtcTicks);
        var heat = new DecayingSum(TimeSpan.FromHours(1));
        heat.Add(7, time.GetUtcNow().UtcTicks);
        var rollup = new CampaignRollup
        {
            Sources = { ["post:abc"] = new CampaignSource("alice", [4, 3, 2, 1, 1, 0]) },
            Tracker = tracker.Save(),
            CreatorHeat = { ["alice"] = heat.Save() },
        };

        var read = LogJson.Read<CampaignRollup>(LogJson.Write(rollup));

        Assert.Equal("alice", read.Sources["post:abc"].Creator);
        Assert.Equal([4L, 3, 2, 1, 1, 0], read.Sources["post:abc"].Counts);
        var copy = new EngagementTracker(new EngagementOptions());
        copy.Load(read.Tracker);
        var now = time.GetUtcNow().UtcTicks;
        Assert.Equal(tracker.Heat.ValueAt(now), copy.Heat.ValueAt(now));
        Assert.Equal(3, copy.LastHour.Total(1, now));
        Assert.Equal(7, read.CreatorHeat["alice"].Value);
    }
}
