using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Community.Host.Hosting;

/// <summary>Section <c>Telemetry</c>: metrics, traces and log format.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>Whether <see cref="PrometheusPath"/> serves metrics for a Prometheus scraper; unset means on in Development only.</summary>
    public bool? Prometheus { get; set; }

    [Required]
    [RegularExpression("^/[A-Za-z0-9/_-]*$")]
    public string PrometheusPath { get; set; } = "/metrics";

    /// <summary>An OTLP collector (such as <c>http://127.0.0.1:4317</c>) that receives traces and metrics; none when unset.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary><c>Grpc</c> (port 4317 by convention) or <c>HttpProtobuf</c> (4318; <c>/v1/traces</c> and <c>/v1/metrics</c> are appended).</summary>
    public OtlpExportProtocol OtlpProtocol { get; set; } = OtlpExportProtocol.Grpc;

    /// <summary>Service name the telemetry carries (<c>service.name</c>).</summary>
    [Required]
    public string ServiceName { get; set; } = "community";

    /// <summary>One JSON object per console log line, with the trace and span ids of the request or grain call.</summary>
    public bool JsonLogs { get; set; }
}

/// <summary>
/// OpenTelemetry for the host: ASP.NET Core, SignalR, Orleans and the project's own meters (every meter named
/// <c>Community.*</c>, so a new one appears without a change here), scraped at <c>/metrics</c> and/or pushed over OTLP.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>Meter and activity source names the project's own instruments use (<c>Community.Journal</c>, <c>Community.Realtime</c> …).</summary>
    public const string CommunityWildcard = "Community.*";

    /// <summary>Orleans' meter (grain calls, activations, messaging, membership).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Activity sources a comment passes through besides the HTTP request (ASP.NET Core's instrumentation): hub invocations and grain calls.</summary>
    public static readonly string[] TraceSources =
    [
        "Microsoft.AspNetCore.SignalR.Server",
        "Microsoft.Orleans.Application",
        "Microsoft.Orleans.Runtime",
        CommunityWildcard,
    ];

    public static WebApplicationBuilder AddCommunityTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.OtlpEndpoint is null || o.OtlpEndpoint is { IsAbsoluteUri: true, Scheme: "http" or "https" },
                "Telemetry:OtlpEndpoint must be an absolute http(s) URI such as http://127.0.0.1:4317.")
            .ValidateOnStart();
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var prometheus = options.Prometheus ?? builder.Environment.IsDevelopment();

        // Log scopes carry the trace of the request or grain call the line belongs to.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        if (options.JsonLogs)
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
            builder.Services.Configure<ConsoleLoggerOptions>(o => o.FormatterName = ConsoleFormatterNames.Json);
        }

        // Traces cost an activity per request and grain call: collected only when they go somewhere, or when
        // log lines should carry the ids of grain calls (an activity exists only where something listens).
        var tracing = options.OtlpEndpoint is not null || options.JsonLogs;
        if (!prometheus && !tracing)
        {
            return builder;
        }

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.ServiceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId));
        if (prometheus || options.OtlpEndpoint is not null)
        {
            otel.WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    // SignalR connections and their durations.
                    .AddMeter("Microsoft.AspNetCore.Http.Connections")
                    .AddMeter(OrleansMeter)
                    .AddMeter(CommunityWildcard);
                if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }

                if (options.OtlpEndpoint is not null)
                {
                    metrics.AddOtlpExporter(o => Otlp(o, options, "v1/metrics"));
                }
            });
        }

        if (tracing)
        {
            otel.WithTracing(traces =>
            {
                traces.AddAspNetCoreInstrumentation(o => o.Filter = context => !IsScrape(context, options))
                    .AddSource(TraceSources);
                if (options.OtlpEndpoint is not null)
                {
                    traces.AddOtlpExporter(o => Otlp(o, options, "v1/traces"));
                }
            });
        }

        return builder;
    }

    /// <summary>Maps the Prometheus scrape endpoint when it is switched on.</summary>
    public static WebApplication MapCommunityTelemetry(this WebApplication app)
    {
        var options = app.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (options.Prometheus ?? app.Environment.IsDevelopment())
        {
            // Anonymous like /health: expose it on a network only a scraper reaches (see the README).
            app.MapPrometheusScrapingEndpoint(options.PrometheusPath).AllowAnonymous();
        }

        return app;
    }

    // Over HTTP each signal has its own path, which an endpoint set in code must include (gRPC has one endpoint).
    private static void Otlp(OtlpExporterOptions exporter, TelemetryOptions options, string signalPath)
    {
        exporter.Protocol = options.OtlpProtocol;
        var endpoint = options.OtlpEndpoint!;
        exporter.Endpoint = options.OtlpProtocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath)
            : endpoint;
    }

    private static bool IsScrape(HttpContext context, TelemetryOptions options) =>
        context.Request.Path.StartsWithSegments(options.PrometheusPath) || context.Request.Path.StartsWithSegments("/health");
}
