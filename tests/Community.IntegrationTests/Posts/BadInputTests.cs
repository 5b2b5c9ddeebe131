using System.Net;
using System.Net.Http.Json;
using System.Text;
using Community.IntegrationTests.Infrastructure;
using Community.Posts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Community.IntegrationTests.Posts;

/// <summary>Every kind of bad input gets a clear error over HTTP and the hub, and changes nothing.</summary>
[Collection(ClusterCollection.Name)]
public sealed class BadInputTests(ClusterFixture cluster)
{
    private async Task<(string Creator, HttpClient CreatorClient, string PostId, HttpClient Fan)> PostAsync()
    {
        var creator = ClusterFixture.Unique("cr");
        var creatorClient = await cluster.A.CreatorAsync(creator);
        var postId = await creatorClient.PublishAsync(creator);
        return (creator, creatorClient, postId, await cluster.A.ClientAsync(ClusterFixture.Unique("fan")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    [InlineData(null)]
    public async Task Blank_comments_are_refused_with_400(string? text)
    {
        var (_, _, postId, fan) = await PostAsync();

        var detail = await (await fan.PostAsJsonAsync($"/api/posts/{postId}/comments", new { text })).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("empty", detail);
        await AssertNoCommentsAsync(fan, postId);
    }

    [Fact]
    public async Task A_comment_over_2000_characters_is_refused_with_413_and_one_of_2000_is_accepted()
    {
        var (_, _, postId, fan) = await PostAsync();

        var detail = await (await fan.PostAsJsonAsync($"/api/posts/{postId}/comments", new { text = new string('x', 2001) })).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("2000", detail.Replace(",", "", StringComparison.Ordinal));
        await AssertNoCommentsAsync(fan, postId);

        await fan.CommentAsync(postId, new string('x', 2000));
    }

    [Fact]
    public async Task A_replyTo_that_is_not_a_comment_of_this_post_is_refused_with_400()
    {
        var (creator, creatorClient, postId, fan) = await PostAsync();
        var otherPost = await creatorClient.PublishAsync(creator, "another");
        var elsewhere = await fan.CommentAsync(otherPost, "on the other post");

        foreach (var replyTo in new[] { elsewhere.Id, $"{postId}-99", "nonsense" })
        {
            var detail = await (await fan.PostAsJsonAsync($"/api/posts/{postId}/comments", new { text = "hi", replyTo })).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("replyTo", detail);
        }

        await AssertNoCommentsAsync(fan, postId);
    }

    [Fact]
    public async Task Unknown_posts_and_creators_are_404()
    {
        var fan = await cluster.A.ClientAsync(ClusterFixture.Unique("fan"));

        await (await fan.GetAsync("/api/posts/aaaaaaaaaaaa")).ProblemAsync(HttpStatusCode.NotFound);
        await (await fan.GetAsync("/api/posts/not-an-id/comments")).ProblemAsync(HttpStatusCode.NotFound);
        await (await fan.PostAsJsonAsync("/api/posts/aaaaaaaaaaaa/comments", new { text = "hi" })).ProblemAsync(HttpStatusCode.NotFound);
        await (await fan.PostAsJsonAsync("/api/posts/aaaaaaaaaaaa/reactions", new { kind = "like" })).ProblemAsync(HttpStatusCode.NotFound);
        await (await fan.GetAsync($"/api/creators/{ClusterFixture.Unique("nobody")}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await fan.PutAsync($"/api/creators/{ClusterFixture.Unique("nobody")}/followers/me", null)).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Nobody_can_act_as_another_user_and_no_token_is_401()
    {
        var (creator, _, postId, fan) = await PostAsync();
        var anonymous = await cluster.A.ClientAsync(null);

        await (await fan.PostAsJsonAsync($"/api/creators/{creator}/posts", new { text = "impostor" })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await fan.PutAsJsonAsync($"/api/creators/{creator}", new { displayName = "Impostor" })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await anonymous.PostAsJsonAsync($"/api/posts/{postId}/comments", new { text = "hi" })).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync($"/api/posts/{postId}")).ProblemAsync(HttpStatusCode.Unauthorized);
        anonymous.DefaultRequestHeaders.Authorization = new("Bearer", "forged.token.value");
        await (await anonymous.GetAsync($"/api/posts/{postId}")).ProblemAsync(HttpStatusCode.Unauthorized);

        var post = await fan.GetFromJsonAsync<Post>($"/api/posts/{postId}", Api.Json);
        Assert.Equal(0, post!.Comments);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Alice")]
    [InlineData("this_handle_is_far_too_long_for_us")]
    [InlineData("bad-dash")]
    public async Task Malformed_handles_are_400(string handle)
    {
        var client = await cluster.A.ClientAsync(ClusterFixture.Unique("fan"));
        var anonymous = await cluster.A.ClientAsync(null);

        await (await client.GetAsync($"/api/creators/{handle}")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await anonymous.PostAsJsonAsync("/api/dev/token", new { user = handle })).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    [InlineData("afterSeq=-1")]
    [InlineData("limit=abc")]
    public async Task Paging_outside_its_bounds_is_400(string query)
    {
        var (_, _, postId, fan) = await PostAsync();

        await (await fan.GetAsync($"/api/posts/{postId}/comments?{query}")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Malformed_json_and_unknown_reaction_kinds_are_400()
    {
        var (_, _, postId, fan) = await PostAsync();

        var malformed = await fan.PostAsync($"/api/posts/{postId}/comments", new StringContent("{\"text\": ", Encoding.UTF8, "application/json"));
        Assert.Contains("JSON", await malformed.ProblemAsync(HttpStatusCode.BadRequest));
        var kind = await (await fan.PostAsJsonAsync($"/api/posts/{postId}/reactions", new { kind = "love" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("love", kind);
    }

    [Fact]
    public async Task A_request_body_over_64_KiB_is_413()
    {
        var (_, _, postId, fan) = await PostAsync();

        var response = await fan.PostAsJsonAsync($"/api/posts/{postId}/comments", new { text = new string('x', 100_000) });

        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Hub_errors_say_what_was_wrong_and_the_connection_stays_usable()
    {
        var (_, _, postId, _) = await PostAsync();
        await using var hub = await cluster.B.ConnectAsync(ClusterFixture.Unique("fan"));

        var blank = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<Comment>("Comment", postId, " ", null, null));
        var tooLong = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<Comment>("Comment", postId, new string('y', 2001), null, null));
        var unknown = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<CommentCatchUp>("SubscribePost", "aaaaaaaaaaaa", null));
        var badReply = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<Comment>("Comment", postId, "hi", "zzz", null));
        var badKind = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<PostCounters>("React", postId, "love"));
        var clientId = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<Comment>("Comment", postId, "hi", null, new string('c', 65)));

        Assert.Equal(400, Api.StatusOf(blank));
        Assert.Equal(413, Api.StatusOf(tooLong));
        Assert.Equal(404, Api.StatusOf(unknown));
        Assert.Equal(400, Api.StatusOf(badReply));
        Assert.Equal(400, Api.StatusOf(badKind));
        Assert.Equal(400, Api.StatusOf(clientId));
        Assert.Equal(1, (await hub.InvokeAsync<Comment>("Comment", postId, "still here", null, null)).Seq);
    }

    [Fact]
    public async Task A_hub_message_over_32_KiB_closes_the_connection_with_an_error_naming_the_limit()
    {
        var (_, _, postId, fan) = await PostAsync();
        await using var hub = await cluster.A.ConnectAsync(ClusterFixture.Unique("fan"));
        var closed = new TaskCompletionSource<Exception?>();
        hub.Closed += ex =>
        {
            closed.TrySetResult(ex);
            return Task.CompletedTask;
        };

        _ = hub.InvokeAsync<Comment>("Comment", postId, new string('z', 40_000), null, null).ContinueWith(_ => { }, TaskScheduler.Default);

        var error = await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(error);
        Assert.Contains("maximum message size", error.Message, StringComparison.OrdinalIgnoreCase);
        await AssertNoCommentsAsync(fan, postId);
    }

    private static async Task AssertNoCommentsAsync(HttpClient client, string postId)
    {
        var page = await client.GetFromJsonAsync<CommentPage>($"/api/posts/{postId}/comments", Api.Json);
        Assert.Empty(page!.Items);
        Assert.Equal(0, page.LastSeq);
    }
}
