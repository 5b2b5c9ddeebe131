using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Community.Campaigns;
using Community.Grains.Campaigns;
using Community.Grains.Engagement;
using Community.Grains.Storage;
using Community.Host.Hosting;
using Community.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Community.IntegrationTests.Durability;

/// <summary>
/// Roll-ups are stored as JSON of their own type inside the grain state; state stored when they were strings of JSON
/// inside it keeps reading.
/// </summary>
public sealed class StoredStateFormatTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_campaigns_and_a_creators_roll_up_stored_in_the_older_string_format_read_back_after_a_restart()
    {
        var clusterId = "state-" + Guid.NewGuid().ToString("N")[..8];
        var creator = ClusterFixture.Unique("cr");
        var brand = ClusterFixture.Unique("brand");
        string campaignId;
        CampaignSnapshot before;
        JsonElement engagementBefore;
        await using (var host = await TestHost.StartAsync(clusterId))
        {
            var creatorHttp = await host.CreatorAsync(creator);
            var brandHttp = await host.ClientAsync(brand);
            var created = await brandHttp.PostAsJsonAsync("/api/campaigns", new { name = "Format", creators = new[] { creator } });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            campaignId = (await created.Content.ReadFromJsonAsync<CampaignSnapshot>(Api.Json))!.CampaignId;
            var posted = await creatorHttp.PostAsJsonAsync($"/api/creators/{creator}/posts", new { text = "Sponsored", campaignId });
            var postId = (await posted.Content.ReadFromJsonAsync<JsonElement>(Api.Json)).GetProperty("postId").GetString();
            var fan = await host.ClientAsync(ClusterFixture.Unique("fan"));
            (await fan.PostAsJsonAsync($"/api/posts/{postId}/reactions", new { kind = "like" })).EnsureSuccessStatusCode();
            (await fan.PostAsJsonAsync($"/api/posts/{postId}/reactions", new { kind = "share" })).EnsureSuccessStatusCode();

            before = await UntilAsync(
                async () => (await brandHttp.GetFromJsonAsync<CampaignSnapshot>($"/api/campaigns/{campaignId}", Api.Json))!, s => s.Interactions == 2);
            engagementBefore = await UntilAsync(
                async () => (await creatorHttp.GetFromJsonAsync<JsonElement>($"/api/creators/{creator}", Api.Json)).GetProperty("engagement"),
                e => e.GetProperty("windows").GetProperty("last24Hours").GetProperty("interactions").GetInt64() == 2);
        }

        // The host stored both roll-ups as it stopped: rewrite each as the service stored it before, a string of JSON.
        var table = new TableServiceClient(TestStorage.ConnectionString).GetTableClient("communitygrainstate");
        await RewriteAsync<CampaignState>(table, campaignId, "Rollup", s => LogJson.Write(s.Rollup));
        await RewriteAsync<CreatorEngagementState>(table, creator, "Tracker", s => LogJson.Write(s.Tracker));

        await using var restarted = await TestHost.StartAsync(clusterId);
        var after = await (await restarted.ClientAsync(brand)).GetFromJsonAsync<CampaignSnapshot>($"/api/campaigns/{campaignId}", Api.Json);
        var engagementAfter = (await (await restarted.ClientAsync(creator)).GetFromJsonAsync<JsonElement>($"/api/creators/{creator}", Api.Json)).GetProperty("engagement");

        Assert.Equal(before.Totals, after!.Totals);
        Assert.Equal(before.Posts, after.Posts);
        Assert.Equal(before.Windows.Last24Hours, after.Windows.Last24Hours);
        Assert.InRange(after.Heat, before.Heat * 0.99, before.Heat * 1.000001);
        Assert.Equal(2, engagementAfter.GetProperty("windows").GetProperty("last24Hours").GetProperty("interactions").GetInt64());
        var heat = engagementBefore.GetProperty("heat").GetDouble();
        Assert.InRange(engagementAfter.GetProperty("heat").GetDouble(), heat * 0.99, heat * 1.000001);
    }

    /// <summary>Finds the grain state of <typeparamref name="T"/> for <paramref name="key"/> and stores <paramref name="member"/> as the string <paramref name="older"/> gives.</summary>
    private async Task RewriteAsync<T>(TableClient table, string key, string member, Func<T, string> older)
    {
        var serializer = OrleansHostingExtensions.GrainStateSerializer;
        await foreach (var entity in table.QueryAsync<TableEntity>())
        {
            if (!entity.PartitionKey.EndsWith("_" + key, StringComparison.Ordinal) || entity.GetBinary("Data") is not { } data
                || JsonNode.Parse(data) is not JsonObject stored || !stored.ContainsKey(member))
            {
                continue;
            }

            output.WriteLine($"{entity.PartitionKey}/{entity.RowKey} as stored: {stored.ToJsonString()}");
            Assert.IsType<JsonObject>(stored[member]);
            stored[member] = older(serializer.Deserialize<T>(BinaryData.FromBytes(data))!);
            entity["Data"] = JsonSerializer.SerializeToUtf8Bytes(stored);
            await table.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Replace);
            return;
        }

        Assert.Fail($"No stored {typeof(T).Name} of {key}.");
    }

    private static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var value = await read();
            if (done(value) || timeout.IsCancellationRequested)
            {
                return value;
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }
}
