using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Community.Host.Hosting;
using Community.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace Community.IntegrationTests.Security;

/// <summary>
/// Thousands of hostile calls to every HTTP endpoint and hub method the host serves (found, not listed: a new one is
/// fuzzed without anyone adding it), by every kind of user, at the world's real resources. None may answer 5xx or
/// hang, the host must stay ready, and a refused call must leave the stored data as it was.
/// Replay a run with <c>COMMUNITY_FUZZ_SEED</c>; <c>COMMUNITY_FUZZ_CASES</c> sets how many calls.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed partial class FuzzTests(SecurityFixture fixture, ITestOutputHelper output)
{
    private const int DefaultSeed = 20_261_130;
    private const int DefaultCases = 5_000;
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(45);

    /// <summary>
    /// Failures already known and being fixed elsewhere, each with why; the lead removes an entry once its fix is
    /// merged. Kept short on purpose: anything else that fails here is new.
    /// </summary>
    private static readonly (string Why, Func<Outcome, bool> Matches)[] KnownDefects = [];

    [Fact]
    public async Task Thousands_of_hostile_calls_get_no_5xx_and_no_hang_and_a_refused_call_changes_nothing()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("COMMUNITY_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : DefaultSeed;
        var cases = int.TryParse(Environment.GetEnvironmentVariable("COMMUNITY_FUZZ_CASES"), CultureInfo.InvariantCulture, out var c) ? c : DefaultCases;
        output.WriteLine($"Fuzz seed {seed} (replay with COMMUNITY_FUZZ_SEED={seed}), {cases} cases.");

        var world = await SecurityWorld.BuildAsync(fixture.Host);
        var extraPosts = new[] { await world.Client(Role.CoHost).PublishAsync(world.Handles[Role.CoHost], "The co-host's post") };
        var endpoints = await ApiSurface.RestAsync(fixture.Host);
        var lanes = Lanes(endpoints);
        var targets = lanes.Sum(l => l.Rest.Count + l.Hub.Count);
        var results = new ConcurrentBag<Outcome>();
        var clock = Stopwatch.StartNew();
        var logLock = new object();
        void Log(string line)
        {
            lock (logLock)
            {
                output.WriteLine(line);
            }
        }

        await Task.WhenAll(lanes.Select((lane, i) => Task.Run(() => new LaneRun(
            lane, world, new FuzzInputs(new Random(seed + i), world, extraPosts), fixture.Host,
            Math.Max(1, cases * (lane.Rest.Count + lane.Hub.Count) / targets), clock, results, Log).RunAsync())));

        var all = results.ToList();
        var ready = await fixture.ReadyAsync();
        output.WriteLine($"{all.Count} calls in {clock.Elapsed.TotalSeconds:0.0} s; statuses: " +
            string.Join(", ", all.GroupBy(o => o.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}")));
        var binding = all.Where(o => o.Note?.StartsWith("binding", StringComparison.Ordinal) == true).ToList();
        output.WriteLine($"Hub calls refused by SignalR before the method ran (wrong argument types or count): {binding.Count}, e.g. {binding.FirstOrDefault()?.Note}");
        output.WriteLine($"Hub connections closed for a message over 32 KiB: {all.Count(o => o.Note == "too big")}");
        foreach (var group in all.Where(o => o.Note is not null && char.IsDigit(o.Note[0])).GroupBy(o => o.Note![..Math.Min(o.Note!.Length, 40)]))
        {
            output.WriteLine($"HTTP refusals, {group.Key}…: {group.Count()}, e.g. [{group.First().Case}] {group.First().Note} for {group.First().Description[..Math.Min(200, group.First().Description.Length)]}");
        }
        var failures = all.Where(o => o.Failure is not null).ToList();
        var known = failures.Where(o => KnownDefects.Any(k => k.Matches(o))).ToList();
        foreach (var (why, matches) in KnownDefects)
        {
            output.WriteLine($"Known defect '{why}': {failures.Count(matches)} cases.");
        }

        var unexplained = failures.Except(known).ToList();
        var untouched = lanes.SelectMany(l => l.Rest.Select(e => e.Key).Concat(l.Hub.Select(m => m.Name)))
            .Except(all.Select(o => o.Key)).ToList();

        // Refusals in the caller's terms: problem details that name no .NET type, and no hub argument error in SignalR's
        // own words. Kestrel answers a too-long URL (414) and a path with %00 (400) before the app runs, without a body.
        var unworded = all.Where(o => o.Note is { } note
            && (note.StartsWith("binding", StringComparison.Ordinal)
                || note.Contains("names a .NET type", StringComparison.Ordinal)
                || (note.EndsWith("not problem details", StringComparison.Ordinal) && o.Status != 414 && !o.Description.Contains("%00", StringComparison.Ordinal))))
            .ToList();

        Assert.True(ready, "The host is no longer ready after the fuzz run.");
        Assert.True(unworded.Count == 0,
            $"{unworded.Count} refusals not in the caller's terms (seed {seed}):\n  " +
            string.Join("\n  ", unworded.Take(20).Select(o => $"[{o.Case}] {o.Note}: {o.Description}")));
        Assert.True(untouched.Count == 0, "Never called: " + string.Join(", ", untouched));
        Assert.True(all.Count >= Math.Min(cases, 1_000), $"Only {all.Count} calls ran within {Budget.TotalSeconds} s.");
        Assert.True(unexplained.Count == 0,
            $"{unexplained.Count} of {all.Count} calls failed (seed {seed}):\n  " +
            string.Join("\n  ", unexplained.Take(40).Select(o => $"[{o.Case}] {o.Failure}: {o.Description}")));
    }

    /// <summary>Calls grouped by the resources they write, so that each group's stored state can be compared around each of its refused calls.</summary>
    private sealed record Lane(string Name, IReadOnlyList<RestEndpoint> Rest, IReadOnlyList<MethodInfo> Hub);

    public sealed record Outcome(string Case, string Key, int Status, bool Refused, string Description, string? Failure, string? Note = null);

    private static List<Lane> Lanes(IReadOnlyList<RestEndpoint> endpoints)
    {
        static string RestLane(RestEndpoint e) => e.Path.Split('/', StringSplitOptions.RemoveEmptyEntries) switch
        {
            ["api", "posts", ..] => "posts",
            ["api", "creators", ..] => "creators",
            ["api", "conversations", ..] => "conversations",
            ["api", "livestreams", ..] => "livestreams",
            ["api", "campaigns", ..] => "campaigns",
            _ => "other",
        };
        static string HubLane(MethodInfo m) => m.GetParameters().FirstOrDefault()?.Name switch
        {
            "postId" => "posts",
            "handle" => "creators",
            "conversationId" => "conversations",
            "liveId" => "livestreams",
            "campaignId" => "campaigns",
            _ => "other",
        };

        return new[] { "posts", "creators", "conversations", "livestreams", "campaigns", "other" }
            .Select(name => new Lane(name, endpoints.Where(e => RestLane(e) == name).ToList(), ApiSurface.HubMethods.Where(m => HubLane(m) == name).ToList()))
            .Where(l => l.Rest.Count + l.Hub.Count > 0)
            .ToList();
    }

    /// <summary>One lane's calls, one at a time, each refused write checked against the lane's stored state before and after it.</summary>
    private sealed class LaneRun(Lane lane, SecurityWorld world, FuzzInputs inputs, TestHost host, int quota, Stopwatch clock, ConcurrentBag<Outcome> results, Action<string> log)
    {
        private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH"];
        private readonly Dictionary<Role, HttpClient> _http = [];
        private readonly Dictionary<Role, HubConnection> _hubs = [];

        public async Task RunAsync()
        {
            try
            {
                foreach (var role in SecurityWorld.Roles)
                {
                    _http[role] = await host.ClientAsync(role == Role.Anonymous ? null : world.Handles[role]);
                }

                var state = await StateAsync();
                log($"Lane {lane.Name}: {lane.Rest.Count} endpoints, {lane.Hub.Count} hub methods; a refused call must leave: {Cut(state, 600)}");
                for (var n = 1; n <= quota && clock.Elapsed < Budget; n++)
                {
                    var id = $"{lane.Name}#{n}";
                    var hub = lane.Hub.Count > 0 && (lane.Rest.Count == 0 || inputs.Chance(0.4));
                    var (outcome, write) = hub ? await HubCaseAsync(id) : await RestCaseAsync(id);
                    if (write && outcome.Failure is null)
                    {
                        var after = await StateAsync();
                        if (outcome.Refused && after != state)
                        {
                            outcome = outcome with { Failure = $"refused with {outcome.Status} but changed the stored data: before {state}, after {after}" };
                        }

                        state = after;
                    }

                    results.Add(outcome);
                }
            }
            finally
            {
                foreach (var connection in _hubs.Values)
                {
                    await connection.DisposeAsync();
                }

                foreach (var client in _http.Values)
                {
                    client.Dispose();
                }
            }
        }

        private async Task<(Outcome, bool Write)> RestCaseAsync(string id)
        {
            var role = inputs.Pick(SecurityWorld.Roles);
            var endpoint = inputs.Pick(lane.Rest);
            var method = inputs.Chance(0.03) ? inputs.Pick(Methods) : endpoint.Method;
            var path = endpoint.Route.Aggregate(endpoint.Path, (p, f) => p.Replace("{" + f.Name + "}", inputs.UrlValue(f.Name, f.Type), StringComparison.Ordinal));
            var query = endpoint.Query.Where(_ => inputs.Chance(0.6)).Select(f => $"{f.Name}={inputs.UrlValue(f.Name, f.Type)}").ToList();
            if (inputs.Chance(0.05))
            {
                query.Add(inputs.Chance(0.5) && endpoint.Query.Count > 0 ? $"{endpoint.Query[0].Name}=1" : "x=%00");
            }

            var url = query.Count > 0 ? path + "?" + string.Join("&", query) : path;
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            var shape = "none";
            var bodyText = "";
            if ((endpoint.Body is not null && inputs.Chance(0.93)) || inputs.Chance(0.03))
            {
                var (bytes, s) = inputs.Body(endpoint.Body ?? []);
                shape = s;
                bodyText = Encoding.UTF8.GetString(bytes);
                request.Content = new ByteArrayContent(bytes);
                var type = inputs.Chance(0.94) ? "application/json" : inputs.Pick(["text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-16", ""]);
                if (type.Length > 0)
                {
                    request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
                }
            }

            var description = $"{role} {method} {Cut(url, 300)} body ({shape}, {bodyText.Length} chars): {Cut(bodyText, 300)}";
            var write = method != "GET";
            using var timeout = new CancellationTokenSource(CallTimeout);
            try
            {
                using var response = await _http[role].SendAsync(request, timeout.Token);
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync();
                var note = status < 400 ? null
                    : response.Content.Headers.ContentType?.MediaType != "application/problem+json" ? $"{status} not problem details"
                    : TypeName().IsMatch(text) ? $"{status} names a .NET type: {Cut(TypeName().Match(text).Value, 80)}"
                    : null;
                return (new Outcome(id, endpoint.Key, status, status >= 400, description, status >= 500 ? $"answered {status}: {Cut(text, 300)}" : null, note), write);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                return (new Outcome(id, endpoint.Key, 0, false, description, $"no answer within {CallTimeout.TotalSeconds} s"), false);
            }
            catch (HttpRequestException ex)
            {
                return (new Outcome(id, endpoint.Key, 0, false, description, $"the connection failed: {ex.Message}"), false);
            }
        }

        private async Task<(Outcome, bool Write)> HubCaseAsync(string id)
        {
            var role = inputs.Pick(SecurityWorld.Roles.Where(r => r != Role.Anonymous).ToList());
            var method = inputs.Pick(lane.Hub);
            var arguments = method.GetParameters().Select(p => (object?)Argument(p)).ToList();
            if (inputs.Chance(0.03))
            {
                arguments.Add(new RawJson(inputs.AnyJson(1)));
            }
            else if (inputs.Chance(0.03) && arguments.Count > 0)
            {
                arguments.RemoveAt(arguments.Count - 1);
            }

            var json = string.Join(", ", arguments.Select(a => a is RawJson r ? r.Json : "null"));
            var description = $"{role} hub {method.Name}({Cut(json, 400)}) ({json.Length} chars)";
            var connection = await HubAsync(role);
            using var timeout = new CancellationTokenSource(CallTimeout);
            try
            {
                await connection.InvokeCoreAsync(method.Name, typeof(object), arguments.ToArray(), timeout.Token);
                return (new Outcome(id, method.Name, 200, false, description, null), true);
            }
            catch (HubException ex)
            {
                if (ex.Message.StartsWith("The server closed the connection", StringComparison.Ordinal))
                {
                    return (Closed(id, method.Name, description, json, ex), true);
                }

                var match = StatusPattern().Match(ex.Message);
                if (match.Success)
                {
                    var status = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                    return (new Outcome(id, method.Name, status, true, description, status >= 500 ? Cut(ex.Message, 300) : null), true);
                }

                // SignalR refuses arguments it cannot bind before the method runs, in its own words and without a status.
                var binding = ex.Message.StartsWith("Failed to invoke", StringComparison.Ordinal);
                return (new Outcome(id, method.Name, 400, true, description, binding ? null : "a hub error without a status: " + Cut(ex.Message, 300), binding ? "binding: " + ex.Message : null), true);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                return (new Outcome(id, method.Name, 0, false, description, $"no answer within {CallTimeout.TotalSeconds} s"), false);
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException or NotSupportedException)
            {
                // The client could not even write the call; nothing reached the server.
                return (new Outcome(id, method.Name, -1, true, description, null, "not sent"), false);
            }
            catch (Exception ex) when (connection.State != HubConnectionState.Connected)
            {
                return (Closed(id, method.Name, description, json, ex), true);
            }
        }

        /// <summary>The documented answer to a hub message over 32 KiB is a closed connection that names the limit; any other close is a failure.</summary>
        private static Outcome Closed(string id, string method, string description, string json, Exception ex)
        {
            var tooBig = Encoding.UTF8.GetByteCount(json) > 32_000 && ex.Message.Contains("maximum message size", StringComparison.Ordinal);
            return new Outcome(id, method, 413, true, description, tooBig ? null : $"the connection closed: {ex.GetType().Name}: {Cut(ex.Message, 200)}", tooBig ? "too big" : null);
        }

        private RawJson? Argument(ParameterInfo parameter)
        {
            var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
            // Optional arguments are mostly left out, so that calls get past binding into the method.
            var optional = parameter.ParameterType != type || parameter.Name is "replyTo" or "clientId" or "via";
            if (inputs.Chance(optional ? 0.5 : 0.03))
            {
                return null;
            }

            var sane = inputs.Chance(0.5);
            if (type == typeof(string))
            {
                return new RawJson(inputs.FieldJson(parameter.Name!, "string", sane));
            }

            if (type == typeof(long) || type == typeof(int))
            {
                return new RawJson(inputs.FieldJson(parameter.Name!, "integer", sane));
            }

            // A record argument (Moderate's request): an object of its properties, or any JSON.
            var fields = type.GetProperties().Select(p => new ApiField(JsonNamingPolicy.CamelCase.ConvertName(p.Name), JsonType(p.PropertyType))).ToList();
            var (bytes, _) = inputs.Body(fields);
            var json = Encoding.UTF8.GetString(bytes);
            try
            {
                using var _ = JsonDocument.Parse(json);
                return new RawJson(json);
            }
            catch (JsonException)
            {
                // A hub argument cannot be broken JSON without breaking the whole SignalR frame; send any value instead.
                return new RawJson(inputs.AnyJson(2));
            }
        }

        private static string JsonType(Type type)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            return type == typeof(string) ? "string"
                : type == typeof(bool) ? "boolean"
                : type.IsPrimitive || type == typeof(decimal) ? "integer"
                : typeof(System.Collections.IEnumerable).IsAssignableFrom(type) ? "array"
                : "object";
        }

        private async Task<HubConnection> HubAsync(Role role)
        {
            if (_hubs.TryGetValue(role, out var existing))
            {
                if (existing.State == HubConnectionState.Connected)
                {
                    return existing;
                }

                await existing.DisposeAsync();
            }

            var token = await host.TokenAsync(world.Handles[role]);
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(host.BaseAddress, CommunityApp.HubPath), o =>
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                    o.Transports = HttpTransportType.WebSockets;
                    o.SkipNegotiation = true;
                })
                .Build();
            await connection.StartAsync();
            return _hubs[role] = connection;
        }

        /// <summary>What a refused call in this lane must not change: the stored state of the world's resources it targets, as their owners read it.</summary>
        private async Task<string> StateAsync()
        {
            var creator = _http[Role.Creator];
            return lane.Name switch
            {
                "posts" => string.Join(" | ", await Task.WhenAll(new[] { world.PostId }.Concat(inputs.ExtraPosts).Select(p =>
                    ReadAsync(creator, $"/api/posts/{p}", "text", "likes", "comments", "shares", "saves", "views", "creatorReplies", "lastSeq")))),
                "creators" => string.Join(" | ",
                    await ReadAsync(creator, $"/api/creators/{world.Creator}", "displayName", "niches", "bio", "followers", "posts"),
                    await ReadAsync(creator, $"/api/creators/{world.Guest}", "displayName", "niches", "bio", "followers", "posts"),
                    await ReadAsync(creator, $"/api/creators/{world.Creator}/dm-policy"),
                    await ReadAsync(creator, $"/api/creators/{world.Creator}/blocked")),
                "conversations" => string.Join(" | ",
                    await ReadAsync(creator, $"/api/conversations/{world.ConversationId}/messages?limit=1", "lastSeq"),
                    await ReadAsync(creator, "/api/conversations"),
                    await ReadAsync(_http[Role.Fan], "/api/conversations")),
                "livestreams" => string.Join(" | ",
                    await ReadAsync(creator, $"/api/livestreams/{world.LiveId}", "title", "status", "hosts", "invited", "moderators", "settings", "pinned", "lastSeq", "campaignId"),
                    await ReadAsync(creator, $"/api/livestreams/{world.LiveId}/moderation?limit=1", "lastSeq", "moderators", "blockedTerms")),
                // Not its post count: a publish in the creators' lane may attach a post to it.
                "campaigns" => await ReadAsync(_http[Role.CampaignOwner], $"/api/campaigns/{world.CampaignId}", "name", "owner", "budget", "creators", "members"),
                _ => "",
            };
        }

        private static async Task<string> ReadAsync(HttpClient client, string url, params string[] fields)
        {
            using var response = await client.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return $"{url}: {(int)response.StatusCode}";
            }

            if (fields.Length == 0)
            {
                return body;
            }

            var root = JsonDocument.Parse(body).RootElement;
            return string.Join(",", fields.Select(f => root.TryGetProperty(f, out var v) ? $"{f}={v.GetRawText()}" : $"{f}=?"));
        }

        private static string Cut(string text, int length) => text.Length <= length ? text : text[..length] + $"…(+{text.Length - length})";
    }

    [GeneratedRegex(@"\b(Community|System|Microsoft)\.[A-Za-z.+]+|\b[A-Z][A-Za-z]*Exception\b")]
    private static partial Regex TypeName();

    [GeneratedRegex(@"HubException: (\d{3}) ")]
    private static partial Regex StatusPattern();
}

/// <summary>A hub argument written as the JSON text it holds, unchecked: how a hostile client writes wrong types, edge numbers and unpaired surrogates.</summary>
[JsonConverter(typeof(RawJsonConverter))]
public sealed record RawJson(string Json);

public sealed class RawJsonConverter : JsonConverter<RawJson>
{
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(JsonDocument.ParseValue(ref reader).RootElement.GetRawText());

    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Json, skipInputValidation: true);
}
