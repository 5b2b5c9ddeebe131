using System.Net;
using System.Text.Json;
using Community.Host.Hosting;

namespace Community.IntegrationTests.Operations;

/// <summary>/openapi/v1.json describes every HTTP call docs/api.md documents, and nothing it does not.</summary>
[Collection(OperationsCollection.Name)]
public sealed class OpenApiTests(OperationsFixture hosts)
{
    [Fact]
    public async Task The_document_lists_exactly_the_calls_docs_api_md_documents()
    {
        var document = await DocumentAsync();

        var described = Operations(document).Select(o => o.Method + " " + ApiDocs.Normalize(o.Path)).ToHashSet(StringComparer.Ordinal);

        Assert.True(ApiDocs.HttpCalls.Count > 30, $"docs/api.md's tables were not read (found {ApiDocs.HttpCalls.Count} calls).");
        Assert.True(described.SetEquals(ApiDocs.HttpCalls),
            "OpenAPI and docs/api.md disagree.\n  Only in /openapi/v1.json: " + string.Join(", ", described.Except(ApiDocs.HttpCalls).Order()) +
            "\n  Only in docs/api.md: " + string.Join(", ", ApiDocs.HttpCalls.Except(described).Order()));
    }

    [Fact]
    public async Task Every_api_call_describes_its_errors_as_problem_details_and_protected_calls_need_the_bearer_scheme()
    {
        var document = await DocumentAsync();
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty(OpenApiExtensions.BearerScheme);
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());

        var api = Operations(document).Where(o => o.Path.StartsWith("/api/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(api);
        foreach (var (method, path, operation) in api)
        {
            var responses = operation.GetProperty("responses");
            foreach (var status in new[] { "400", "404", "503" })
            {
                Assert.True(responses.TryGetProperty(status, out var response), $"{method} {path} does not describe {status}.");
                Assert.True(response.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{method} {path}: {status} is not problem details.");
            }

            var isPublic = path == "/api/dev/token";
            Assert.Equal(!isPublic, operation.TryGetProperty("security", out var security)
                && security.EnumerateArray().Any(r => r.TryGetProperty(OpenApiExtensions.BearerScheme, out _)));
            Assert.Equal(!isPublic, responses.TryGetProperty("401", out _));
        }

        var comment = api.Single(o => o.Method == "POST" && o.Path == "/api/posts/{postId}/comments").Operation.GetProperty("responses");
        Assert.True(comment.TryGetProperty("429", out _), "A write describes its rate limit.");
        Assert.True(comment.TryGetProperty("201", out _), "A comment is created.");
    }

    [Fact]
    public async Task The_reference_is_browsable_at_its_documented_path_without_a_token()
    {
        using var anonymous = await hosts.Production.ClientAsync(null);

        var page = await anonymous.GetAsync("/scalar/");
        var document = await anonymous.GetAsync(OpenApiExtensions.DocumentPath);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("text/html", page.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains("<title>Community API</title>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Contains("/scalar", await File.ReadAllTextAsync(Path.Combine(ApiDocs.Root, "README.md")), StringComparison.Ordinal);
    }

    private async Task<JsonElement> DocumentAsync()
    {
        using var anonymous = await hosts.Development.ClientAsync(null);
        var response = await anonymous.GetAsync(OpenApiExtensions.DocumentPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static IEnumerable<(string Method, string Path, JsonElement Operation)> Operations(JsonElement document) =>
        from path in document.GetProperty("paths").EnumerateObject()
        from operation in path.Value.EnumerateObject()
        where operation.Name is "get" or "post" or "put" or "delete" or "patch"
        select (operation.Name.ToUpperInvariant(), path.Name, operation.Value);
}
