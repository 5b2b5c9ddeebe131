using System.Net.Http.Json;
using Azure;
using Azure.Data.Tables;
using Community.Grains.Storage;
using Community.IntegrationTests.Infrastructure;
using Community.Posts;
using Xunit.Abstractions;

namespace Community.IntegrationTests.Durability;

/// <summary>Comments are stored in pages, each only with what its partition and seq do not say; rows written in the older formats keep reading.</summary>
public sealed class StoredRowFormatTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Comments_stored_in_the_older_row_formats_read_back_through_the_api_after_a_restart()
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

        // Each comment went in its own batch, so each is a page of one: the seq, a tab, the lean row.
        var stored = (await table.GetEntityAsync<TableEntity>(postId, SeqPages.Key(reply.Seq))).Value.GetString("D");
        var lean = Assert.Single(SeqPages.Items(stored));
        var older = LogJson.Write(reply);
        output.WriteLine($"reply row: {lean.Data.Length} bytes lean, {older.Length} bytes in the older format");
        Assert.Equal(reply.Seq, lean.Seq);
        Assert.DoesNotContain(postId, lean.Data, StringComparison.Ordinal);

        // The question as the service stored it before pages and lean rows: a row of its own holding the whole comment as JSON.
        await table.DeleteEntityAsync(postId, SeqPages.Key(question.Seq), ETag.All);
        await table.UpsertEntityAsync(new TableEntity(postId, LogKeys.Seq(question.Seq)) { ["D"] = LogJson.Write(question) }, TableUpdateMode.Replace);

        await using var restarted = await TestHost.StartAsync(clusterId);
        var page = await (await restarted.ClientAsync(fan)).GetFromJsonAsync<CommentPage>($"/api/posts/{postId}/comments", Api.Json);

        Assert.Equal([question, reply], page!.Items);
    }
}
