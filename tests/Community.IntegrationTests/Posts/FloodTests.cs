using System.Net;
using System.Net.Http.Json;
using Community.IntegrationTests.Infrastructure;
using Community.Posts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Community.IntegrationTests.Posts;

public sealed class FloodTests
{
    [Fact]
    public async Task A_user_who_writes_faster_than_the_limit_gets_429_with_Retry_After_and_other_users_are_unaffected()
    {
        await using var host = await TestHost.StartAsync("flood-" + Guid.NewGuid().ToString("N")[..8], settings: new Dictionary<string, string?>
        {
            ["RateLimits:WritesPerSecond"] = "1",
            ["RateLimits:Burst"] = "5",
        });
        var creator = ClusterFixture.Unique("cr");
        var postId = await (await host.CreatorAsync(creator)).PublishAsync(creator);
        var flooder = await host.ClientAsync(ClusterFixture.Unique("bot"));
        await using var flooderHub = await host.ConnectAsync(ClusterFixture.Unique("bot"));
        var calm = await host.ClientAsync(ClusterFixture.Unique("fan"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => flooder.PostAsJsonAsync($"/api/posts/{postId}/comments", new { text = $"spam {i}" })));
        var hubErrors = new List<HubException>();
        for (var i = 0; i < 8; i++)
        {
            try
            {
                await flooderHub.InvokeAsync<Comment>("Comment", postId, $"hub spam {i}", null, null);
            }
            catch (HubException ex)
            {
                hubErrors.Add(ex);
            }
        }

        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.InRange(responses.Count(r => r.StatusCode == HttpStatusCode.Created), 5, 6);
        Assert.NotEmpty(refused);
        Assert.True(refused[0].Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Contains("too fast", await refused[0].ProblemAsync(HttpStatusCode.TooManyRequests));
        Assert.NotEmpty(hubErrors);
        Assert.All(hubErrors, e => Assert.Equal(429, Api.StatusOf(e)));
        await calm.CommentAsync(postId, "I can still talk");
    }
}
