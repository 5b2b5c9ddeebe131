using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Community.IntegrationTests.Infrastructure;
using Community.Posts;
using Community.Realtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Community.IntegrationTests.Operations;

/// <summary>Metrics at /metrics and one trace per comment, as an operator's Prometheus and trace viewer see them.</summary>
[Collection(OperationsCollection.Name)]
public sealed partial class TelemetryTests(OperationsFixture hosts)
{
    [Fact]
    public async Task After_traffic_the_prometheus_endpoint_shows_the_projects_orleans_and_signalr_meters_with_values()
    {
        var creator = ClusterFixture.Unique("cr");
        var postId = await (await hosts.Development.CreatorAsync(creator)).PublishAsync(creator);
        await using var watcher = await hosts.Development.ConnectAsync(ClusterFixture.Unique("w"));
        await watcher.InvokeAsync<CommentCatchUp>("SubscribePost", postId, null);
        var fan = await hosts.Development.ClientAsync(ClusterFixture.Unique("fan"));
        await fan.CommentAsync(postId, "counted");
        await fan.CommentAsync(postId, "counted too");

        // The exporter caches a scrape for 300 ms, and the collection's other tests scrape this host too: a scrape may
        // predate this test's connection. Scrape until the watcher shows (Prometheus scrapes every few seconds anyway).
        using var scraper = await hosts.Development.ClientAsync(null);
        var text = "";
        var deadline = DateTime.UtcNow.AddSeconds(10);
        do
        {
            var response = await scraper.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            text = await response.Content.ReadAsStringAsync();
            if (text.Contains("signalr_server_active_connections") && Value(text, "signalr_server_active_connections") >= 1) break;
            await Task.Delay(400);
        }
        while (DateTime.UtcNow < deadline);

        // The journal's meter (Community.Journal): batches and the writes they carried, i.e. the group-commit factor.
        Assert.True(Value(text, "community_journal_batches_total") >= 1, "journal batches missing or zero");
        Assert.True(Value(text, "community_journal_ops_total") >= 2, "journal ops missing or below the two comments");
        Assert.True(Value(text, "community_journal_commit_duration_seconds_count") >= 1, "no storage latency recorded");
        // Orleans' own meter and ASP.NET Core's (SignalR connections included).
        Assert.Matches(OrleansSeries(), text);
        Assert.True(Value(text, "signalr_server_active_connections") >= 1, "no SignalR connection counted");
        Assert.True(Value(text, "http_server_request_duration_seconds_count") >= 1, "no HTTP request counted");
    }

    [Fact]
    public async Task Refused_writes_are_counted_where_prometheus_is_switched_on_by_configuration()
    {
        await using var host = await TestHost.StartAsync("rl-" + Guid.NewGuid().ToString("N")[..12], settings: new Dictionary<string, string?>
        {
            ["Telemetry:Prometheus"] = "true",
            ["RateLimits:WritesPerSecond"] = "1",
            ["RateLimits:Burst"] = "1",
        });
        var creator = ClusterFixture.Unique("cr");
        var client = await host.CreatorAsync(creator);
        var refused = 0;
        for (var i = 0; i < 5; i++)
        {
            var response = await client.PostAsJsonAsync($"/api/creators/{creator}/posts", new { text = $"post {i}" });
            refused += response.StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0;
        }

        using var scraper = await host.ClientAsync(null);
        var text = await scraper.GetStringAsync("/metrics");

        Assert.True(refused >= 1, "The burst of one should have refused a write.");
        Assert.True(Value(text, "community_ratelimit_refusals_total") >= refused);
    }

    [Fact]
    public async Task Outside_development_the_scrape_endpoint_is_off_unless_configured()
    {
        using var anonymous = await hosts.Production.ClientAsync(null);

        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task One_comment_is_one_trace_from_the_http_request_through_the_grain_to_the_relays()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.TraceId == traceId)
                {
                    spans.Enqueue(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var creator = ClusterFixture.Unique("cr");
        var postId = await (await hosts.Development.CreatorAsync(creator)).PublishAsync(creator);
        await using var watcher = await hosts.Production.ConnectAsync(ClusterFixture.Unique("w"));
        var seen = new EventLog<Comment>(watcher, ClientEvents.CommentAdded);
        await watcher.InvokeAsync<CommentCatchUp>("SubscribePost", postId, null);

        var fan = await hosts.Development.ClientAsync(ClusterFixture.Unique("fan"));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/posts/{postId}/comments") { Content = JsonContent.Create(new { text = "traced" }) };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        Assert.Equal(HttpStatusCode.Created, (await fan.SendAsync(request)).StatusCode);
        await seen.WaitForAsync(c => c.Text == "traced");

        // Spans end after their work: the relay's once it has written to its connections.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!spans.Any(IsRelay) && !timeout.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }

        var names = string.Join(", ", spans.Select(s => $"{s.Source.Name}:{s.DisplayName}"));
        Assert.Contains(spans, s => s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server);
        Assert.True(spans.Any(s => s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && s.DisplayName.Contains("IPostGrain", StringComparison.Ordinal)),
            $"No grain call of the post in the trace: {names}");
        Assert.True(spans.Any(IsRelay), $"No relay delivery in the trace: {names}");
    }

    [Fact]
    public async Task Json_logs_switched_on_by_configuration_carry_the_requests_trace_id_in_the_request_and_the_grain_call_lines()
    {
        // The console logger keeps the writer it finds at start: capture from before this host starts (other
        // hosts starting meanwhile write here too; every line still reaches the real console).
        var original = Console.Out;
        var captured = new CapturingWriter(original);
        Console.SetOut(captured);
        TestHost host;
        try
        {
            host = await TestHost.StartAsync("json-" + Guid.NewGuid().ToString("N")[..12], settings: new Dictionary<string, string?>
            {
                ["Telemetry:JsonLogs"] = "true",
                // "Request starting …" lines, so that a request writes at least one; the post grain's line for a
                // stored comment, so that a grain call writes one.
                ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
                ["Logging:LogLevel:Community.Grains.Posts.PostGrain"] = "Debug",
            });
        }
        finally
        {
            Console.SetOut(original);
        }

        await using (host)
        {
            var creator = ClusterFixture.Unique("cr");
            var postId = await (await host.CreatorAsync(creator)).PublishAsync(creator);
            var traceId = ActivityTraceId.CreateRandom().ToString();
            var fan = await host.ClientAsync(ClusterFixture.Unique("fan"));
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/posts/{postId}/comments") { Content = JsonContent.Create(new { text = "logged" }) };
            request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
            Assert.Equal(HttpStatusCode.Created, (await fan.SendAsync(request)).StatusCode);

            // The request's own line and the grain call's line both carry the trace id the caller sent.
            var requestLine = await LineAsync(captured, traceId, "Microsoft.AspNetCore.Hosting.Diagnostics");
            var grainLine = await LineAsync(captured, traceId, "Community.Grains.Posts.PostGrain");
            Assert.False(string.IsNullOrEmpty(requestLine.GetProperty("Message").GetString()));
            Assert.Contains(postId, grainLine.GetProperty("Message").GetString());
        }
    }

    /// <summary>The first JSON line of <paramref name="category"/> whose scopes carry the trace; the console logger writes on its own thread, so within a bound.</summary>
    private static async Task<JsonElement> LineAsync(CapturingWriter captured, string traceId, string category)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!timeout.IsCancellationRequested)
        {
            var line = captured.Lines().Select(TryJson)
                .FirstOrDefault(j => j is { } json && json.GetProperty("Category").GetString() == category && ScopesCarry(json, traceId));
            if (line is { } found)
            {
                return found;
            }

            await Task.Delay(20, CancellationToken.None);
        }

        Assert.Fail($"No JSON log line of {category} carries trace {traceId}; captured: {string.Join('\n', captured.Lines().TakeLast(5))}");
        return default;
    }

    [Fact]
    public async Task With_an_otlp_endpoint_configured_traces_and_metrics_are_sent_to_the_collector()
    {
        // A stand-in collector: OTLP over HTTP, recording which signals arrive.
        var received = new ConcurrentQueue<string>();
        var collectorBuilder = WebApplication.CreateSlimBuilder();
        collectorBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        collectorBuilder.Logging.ClearProviders();
        await using var collector = collectorBuilder.Build();
        collector.MapPost("/v1/{signal}", async (string signal, HttpRequest body) =>
        {
            await body.Body.CopyToAsync(Stream.Null);
            received.Enqueue(signal);
            return Results.Ok();
        });
        await collector.StartAsync();
        var collectorUrl = collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        await using var host = await TestHost.StartAsync("otlp-" + Guid.NewGuid().ToString("N")[..12], settings: new Dictionary<string, string?>
        {
            ["Telemetry:OtlpEndpoint"] = collectorUrl,
            ["Telemetry:OtlpProtocol"] = "HttpProtobuf",
        });
        var creator = ClusterFixture.Unique("cr");
        var postId = await (await host.CreatorAsync(creator)).PublishAsync(creator);
        await (await host.ClientAsync(ClusterFixture.Unique("fan"))).CommentAsync(postId, "exported");

        // Exporters batch (traces every 5 s, metrics every minute): flush rather than wait.
        Assert.True(host.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));
        Assert.True(host.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));

        Assert.Contains("traces", received);
        Assert.Contains("metrics", received);
    }

    private static JsonElement? TryJson(string line)
    {
        try
        {
            return line.StartsWith('{') ? JsonDocument.Parse(line).RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool ScopesCarry(JsonElement line, string traceId) =>
        line.TryGetProperty("Scopes", out var scopes)
        && scopes.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("TraceId", out var t) && t.GetString() == traceId);

    /// <summary>Passes everything on to the real console and keeps the lines.</summary>
    private sealed class CapturingWriter(TextWriter inner) : TextWriter
    {
        private readonly StringBuilder _text = new();

        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value)
        {
            lock (_text)
            {
                _text.Append(value);
            }

            inner.Write(value);
        }

        public override void Write(string? value)
        {
            lock (_text)
            {
                _text.Append(value);
            }

            inner.Write(value);
        }

        public string[] Lines()
        {
            lock (_text)
            {
                return _text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            }
        }
    }

    private static bool IsRelay(Activity span) =>
        span.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && span.DisplayName.Contains("Relay", StringComparison.Ordinal)
        && !span.DisplayName.Contains("Directory", StringComparison.Ordinal);

    /// <summary>The sum of a series' samples (every label set) in Prometheus text format.</summary>
    private static double Value(string text, string series)
    {
        var values = Regex.Matches(text, $@"^{Regex.Escape(series)}(?:\{{[^}}]*\}})? (?<v>\S+)", RegexOptions.Multiline)
            .Select(m => double.Parse(m.Groups["v"].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.True(values.Count > 0, $"/metrics has no series {series}.");
        return values.Sum();
    }

    [GeneratedRegex(@"^orleans_\w+", RegexOptions.Multiline)]
    private static partial Regex OrleansSeries();
}
