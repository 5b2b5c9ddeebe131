using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Community.LoadTests.Client;

/// <summary>The few REST calls a scenario needs to set itself up. Failures throw with the server's own words.</summary>
public sealed class CommunityApi(HttpClient http)
{
    public async Task<string> IssueDevTokenAsync(string user, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/api/dev/token", new { user }, cancellationToken);
        var token = await ReadAsync<TokenResponse>(response, $"dev token for {user}", cancellationToken);
        return token.Token;
    }

    public async Task CreateCreatorAsync(string handle, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/creators/{handle}")
        {
            Content = JsonContent.Create(new CreatorProfileRequest($"Load test {handle}", ["loadtest"], null)),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, $"creating creator {handle}", cancellationToken);
    }

    public async Task<string> PublishPostAsync(string handle, string token, string text, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/creators/{handle}/posts")
        {
            Content = JsonContent.Create(new PostRequest(text)),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken);
        var post = await ReadAsync<PostResponse>(response, $"publishing a post as {handle}", cancellationToken);
        return post.PostId;
    }

    /// <summary>The post's last comment seq as the server stores it.</summary>
    public async Task<long> GetLastSeqAsync(string postId, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/posts/{postId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken);
        var post = await ReadAsync<PostResponse>(response, $"reading post {postId}", cancellationToken);
        return post.LastSeq;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, what, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(cancellationToken)
            ?? throw new InvalidOperationException($"{what}: the server answered {(int)response.StatusCode} with an empty body.");
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException(
                $"{what}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}: {Truncate(body, 500)}", null, response.StatusCode);
        }
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
