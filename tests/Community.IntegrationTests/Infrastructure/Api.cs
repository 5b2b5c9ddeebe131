using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Community.Posts;

namespace Community.IntegrationTests.Infrastructure;

/// <summary>Small wrappers over the public HTTP API, so tests read as what a user does.</summary>
public static class Api
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<HttpClient> CreatorAsync(this TestHost host, string handle)
    {
        var client = await host.ClientAsync(handle);
        var response = await client.PutAsJsonAsync($"/api/creators/{handle}", new { displayName = handle.ToUpperInvariant(), niches = new[] { "food" } });
        response.EnsureSuccessStatusCode();
        return client;
    }

    public static async Task<string> PublishAsync(this HttpClient creator, string handle, string text = "New post")
    {
        var response = await creator.PostAsJsonAsync($"/api/creators/{handle}/posts", new { text });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var post = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
        return post.GetProperty("postId").GetString()!;
    }

    public static async Task<Comment> CommentAsync(this HttpClient client, string postId, string text, string? replyTo = null, string? clientId = null)
    {
        var response = await client.PostAsJsonAsync($"/api/posts/{postId}/comments", new { text, replyTo, clientId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Comment>(Json))!;
    }

    /// <summary>The status a hub error names: SignalR clients show "… HubException: 404 Not found: …".</summary>
    public static int StatusOf(Microsoft.AspNetCore.SignalR.HubException error)
    {
        var match = System.Text.RegularExpressions.Regex.Match(error.Message, @"HubException: (\d{3}) ");
        Assert.True(match.Success, $"The hub error does not name a status: {error.Message}");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Reads a problem details response and checks its status; returns its detail.</summary>
    public static async Task<string> ProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        var detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : null;
        Assert.False(string.IsNullOrWhiteSpace(detail), "A problem response must say in words what was wrong.");
        return detail!;
    }
}
