using System.Net.Http.Json;
using Azure;
using Azure.Data.Tables;
using Community.Grains.Storage;
using Community.IntegrationTests.Infrastructure;
using Community.Posts;
using Xunit.Abstractions;

namespace Community.IntegrationTests.Durability;

/// <summary>Comment rows store only what their partition and key do not say; rows written in the older format keep reading.</summary>
public sealed class StoredRowFormatTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Comments_stored_in_the_older_row_format_read_back_through_the_api_after_a_restart()
    {
        var clusterId = "rows-" + Guid.NewGuid().ToString("N")[..8];
        var creator = ClusterFixture.Unique("cr");
        var fan = ClusterFixture.Unique("fan");
        var table = new TableServiceClient(TestStorage.ConnectionString).GetTableClient("communityposts");
        string postId;
        Comment question, reply;
        await using (var host = await TestHost.StartAsync(clusterId))
        {
            var creatorHttp = await host.CreatorAsync(creator);
            postId = await creatorHttp.PublishAsync(creator);
            question = await (await host.ClientAsync(fan)).CommentAsync(postId, "Where was this shot?");
            reply = await creatorHttp.CommentAsync(postId, "Lisbon!", replyTo: question.Id);
        }

        var lean = (await table.GetEntityAsync<TableEntity>(postId, LogKeys.Seq(reply.Seq))).Value;
        var older = LogJson.Write(reply);
        output.WriteLine($"reply row D: {lean.GetString("D").Length} bytes lean, {older.Length} bytes in the older format");
        Assert.DoesNotContain(postId, lean.GetString("D"), StringComparison.Ordinal);

        // The question's row as the service wrote it before: the whole comment as JSON.
        await table.UpdateEntityAsync(new TableEntity(postId, LogKeys.Seq(question.Seq)) { ["D"] = LogJson.Write(question) }, ETag.All, TableUpdateMode.Replace);

        await using var restarted = await TestHost.StartAsync(clusterId);
        var page = await (await restarted.ClientAsync(fan)).GetFromJsonAsync<CommentPage>($"/api/posts/{postId}/comments", Api.Json);

        Assert.Equal([question, reply], page!.Items);
    }
}
