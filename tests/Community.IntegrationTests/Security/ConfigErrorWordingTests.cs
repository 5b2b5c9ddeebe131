using System.Net;
using System.Net.Http.Json;
using System.Text;
using Community.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Community.IntegrationTests.Security;

/// <summary>
/// Requests the server cannot read are answered in the caller's terms (which field, what JSON it takes), never with
/// .NET type or exception names, over HTTP and on the hub alike.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ConfigErrorWordingTests(ClusterFixture cluster)
{
    private static void AssertNamesNoType(string detail)
    {
        foreach (var leak in new[] { "Community.", "System.", "Exception", "+", "Int32", "Int64", "String", "Input", "`" })
        {
            Assert.DoesNotContain(leak, detail, StringComparison.Ordinal);
        }
    }

    /// <summary>The problem's detail, with the whole answer in the failure message when it is not the expected problem.</summary>
    private static async Task<string> DetailAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        var problem = System.Text.Json.JsonDocument.Parse(body).RootElement;
        Assert.True(problem.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 }, $"{response.RequestMessage?.RequestUri}: no detail in {body}");
        return detail.GetString()!;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<(HttpClient Creator, string Handle, string PostId)> PostAsync()
    {
        var handle = ClusterFixture.Unique("cr");
        var creator = await cluster.A.CreatorAsync(handle);
        return (creator, handle, await creator.PublishAsync(handle));
    }

    [Fact]
    public async Task A_body_of_the_wrong_shape_is_a_400_that_names_the_field_and_the_JSON_it_takes()
    {
        var (creator, handle, postId) = await PostAsync();
        var cases = new (string Method, string Path, string Body, string Expected)[]
        {
            ("POST", $"/api/posts/{postId}/comments", """{ "text": 5 }""", "The field 'text' must be text."),
            ("POST", $"/api/posts/{postId}/comments", """["hello"]""", "The body must be a JSON object."),
            ("POST", $"/api/posts/{postId}/reactions", """{ "kind": { "like": true } }""", "The field 'kind' must be text."),
            ("POST", "/api/campaigns", """{ "name": "Spring", "creators": "maya" }""", "The field 'creators' must be a list."),
            ("POST", "/api/campaigns", """{ "name": "Spring", "creators": [], "budget": "lots" }""", "The field 'budget' must be a number."),
            ("PUT", $"/api/creators/{handle}", """{ "displayName": "M", "niches": [1, 2] }""", "The field 'niches[0]' must be text."),
            ("POST", $"/api/conversations/{handle}~zzz_{handle}/read", """{ "seq": "last" }""", "The field 'seq' must be a whole number."),
            ("POST", $"/api/conversations/{handle}~zzz_{handle}/read", """{ "seq": 99999999999999999999999 }""", "The field 'seq' must be a whole number."),
        };

        foreach (var (method, path, body, expected) in cases)
        {
            var response = await creator.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = Json(body) });
            var detail = await response.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal(expected, detail);
        }
    }

    [Theory]
    [InlineData("""{ "text": "hi" """, "line 1")]
    [InlineData("""{ "text": 'hi' }""", "line 1, character 11")]
    [InlineData("{\n  \"text\": \"hi\",,\n}", "line 2")]
    public async Task Malformed_JSON_is_a_400_that_says_where(string body, string where)
    {
        var (creator, _, postId) = await PostAsync();

        var detail = await (await creator.PostAsync($"/api/posts/{postId}/comments", Json(body))).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.StartsWith("The body is not valid JSON", detail, StringComparison.Ordinal);
        Assert.Contains(where, detail, StringComparison.Ordinal);
        AssertNamesNoType(detail);
    }

    [Fact]
    public async Task A_missing_body_a_wrong_content_type_and_a_query_of_the_wrong_type_say_so_in_words()
    {
        var (creator, _, postId) = await PostAsync();

        var missing = await DetailAsync(await creator.PostAsync($"/api/posts/{postId}/comments", Json("")), HttpStatusCode.BadRequest);
        Assert.Equal("This call needs a JSON body.", missing);
        var noBody = await DetailAsync(await creator.PostAsync("/api/livestreams", null), HttpStatusCode.BadRequest);
        AssertNamesNoType(noBody);
        var text = await DetailAsync(await creator.PostAsync($"/api/posts/{postId}/comments", new StringContent("""{"text":"hi"}""", Encoding.UTF8, "text/plain")),
            HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("Content-Type: application/json", text, StringComparison.Ordinal);
        var limit = await DetailAsync(await creator.GetAsync($"/api/posts/{postId}/comments?limit=many"), HttpStatusCode.BadRequest);
        Assert.Equal("The parameter 'limit' must be a whole number; 'many' is not.", limit);
        var afterSeq = await DetailAsync(await creator.GetAsync($"/api/posts/{postId}/comments?afterSeq=1.5"), HttpStatusCode.BadRequest);
        Assert.Equal("The parameter 'afterSeq' must be a whole number; '1.5' is not.", afterSeq);

        var comments = await creator.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/posts/{postId}/comments");
        Assert.Equal(0, comments.GetProperty("lastSeq").GetInt64());
    }

    [Fact]
    public async Task Hub_calls_with_arguments_of_the_wrong_type_or_number_are_400s_that_show_the_method_s_parameters()
    {
        var (_, _, postId) = await PostAsync();
        await using var fan = await cluster.A.ConnectAsync(ClusterFixture.Unique("fan"));

        var wrongType = await Assert.ThrowsAsync<HubException>(() => fan.InvokeAsync<object>("Comment", postId, 42, null, null));
        Assert.Equal(400, Api.StatusOf(wrongType));
        Assert.Contains("Comment(postId: text, text: text, replyTo: text or null, clientId: text or null)", wrongType.Message, StringComparison.Ordinal);

        var wrongSeq = await Assert.ThrowsAsync<HubException>(() => fan.InvokeAsync<object>("MarkRead", "a~b", "latest"));
        Assert.Equal(400, Api.StatusOf(wrongSeq));
        Assert.Contains("seq: a whole number", wrongSeq.Message, StringComparison.Ordinal);

        var tooFew = await Assert.ThrowsAsync<HubException>(() => fan.InvokeAsync<object>("SendChat", "aaaaaaaaaaaa"));
        Assert.Equal(400, Api.StatusOf(tooFew));
        Assert.Contains("SendChat takes 3 arguments, not 1: SendChat(liveId: text, text: text, clientId: text or null).", tooFew.Message, StringComparison.Ordinal);

        var unknown = await Assert.ThrowsAsync<HubException>(() => fan.InvokeAsync<object>("DropAllTables"));
        Assert.Equal(404, Api.StatusOf(unknown));

        foreach (var error in new[] { wrongType, wrongSeq, tooFew, unknown })
        {
            var server = error.Message[(error.Message.IndexOf("HubException: ", StringComparison.Ordinal) + "HubException: ".Length)..];
            AssertNamesNoType(server);
            Assert.DoesNotContain("InvalidDataException", error.Message, StringComparison.Ordinal);
        }

        // The connection still works, and nothing was written.
        var catchUp = await fan.InvokeAsync<Community.Posts.CommentCatchUp>("SubscribePost", postId, null);
        Assert.Equal(0, catchUp.LastSeq);
    }

    [Fact]
    public async Task A_hub_message_over_32_KiB_closes_the_connection_with_a_413_in_words_not_an_exception_type()
    {
        var (_, _, postId) = await PostAsync();
        await using var hub = await cluster.A.ConnectAsync(ClusterFixture.Unique("fan"));
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += ex =>
        {
            closed.TrySetResult(ex);
            return Task.CompletedTask;
        };

        _ = hub.InvokeAsync<Community.Posts.Comment>("Comment", postId, new string('z', 40_000), null, null).ContinueWith(_ => { }, TaskScheduler.Default);

        var error = await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(error);
        Assert.Contains("HubException: 413 Too large: The message is over the maximum message size of 32 KiB", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidDataException", error.Message, StringComparison.Ordinal);
    }

}
