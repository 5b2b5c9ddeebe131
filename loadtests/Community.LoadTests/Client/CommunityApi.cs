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

    /// <summary>Publishes a post attached to a campaign (the caller must be one of the campaign's creators).</summary>
    public Task<PostResponse> PublishCampaignPostAsync(string handle, string token, string text, string campaignId, CancellationToken cancellationToken) =>
        SendAsync<PostResponse>(HttpMethod.Post, $"/api/creators/{handle}/posts", token, new PostCampaignRequest(text, campaignId), $"publishing a campaign post as {handle}", cancellationToken);

    /// <summary><c>POST /api/livestreams</c>: the caller (who needs a creator profile) becomes the host.</summary>
    public async Task<string> CreateLivestreamAsync(string token, string title, CancellationToken cancellationToken) =>
        (await SendAsync<LiveResponse>(HttpMethod.Post, "/api/livestreams", token, new LiveRequest(title), "creating a livestream", cancellationToken)).LiveId;

    public Task StartLivestreamAsync(string liveId, string token, CancellationToken cancellationToken) =>
        SendAsync<LiveResponse>(HttpMethod.Post, $"/api/livestreams/{liveId}/start", token, null, $"starting livestream {liveId}", cancellationToken);

    /// <summary>Follows a creator as the token's user (idempotent).</summary>
    public Task FollowAsync(string creator, string token, CancellationToken cancellationToken) =>
        SendAsync<object>(HttpMethod.Put, $"/api/creators/{creator}/followers/me", token, null, $"following {creator}", cancellationToken);

    /// <summary><c>POST /api/conversations { with }</c> (idempotent): the conversation id.</summary>
    public async Task<string> OpenConversationAsync(string with, string token, CancellationToken cancellationToken) =>
        (await SendAsync<ConversationResponse>(HttpMethod.Post, "/api/conversations", token, new ConversationRequest(with), $"opening a conversation with {with}", cancellationToken)).ConversationId;

    /// <summary><c>POST /api/campaigns</c>: the caller owns the new campaign.</summary>
    public Task<CampaignSnapshot> CreateCampaignAsync(string token, string name, IReadOnlyList<string> creators, CancellationToken cancellationToken) =>
        SendAsync<CampaignSnapshot>(HttpMethod.Post, "/api/campaigns", token, new CampaignRequest(name, creators), "creating a campaign", cancellationToken);

    public Task<CampaignSnapshot> GetCampaignAsync(string campaignId, string token, CancellationToken cancellationToken) =>
        SendAsync<CampaignSnapshot>(HttpMethod.Get, $"/api/campaigns/{campaignId}", token, null, $"reading campaign {campaignId}", cancellationToken);

    public Task<PostCounters> GetPostCountersAsync(string postId, string token, CancellationToken cancellationToken) =>
        SendAsync<PostCounters>(HttpMethod.Get, $"/api/posts/{postId}", token, null, $"reading post {postId}", cancellationToken);

    /// <summary>Dev tokens for <paramref name="count"/> users <c>lt_{runId}_{role}{i}</c>, a few requests at a time.</summary>
    public async Task<string[]> IssueTokensAsync(string runId, string role, int count, CancellationToken cancellationToken)
    {
        var tokens = new string[count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (i, ct) => tokens[i] = await IssueDevTokenAsync(Workload.RunIds.Handle(runId, role, i), ct));
        return tokens;
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

    private async Task<T> SendAsync<T>(HttpMethod method, string path, string token, object? body, string what, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, body.GetType()) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<T>(response, what, cancellationToken);
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
