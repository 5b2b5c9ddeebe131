using System.Net;
using System.Reflection;
using System.Text.Json;
using Community.Host.Hosting;
using Community.Host.Hubs;
using Community.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Community.IntegrationTests.Security;

/// <summary>One field a call takes: a route or query parameter, or a property of its JSON body, with its JSON type.</summary>
public sealed record ApiField(string Name, string Type);

/// <summary>An HTTP endpoint as the running host serves it: <c>Key</c> is "METHOD /route/{template}".</summary>
public sealed record RestEndpoint(string Method, string Path, IReadOnlyList<ApiField> Route, IReadOnlyList<ApiField> Query, IReadOnlyList<ApiField>? Body)
{
    public string Key => $"{Method} {Path}";
}

/// <summary>
/// Everything a client can call, found rather than listed, so a new endpoint or hub method is fuzzed and needs an
/// authorization row without anyone remembering to add it: the host's routing table (every route under /api and
/// /health), described by its OpenAPI document where it has one, and <see cref="CommunityHub"/>'s public methods.
/// </summary>
public static class ApiSurface
{
    public static readonly MethodInfo[] HubMethods = typeof(CommunityHub)
        .GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        .Where(m => !m.IsSpecialName && m.GetBaseDefinition().DeclaringType == typeof(CommunityHub))
        .OrderBy(m => m.Name, StringComparer.Ordinal)
        .ToArray();

    public static async Task<IReadOnlyList<RestEndpoint>> RestAsync(TestHost host)
    {
        using var anonymous = await host.ClientAsync(null);
        var response = await anonymous.GetAsync(OpenApiExtensions.DocumentPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        var schemas = document.TryGetProperty("components", out var c) && c.TryGetProperty("schemas", out var s) ? s : default;

        var described = new Dictionary<string, RestEndpoint>(StringComparer.Ordinal);
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "delete" or "patch"))
            {
                var parameters = operation.Value.TryGetProperty("parameters", out var p) ? p.EnumerateArray().ToList() : [];
                IReadOnlyList<ApiField> Fields(string where) => parameters
                    .Where(x => x.GetProperty("in").GetString() == where)
                    .Select(x => new ApiField(x.GetProperty("name").GetString()!, TypeOf(x.TryGetProperty("schema", out var sc) ? sc : default, schemas)))
                    .ToList();
                var endpoint = new RestEndpoint(operation.Name.ToUpperInvariant(), Normalize(path.Name), Fields("path"), Fields("query"), BodyOf(operation.Value, schemas));
                described[endpoint.Key] = endpoint;
            }
        }

        // Routes the document leaves out are still served, so still fuzzed and still in the matrix (without field names).
        foreach (var route in host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var path = Normalize("/" + route.RoutePattern.RawText?.TrimStart('/'));
            var methods = route.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [];
            if (!path.StartsWith("/api/", StringComparison.Ordinal) && !path.StartsWith("/health/", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var method in methods)
            {
                var key = $"{method} {path}";
                if (!described.ContainsKey(key))
                {
                    var names = route.RoutePattern.Parameters.Select(x => new ApiField(x.Name, "string")).ToList();
                    described[key] = new RestEndpoint(method, path, names, [], method is "POST" or "PUT" or "PATCH" ? [] : null);
                }
            }
        }

        return described.Values.OrderBy(e => e.Path, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal).ToList();
    }

    private static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/') : path;

    private static IReadOnlyList<ApiField>? BodyOf(JsonElement operation, JsonElement schemas)
    {
        if (!operation.TryGetProperty("requestBody", out var body)
            || !body.GetProperty("content").TryGetProperty("application/json", out var json)
            || !json.TryGetProperty("schema", out var schema))
        {
            return null;
        }

        schema = Resolve(schema, schemas);
        return schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var properties)
            ? properties.EnumerateObject().Select(x => new ApiField(x.Name, TypeOf(x.Value, schemas))).ToList()
            : [];
    }

    private static JsonElement Resolve(JsonElement schema, JsonElement schemas) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference) && schemas.ValueKind == JsonValueKind.Object
            ? schemas.GetProperty(reference.GetString()!.Split('/')[^1])
            : schema;

    /// <summary>The JSON type of a schema ("string", "integer", "number", "boolean", "array", "object"), ignoring "null".</summary>
    private static string TypeOf(JsonElement schema, JsonElement schemas)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return "string";
        }

        schema = Resolve(schema, schemas);
        if (schema.TryGetProperty("type", out var type))
        {
            return type.ValueKind == JsonValueKind.Array
                ? type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t != "null") ?? "string"
                : type.GetString() ?? "string";
        }

        foreach (var alternative in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (schema.TryGetProperty(alternative, out var options))
            {
                var types = options.EnumerateArray().Select(o => TypeOf(o, schemas)).ToList();
                return types.FirstOrDefault(t => t != "null") ?? "string";
            }
        }

        return schema.TryGetProperty("properties", out _) ? "object" : "string";
    }
}
