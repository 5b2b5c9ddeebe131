using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Community.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Community.IntegrationTests.Engagement;

/// <summary>A creator's profile with their engagement, read over HTTP: the figures the creator's engagement grain keeps, at a few grain calls.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CreatorProfileTests(ClusterFixture cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task A_creators_profile_shows_the_rate_and_interactions_of_their_newest_posts()
    {
        var creator = ClusterFixture.Unique("cr");
        var creatorClient = await cluster.A.CreatorAsync(creator);
        var first = await creatorClient.PublishAsync(creator);
        var second = await creatorClient.PublishAsync(creator);
        await creatorClient.PublishAsync(creator);
        var fan = await cluster.B.ClientAsync(ClusterFixture.Unique("fan"));
        (await fan.PutAsync($"/api/creators/{creator}/followers/me", null)).EnsureSuccessStatusCode();
        await fan.PostAsJsonAsync($"/api/posts/{first}/reactions", new { kind = "like" });
        await fan.PostAsJsonAsync($"/api/posts/{first}/reactions", new { kind = "save" });
        await fan.PostAsJsonAsync($"/api/posts/{second}/reactions", new { kind = "share" });

        // Posts report to their creator in roll-ups (at most one RollupInterval, 500 ms, behind): within a bound.
        var engagement = await EngagementAsync(fan, creator, e => e.GetProperty("interactions").GetInt64() == 3);

        Assert.Equal(3, engagement.GetProperty("posts").GetInt32());
        // Rates over one follower: 2, 1 and 0 → mean 1, median 1.
        Assert.Equal(1.0, engagement.GetProperty("engagementRate").GetDouble(), 9);
        Assert.Equal(1.0, engagement.GetProperty("medianEngagementRate").GetDouble(), 9);
        Assert.Equal(3, engagement.GetProperty("windows").GetProperty("lastMinute").GetProperty("interactions").GetInt64());
        Assert.InRange(engagement.GetProperty("heat").GetDouble(), 6.99, 7.0);
        Assert.True(engagement.TryGetProperty("responsiveness", out _));
    }

    [Fact]
    public async Task Reading_a_creators_profile_costs_one_call_each_to_the_creator_their_engagement_and_their_reply_queue()
    {
        var creator = ClusterFixture.Unique("cr");
        var creatorClient = await cluster.A.CreatorAsync(creator);
        var postId = await creatorClient.PublishAsync(creator);
        var fan = await cluster.A.ClientAsync(ClusterFixture.Unique("fan"));
        await fan.PostAsJsonAsync($"/api/posts/{postId}/reactions", new { kind = "like" });
        await EngagementAsync(fan, creator, e => e.GetProperty("interactions").GetInt64() == 1);

        var traceId = ActivityTraceId.CreateRandom();
        var calls = new ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) || source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                // A grain call is one client span (the caller's side), ended before the caller goes on.
                if (a.TraceId == traceId && a.Kind == ActivityKind.Client && a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal))
                {
                    calls.Enqueue(a.DisplayName);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/creators/{creator}");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        (await fan.SendAsync(request)).EnsureSuccessStatusCode();

        output.WriteLine($"{calls.Count} grain calls per profile read: {string.Join(", ", calls.Order(StringComparer.Ordinal))}");
        Assert.Equal(3, calls.Count);
    }

    private static async Task<JsonElement> EngagementAsync(HttpClient client, string creator, Func<JsonElement, bool> until)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var view = await client.GetFromJsonAsync<JsonElement>($"/api/creators/{creator}", Api.Json);
            var engagement = view.GetProperty("engagement");
            if (until(engagement) || timeout.IsCancellationRequested)
            {
                return engagement;
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }
}
