using System.Net;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Community.Creators;
using Community.IntegrationTests.Infrastructure;

namespace Community.IntegrationTests.Durability;

/// <summary>
/// Publishing writes two things, the post and the creator's list of posts. Whichever storage call fails, and however
/// (never arrived, or landed with its answer lost): a failed publish leaves no post behind, a retry never makes two,
/// and an acknowledged one is listed. Each test runs a host of its own behind a <see cref="StorageFaultProxy"/>.
/// </summary>
public sealed class PublishFaultTests : IAsyncLifetime
{
    private StorageFaultProxy _proxy = null!;
    private TestHost _host = null!;

    public async Task InitializeAsync()
    {
        _proxy = StorageFaultProxy.For(TestStorage.ConnectionString);
        _host = await TestHost.StartAsync("pub-" + Guid.NewGuid().ToString("N")[..12], _proxy.Route(TestStorage.ConnectionString));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    [Fact]
    public async Task A_publish_whose_creator_state_write_never_arrived_leaves_no_post_and_its_retry_publishes_one()
    {
        var creator = ClusterFixture.Unique("cr");
        var http = await _host.CreatorAsync(creator);

        // Every attempt: the SDK's retries, and HttpClient's own resend on a fresh connection.
        _proxy.Arm(StorageFault.DropRequest, StateWriteOf(creator), times: 100);
        var failed = await PublishAsync(http, creator);
        _proxy.Disarm();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Empty(await StoredPostsAsync(creator));
        Assert.Equal(0, (await ProfileAsync(http, creator)).Posts);

        var retried = await PublishAsync(http, creator);
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Single(await StoredPostsAsync(creator));
        Assert.Equal(1, (await ProfileAsync(http, creator)).Posts);
    }

    [Fact]
    public async Task A_publish_whose_post_was_not_created_shows_nothing_and_its_retry_finishes_it_once()
    {
        var creator = ClusterFixture.Unique("cr");
        var http = await _host.CreatorAsync(creator);

        _proxy.Arm(StorageFault.DropRequest, PostCreateOf(creator), times: 100);
        var failed = await PublishAsync(http, creator);
        _proxy.Disarm();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Empty(await StoredPostsAsync(creator));
        Assert.Equal(0, (await ProfileAsync(http, creator)).Posts);

        var retried = await PublishAsync(http, creator);
        var another = await PublishAsync(http, creator, "A different post");
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (retried.StatusCode, another.StatusCode));
        Assert.Equal(2, (await StoredPostsAsync(creator)).Count);
        Assert.Equal(2, (await ProfileAsync(http, creator)).Posts);
    }

    [Fact]
    public async Task A_publish_whose_storage_answers_were_cut_is_published_and_listed_once()
    {
        var creator = ClusterFixture.Unique("cr");
        var http = await _host.CreatorAsync(creator);

        _proxy.Arm(StorageFault.CutResponse, StateWriteOf(creator), times: 2);
        _proxy.Arm(StorageFault.CutResponse, PostCreateOf(creator));
        var response = await PublishAsync(http, creator);
        for (var retries = 0; response.StatusCode == HttpStatusCode.ServiceUnavailable && retries < 3; retries++)
        {
            response = await PublishAsync(http, creator);
        }

        Assert.Equal(3, _proxy.Faulted.Count);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var stored = Assert.Single(await StoredPostsAsync(creator));
        Assert.Equal(1, (await ProfileAsync(http, creator)).Posts);
        Assert.Contains(stored, (await response.Content.ReadAsStringAsync()));
    }

    /// <summary>A write of the creator grain's state (Orleans' table grain storage: partition "{service}_creator_{handle}").</summary>
    private static Func<string, bool> StateWriteOf(string creator) =>
        request => !request.StartsWith("GET ", StringComparison.Ordinal) && request.Contains("grainstate", StringComparison.Ordinal)
            && request.Contains("_creator_" + creator, StringComparison.Ordinal);

    /// <summary>The transaction that stores a new post of <paramref name="creator"/> (its head names the creator).</summary>
    private static Func<string, bool> PostCreateOf(string creator) =>
        request => request.Contains("$batch", StringComparison.Ordinal) && request.Contains("communityposts", StringComparison.Ordinal)
            && request.Contains(creator, StringComparison.Ordinal);

    private static Task<HttpResponseMessage> PublishAsync(HttpClient http, string creator, string text = "New post") =>
        http.PostAsJsonAsync($"/api/creators/{creator}/posts", new { text });

    private static async Task<CreatorProfile> ProfileAsync(HttpClient http, string creator) =>
        (await http.GetFromJsonAsync<CreatorProfile>($"/api/creators/{creator}", Api.Json))!;

    /// <summary>The ids of every post of <paramref name="creator"/> in storage, listed or not.</summary>
    private static async Task<IReadOnlyList<string>> StoredPostsAsync(string creator)
    {
        var table = new TableServiceClient(TestStorage.ConnectionString).GetTableClient("communityposts");
        var posts = new List<string>();
        await foreach (var head in table.QueryAsync<TableEntity>("RowKey eq '!head'", select: ["PartitionKey", "D"]))
        {
            if (head.GetString("D")?.Contains($"\"creator\":\"{creator}\"", StringComparison.Ordinal) == true)
            {
                posts.Add(head.PartitionKey);
            }
        }

        return posts;
    }
}
