using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Community.Host.Hosting;

/// <summary>Section <c>OpenApi</c>: the OpenAPI document and its browsable reference.</summary>
public sealed class OpenApiHostOptions
{
    public const string Section = "OpenApi";

    /// <summary>Whether <c>/openapi/v1.json</c> and the reference are served (they describe the API, never its data).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where the browsable reference (Scalar) lives.</summary>
    [Required]
    [RegularExpression("^/[A-Za-z0-9/_-]+$")]
    public string ReferencePath { get; set; } = "/scalar";
}

/// <summary>
/// <c>/openapi/v1.json</c> describes every HTTP endpoint with its problem-details errors and the bearer scheme;
/// the hub is described in docs/api.md (OpenAPI has no words for it). Tests compare both with docs/api.md.
/// </summary>
public static class OpenApiExtensions
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string BearerScheme = "Bearer";
    private const string ProblemSchema = "ProblemDetails";

    public static WebApplicationBuilder AddCommunityOpenApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OpenApiHostOptions>().BindConfiguration(OpenApiHostOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Community API",
                    Version = "v1",
                    Description = "Live comments, conversations, co-hosted livestreams and campaigns. The real-time hub (/hubs/community) is documented in docs/api.md. Errors are RFC 7807 problem details.",
                    License = new OpenApiLicense { Name = "MIT" },
                };
                return Task.CompletedTask;
            });
            o.AddOperationTransformer(DescribeErrorsAndAuth);
        });
        return builder;
    }

    public static WebApplication MapCommunityOpenApi(this WebApplication app)
    {
        var options = app.Configuration.GetSection(OpenApiHostOptions.Section).Get<OpenApiHostOptions>() ?? new OpenApiHostOptions();
        if (!options.Enabled)
        {
            return app;
        }

        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(options.ReferencePath, scalar => scalar
            .WithTitle("Community API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .AddPreferredSecuritySchemes(BearerScheme)).AllowAnonymous();
        return app;
    }

    private static async Task DescribeErrorsAndAuth(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document ?? throw new InvalidOperationException("OpenAPI operation transformed outside a document.");
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes.TryAdd(BearerScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A token whose `sub` is the caller's handle (POST /api/dev/token in development). Hub clients send it as `access_token`.",
        });
        if (document.Components.Schemas is null || !document.Components.Schemas.ContainsKey(ProblemSchema))
        {
            document.AddComponent(ProblemSchema, await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken));
        }

        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var authenticated = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
        var method = context.Description.HttpMethod ?? "GET";
        var writes = method is "POST" or "PUT" or "DELETE" or "PATCH";

        var errors = new List<(int Status, string Why)>
        {
            (400, "Invalid input; `detail` says what is wrong."),
            (404, "Unknown resource or route."),
            (503, "Storage or a silo is unavailable: nothing was written; retry (with the same clientId)."),
        };
        if (authenticated)
        {
            errors.Add((401, "No token, or an invalid or expired one."));
            errors.Add((403, "Not allowed for the caller."));
            errors.Add((409, "Conflicts with the current state."));
        }

        if (writes)
        {
            errors.Add((413, "Text over 2,000 characters, or a request body over 64 KiB."));
        }

        if (writes && authenticated)
        {
            errors.Add((429, "Rate limited; see Retry-After."));
        }

        operation.Responses ??= new OpenApiResponses();
        foreach (var (status, why) in errors.OrderBy(e => e.Status))
        {
            operation.Responses.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture), new OpenApiResponse
            {
                Description = why,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
                },
            });
        }

        if (authenticated)
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] });
        }
    }
}
