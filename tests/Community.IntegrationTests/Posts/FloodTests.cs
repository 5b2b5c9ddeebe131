using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Community.Conversations;
using Community.IntegrationTests.Infrastructure;
using Community.IntegrationTests.Livestreams;
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

    [Fact]
    public async Task Writes_through_two_hosts_of_one_cluster_share_one_budget_and_a_refused_comment_is_not_stored()
    {
        var settings = new Dictionary<string, string?> { ["RateLimits:WritesPerSecond"] = "1", ["RateLimits:Burst"] = "10" };
        var clusterId = "flood2-" + Guid.NewGuid().ToString("N")[..8];
        await using var a = await TestHost.StartAsync(clusterId, settings: settings);
        await using var b = await TestHost.StartAsync(clusterId, settings: settings);
        var creator = ClusterFixture.Unique("cr");
        var postId = await (await a.CreatorAsync(creator)).PublishAsync(creator);
        var fan = ClusterFixture.Unique("fan");
        var onA = await a.ClientAsync(fan);
        var onB = await b.ClientAsync(fan);

        var clock = Stopwatch.StartNew();
        var statuses = new List<(bool ThroughB, HttpStatusCode Status)>();
        for (var i = 0; i < 40; i++)
        {
            var response = await (i % 2 == 0 ? onA : onB).PostAsJsonAsync($"/api/posts/{postId}/comments", new { text = $"comment {i}" });
            statuses.Add((i % 2 == 1, response.StatusCode));
        }

        var elapsed = clock.Elapsed;
        Assert.All(statuses, s => Assert.True(s.Status is HttpStatusCode.Created or HttpStatusCode.TooManyRequests, $"unexpected {s.Status}"));
        var created = statuses.Count(s => s.Status == HttpStatusCode.Created);
        // One budget for the cluster: the burst plus what refilled meanwhile, less what a host leased and has not used yet
        // (at most HostLease − 1 = 4 per host). Each host on its own budget would have let through at least 20.
        Assert.InRange(created, 10 - (2 * 4), 10 + (int)Math.Ceiling(elapsed.TotalSeconds));
        Assert.Contains(statuses, s => s.ThroughB && s.Status == HttpStatusCode.TooManyRequests);
        Assert.Contains(statuses, s => !s.ThroughB && s.Status == HttpStatusCode.TooManyRequests);
        var stored = await onB.GetFromJsonAsync<CommentPage>($"/api/posts/{postId}/comments?limit=200", Api.Json);
        Assert.Equal(created, stored!.Items.Count);
    }

    [Fact]
    public async Task Every_kind_of_write_counts_against_the_budget_and_a_refused_one_changes_nothing()
    {
        await using var host = await TestHost.StartAsync("flood3-" + Guid.NewGuid().ToString("N")[..8], settings: new Dictionary<string, string?>
        {
            ["RateLimits:WritesPerSecond"] = "1",
            ["RateLimits:Burst"] = "4",
        });
        var creator = ClusterFixture.Unique("cr");
        await host.CreatorAsync(creator);
        var invitee = ClusterFixture.Unique("inv");
        await host.CreatorAsync(invitee);

        // Editing one's profile: the refused edit leaves the last accepted name.
        var editor = ClusterFixture.Unique("ed");
        var editorClient = await host.ClientAsync(editor);
        var lastAccepted = "";
        var edits = await RepeatAsync(async i =>
        {
            var r = await editorClient.PutAsJsonAsync($"/api/creators/{editor}", new { displayName = $"Name {i}", niches = new[] { "food" } });
            lastAccepted = r.StatusCode == HttpStatusCode.OK ? $"Name {i}" : lastAccepted;
            return (int)r.StatusCode;
        });
        AssertRefused(edits, "profile edits");
        var profile = await editorClient.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/creators/{editor}", Api.Json);
        Assert.Equal(lastAccepted, profile.GetProperty("displayName").GetString());

        var follower = await host.ClientAsync(ClusterFixture.Unique("fo"));
        AssertRefused(await RepeatAsync(async i => (int)(i % 2 == 0
            ? await follower.PutAsync($"/api/creators/{creator}/followers/me", null)
            : await follower.DeleteAsync($"/api/creators/{creator}/followers/me")).StatusCode), "follows");

        var opener = await host.ClientAsync(ClusterFixture.Unique("op"));
        var friend = ClusterFixture.Unique("fr");
        AssertRefused(await RepeatAsync(async i => (int)(await opener.PostAsJsonAsync("/api/conversations", new { with = friend })).StatusCode), "opening conversations");

        var brand = await host.ClientAsync(ClusterFixture.Unique("br"));
        AssertRefused(await RepeatAsync(async i => (int)(await brand.PostAsJsonAsync("/api/campaigns", new { name = $"c{i}", creators = new[] { creator } })).StatusCode), "campaigns");

        var streamer = ClusterFixture.Unique("st");
        var streamerClient = await host.CreatorAsync(streamer);
        var liveId = (await streamerClient.CreateLiveAsync()).LiveId;
        AssertRefused(await RepeatAsync(async i => (int)(await streamerClient.PostAsJsonAsync($"/api/livestreams/{liveId}/invites", new { handle = invitee })).StatusCode), "invites");

        var moderator = ClusterFixture.Unique("mo");
        var moderatorClient = await host.CreatorAsync(moderator);
        var moderatedId = (await moderatorClient.CreateLiveAsync()).LiveId;
        AssertRefused(await RepeatAsync(async i => (int)(await moderatorClient.PostAsJsonAsync($"/api/livestreams/{moderatedId}/moderation", new { action = "slowMode", seconds = i + 1 })).StatusCode), "moderation");

        var reader = ClusterFixture.Unique("rd");
        var readerPeer = await host.ClientAsync(ClusterFixture.Unique("pe"));
        var conversation = await readerPeer.PostAsJsonAsync("/api/conversations", new { with = reader });
        var conversationId = (await conversation.Content.ReadFromJsonAsync<ConversationInfo>(Api.Json))!.ConversationId;
        await using var readerHub = await host.ConnectAsync(reader);
        AssertRefused(await RepeatAsync(i => HubStatusAsync(readerHub.InvokeAsync<ReadReceipt>("MarkRead", conversationId, 0L))), "MarkRead");

        var typist = ClusterFixture.Unique("ty");
        await using var typistHub = await host.ConnectAsync(typist);
        // A conversation each time, so only the user's budget can refuse (each conversation has its own typing gate).
        AssertRefused(await RepeatAsync(i => HubStatusAsync(typistHub.InvokeAsync("Typing", ConversationKey.Of(typist, ClusterFixture.Unique("p"))))), "Typing");
    }

    /// <summary>Up to 10 calls in a row; with a burst of 4 and one token a second, some must be refused.</summary>
    private static async Task<List<int>> RepeatAsync(Func<int, Task<int>> call)
    {
        var statuses = new List<int>();
        for (var i = 0; i < 10; i++)
        {
            statuses.Add(await call(i));
        }

        return statuses;
    }

    private static async Task<int> HubStatusAsync(Task call)
    {
        try
        {
            await call;
            return 200;
        }
        catch (HubException ex)
        {
            return Api.StatusOf(ex);
        }
    }

    private static void AssertRefused(List<int> statuses, string what)
    {
        Assert.All(statuses, s => Assert.True(s is 200 or 201 or 429, $"{what}: unexpected status {s} in [{string.Join(", ", statuses)}]"));
        Assert.True(statuses.Contains(429), $"{what} were never refused: [{string.Join(", ", statuses)}]");
        Assert.True(statuses.Contains(200) || statuses.Contains(201), $"{what} were all refused: [{string.Join(", ", statuses)}]");
    }
}
