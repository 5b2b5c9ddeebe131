using Community.IntegrationTests.Infrastructure;
using Community.IntegrationTests.Livestreams;
using Community.Livestreams;
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

    [Fact]
    public async Task A_users_connection_beyond_the_limit_is_closed_with_an_error_naming_it_and_others_are_unaffected()
    {
        await using var host = await TestHost.StartAsync("conns-" + Guid.NewGuid().ToString("N")[..8], settings: new Dictionary<string, string?>
        {
            ["Realtime:MaxConnectionsPerUser"] = "2",
        });
        var user = ClusterFixture.Unique("tabs");
        var first = await host.ConnectAsync(user);
        await using var second = await host.ConnectAsync(user);

        var error = await RefusedAsync(host, user);
        await using var someoneElse = await host.ConnectAsync(ClusterFixture.Unique("other"));
        await first.DisposeAsync();
        await using var again = await host.ConnectAsync(user);

        Assert.Contains("429", error);
        Assert.Contains("MaxConnectionsPerUser", error);
        Assert.Equal(HubConnectionState.Connected, second.State);
        await again.InvokeAsync("UnwatchCreator", user);
        await someoneElse.InvokeAsync("UnwatchCreator", user);
    }

    [Fact]
    public async Task A_catch_up_returns_about_its_byte_budget_and_the_client_pages_the_rest_with_afterSeq()
    {
        await using var host = await TestHost.StartAsync("catchup-" + Guid.NewGuid().ToString("N")[..8], settings: new Dictionary<string, string?>
        {
            ["Realtime:MaxCatchUpBytes"] = "4096",
        });
        var creator = ClusterFixture.Unique("cr");
        var api = await host.CreatorAsync(creator);
        var postId = await api.PublishAsync(creator);
        var room = await api.CreateLiveAsync();
        await api.LiveActionAsync(room.LiveId, "start");
        for (var i = 0; i < 10; i++)
        {
            await api.CommentAsync(postId, new string((char)('a' + i), 1_000));
            await api.ChatAsync(room.LiveId, new string((char)('a' + i), 1_000));
        }

        await using var fan = await host.ConnectAsync(ClusterFixture.Unique("fan"));
        var comments = new List<Comment>();
        var pages = 0;
        CommentCatchUp page;
        do
        {
            page = await fan.InvokeAsync<CommentCatchUp>("SubscribePost", postId, comments.Count == 0 ? 0L : comments[^1].Seq);
            comments.AddRange(page.Missed);
            pages++;
        }
        while (page.HasMore);

        var chat = new List<ChatMessage>();
        LiveJoin joined;
        do
        {
            joined = await fan.JoinLiveAsync(room.LiveId, null, chat.Count == 0 ? 0L : chat[^1].Seq);
            chat.AddRange(joined.Missed);
        }
        while (joined.HasMore);

        Assert.InRange(pages, 3, 10);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), comments.Select(c => c.Seq));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), chat.Select(m => m.Seq));
    }

    /// <summary>Connects as <paramref name="user"/> and returns the error the server closes the connection with.</summary>
    private static async Task<string> RefusedAsync(TestHost host, string user)
    {
        var token = await host.TokenAsync(user);
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(host.BaseAddress, Community.Host.Hosting.CommunityApp.HubPath), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += ex =>
        {
            closed.TrySetResult(ex);
            return Task.CompletedTask;
        };
        try
        {
            await connection.StartAsync();
        }
        catch (Exception ex)
        {
            return ex.Message;
        }

        var error = await closed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        return error?.Message ?? "closed without an error";
    }
}
