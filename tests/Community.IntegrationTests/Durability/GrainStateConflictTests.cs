using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Community.IntegrationTests.Infrastructure;

namespace Community.IntegrationTests.Durability;

/// <summary>
/// A grain whose stored state changed behind its back (another activation wrote it, or an earlier write of its own
/// landed though it failed) meets an ETag conflict on its next write. It must say so once and then recover from what
/// is stored, not answer 503 until it happens to be collected.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GrainStateConflictTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_creator_whose_state_was_written_elsewhere_recovers_on_the_next_call_with_the_stored_state()
    {
        var creator = ClusterFixture.Unique("cr");
        var http = await cluster.A.CreatorAsync(creator);
        var table = new TableServiceClient(TestStorage.ConnectionString).GetTableClient("communitygrainstate");
        var before = await StateRowAsync(table, creator);
        Assert.Equal(HttpStatusCode.OK, (await http.PutAsync($"/api/creators/{creator}/blocked/{ClusterFixture.Unique("u1")}", null)).StatusCode);

        // Another writer puts the state back as it was (no one blocked): the active grain's ETag is now stale.
        await table.UpdateEntityAsync(before, ETag.All, TableUpdateMode.Replace);
        var second = ClusterFixture.Unique("u2");
        var conflicted = await http.PutAsync($"/api/creators/{creator}/blocked/{second}", null);
        var retried = await http.PutAsync($"/api/creators/{creator}/blocked/{second}", null);

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Contains("changed elsewhere", await conflicted.ProblemAsync(HttpStatusCode.ServiceUnavailable), StringComparison.Ordinal);
        var blocked = await http.GetFromJsonAsync<JsonElement>($"/api/creators/{creator}/blocked", Api.Json);
        Assert.Equal([second], blocked.GetProperty("items").EnumerateArray().Select(e => e.GetString()));
    }

    private static async Task<TableEntity> StateRowAsync(TableClient table, string handle)
    {
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            if (row.PartitionKey.Contains(handle, StringComparison.Ordinal))
            {
                return row;
            }
        }

        throw new InvalidOperationException($"No stored state for {handle}.");
    }
}
