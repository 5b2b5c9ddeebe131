using Community.LoadTests.Client;
using Community.LoadTests.Client.Raw;
using Community.LoadTests.Tests.Smoke;

namespace Community.LoadTests.Tests.Client.Raw;

public class StalledHubClientTests
{
    [Fact]
    public async Task A_stalled_client_that_the_server_cuts_off_is_reported_as_closed_by_the_server_though_it_never_read()
    {
        await using var peer = await InProcessPeer.StartAsync();
        using var http = new HttpClient { BaseAddress = peer.Url };
        var api = new CommunityApi(http);
        var hostToken = await api.IssueDevTokenAsync("stalledhost", CancellationToken.None);
        var liveId = await api.CreateLivestreamAsync(hostToken, "stalled", CancellationToken.None);
        await api.StartLivestreamAsync(liveId, hostToken, CancellationToken.None);
        await using var stalled = await StalledHubClient.JoinLiveAsync(
            peer.Url, await api.IssueDevTokenAsync("stalled", CancellationToken.None), liveId, CancellationToken.None);

        await peer.StopAsync(grace: TimeSpan.FromSeconds(1));
        var end = await stalled.CheckClosedAsync(TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.True(end.ClosedByServer, "the server shut down, yet the client was reported open");
        Assert.False(string.IsNullOrEmpty(end.Reason));
    }
}
