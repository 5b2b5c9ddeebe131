using Community.LoadTests.Scenarios;

namespace Community.LoadTests.Tests.Smoke;

public class CampaignSmokeTests
{
    private static readonly CampaignSettings Campaign = new(Creators: 2, PostsPerCreator: 2, Fans: 3);

    [Fact]
    public async Task Against_the_bare_SignalR_peer_every_acknowledged_share_is_stored_and_reaches_the_brand()
    {
        await using var peer = await InProcessPeer.StartAsync();

        var report = await Tiny.RunAsync(new CampaignScenario(Campaign, Tiny.Context(peer), Tiny.Run));

        Assert.True(report.Completed, report.Failure);
        var figures = Assert.IsType<CampaignFigures>(report.Extra);
        var phase = Assert.Single(report.Phases);
        Assert.Equal(phase.Sends.Acked, figures.AckedShares);
        Assert.Equal(0, figures.Lost);
        Assert.Equal(0, figures.Duplicated);
        Assert.Equal(figures.AckedShares, figures.CampaignTotalShares);
        Assert.Equal(figures.AckedShares, figures.LastSnapshotShares);
        Assert.Equal(figures.AckedShares, figures.UpdateLatencyMs.Count);
        Assert.Equal(0, figures.SnapshotsGoingBackwards);
        Assert.True(report.Passed);
    }

    [Fact]
    public async Task A_share_not_counted_and_one_counted_twice_are_reported_as_exactly_one_lost_and_one_duplicated()
    {
        await using var peer = await InProcessPeer.StartAsync(new DropOneDuplicateOneReorderOne());

        var report = await Tiny.RunAsync(new CampaignScenario(Campaign, Tiny.Context(peer), Tiny.Run));

        Assert.True(report.Completed, report.Failure);
        var figures = Assert.IsType<CampaignFigures>(report.Extra);
        Assert.Equal(1, figures.Lost);
        Assert.Equal(1, figures.Duplicated);
        Assert.False(report.Passed);
    }
}
