using Community.IntegrationTests.Infrastructure;
using Community.Posts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Community.IntegrationTests.Realtime;

public sealed class SubscriptionLimitTests
{
    [Fact]
    public async Task A_connection_that_follows_the_most_topics_it_may_is_refused_one_more_until_it_lets_one_go()
    {
        await using var host = await TestHost.StartAsync("subs-" + Guid.NewGuid().ToString("N")[..8], settings: new Dictionary<string, string?>
        {
            ["Realtime:MaxSubscriptionsPerConnection"] = "2",
        });
        var creator = ClusterFixture.Unique("cr");
        var api = await host.CreatorAsync(creator);
        var posts = new[] { await api.PublishAsync(creator, "one"), await api.PublishAsync(creator, "two"), await api.PublishAsync(creator, "three") };
        await using var fan = await host.ConnectAsync(ClusterFixture.Unique("fan"));

        await fan.InvokeAsync<CommentCatchUp>("SubscribePost", posts[0], 0L);
        await fan.InvokeAsync<CommentCatchUp>("SubscribePost", posts[1], 0L);
        await fan.InvokeAsync<CommentCatchUp>("SubscribePost", posts[1], 0L);
        var refused = await Assert.ThrowsAsync<HubException>(() => fan.InvokeAsync<CommentCatchUp>("SubscribePost", posts[2], 0L));

        Assert.Equal(400, Api.StatusOf(refused));
        Assert.Contains("at most 2", refused.Message);
        await fan.InvokeAsync("UnsubscribePost", posts[0]);
        await fan.InvokeAsync<CommentCatchUp>("SubscribePost", posts[2], 0L);
    }
}
