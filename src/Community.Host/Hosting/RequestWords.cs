using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Community.Host.Hosting;

/// <summary>
/// Requests ASP.NET Core or System.Text.Json could not read, told in the caller's terms: which field or parameter,
/// and what JSON it takes. Their own messages name .NET types ("could not be converted to
/// Community.Host.Api.PostsApi+CommentInput"), which say nothing to a client and too much about the server.
/// </summary>
public static partial class RequestWords
{
    public const string NotJson = "Send the body as JSON, with the header Content-Type: application/json.";

    /// <summary>What a caller over <see cref="CommunityApp.MaxRequestBodyBytes"/> is told.</summary>
    public const string BodyTooLarge = "The request body is larger than the 64 KiB limit.";

    // The C# names ASP.NET Core prints for a route or query parameter's type.
    private static readonly Dictionary<string, Type> Keywords = new(StringComparer.Ordinal)
    {
        ["string"] = typeof(string), ["Guid"] = typeof(Guid), ["int"] = typeof(int), ["long"] = typeof(long), ["short"] = typeof(short),
        ["byte"] = typeof(byte), ["uint"] = typeof(uint), ["ulong"] = typeof(ulong), ["double"] = typeof(double), ["float"] = typeof(float),
        ["decimal"] = typeof(decimal), ["bool"] = typeof(bool), ["DateTime"] = typeof(DateTime), ["DateTimeOffset"] = typeof(DateTimeOffset),
    };

    public static string Json(JsonException json)
    {
        var where = Field(json.Path);
        if (ConvertedTo().Match(json.Message) is { Success: true } converted)
        {
            // The type named is sometimes the field's, sometimes the enclosing object's: walk the path from it.
            var typeName = converted.Groups["type"].Value;
            var kind = Leaf(typeName, json.Path) is { } leaf ? JsonKinds.Describe(leaf) : KindOf(typeName);
            return where is null
                ? $"The body must be {kind}."
                : $"The field '{where}' must be {kind}.";
        }

        if (MissingRequired().Match(json.Message) is { Success: true } missing)
        {
            return $"The body lacks required fields: {missing.Groups["names"].Value.Trim().TrimEnd('.')}.";
        }

        // A syntax error of the reader: its message names the offending character, never a type; positions are 0-based.
        var reason = Position().Replace(json.Message, "").Trim();
        var at = json.LineNumber is { } line && json.BytePositionInLine is { } column
            ? string.Create(CultureInfo.InvariantCulture, $" (line {line + 1}, character {column + 1})")
            : "";
        return NamesType().IsMatch(reason)
            ? $"The body is not valid JSON for this call{at}."
            : $"The body is not valid JSON{at}: {reason}";
    }

    public static string Request(BadHttpRequestException request)
    {
        var message = request.Message;
        if (request.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return BodyTooLarge;
        }

        if (request.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return NotJson;
        }

        if (message.StartsWith("Implicit body inferred for parameter", StringComparison.Ordinal))
        {
            return "This call needs a JSON body.";
        }

        if (NotProvided().Match(message) is { Success: true } missing)
        {
            return missing.Groups["source"].Value == "body"
                ? "This call needs a JSON body."
                : $"The parameter '{missing.Groups["name"].Value}' is required.";
        }

        if (FailedToBind().Match(message) is { Success: true } bind)
        {
            return $"The parameter '{bind.Groups["name"].Value}' must be {KindOf(bind.Groups["type"].Value)}; '{Shorten(bind.Groups["value"].Value)}' is not.";
        }

        if (FailedToRead().IsMatch(message))
        {
            return "The body could not be read as JSON for this call.";
        }

        // Anything else: keep the words, drop what names a type ("CommentInput input" becomes 'input').
        return ParameterWithType().Replace(message, "'${name}'");
    }

    private static string? Field(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    /// <summary>The type of the value at <paramref name="path"/> ("$.niches[0]") inside the type named <paramref name="typeName"/>.</summary>
    private static Type? Leaf(string typeName, string? path)
    {
        var type = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name?.StartsWith("Community", StringComparison.Ordinal) == true || a == typeof(string).Assembly)
            .Select(a => a.GetType(typeName)).FirstOrDefault(t => t is not null);
        if (type is null || type.IsPrimitive || type == typeof(string) || type == typeof(decimal) || Nullable.GetUnderlyingType(type) is not null)
        {
            return type;
        }

        foreach (Match segment in PathSegment().Matches(path ?? ""))
        {
            if (segment.Groups["index"].Success)
            {
                type = type.IsArray ? type.GetElementType() : type.GetInterfaces().Append(type)
                    .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
            }
            else
            {
                type = type.GetProperty(segment.Groups["name"].Value, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase)?.PropertyType;
            }

            if (type is null)
            {
                return null;
            }
        }

        return type;
    }

    /// <summary>A .NET type name (as System.Text.Json or ASP.NET Core print it) told as the JSON it takes (<see cref="JsonKinds"/>).</summary>
    private static string KindOf(string typeName)
    {
        var name = NullableOf().Match(typeName) is { Success: true } inner ? inner.Groups[1].Value : typeName;
        name = name.Trim().TrimEnd('?');
        var type = Keywords.GetValueOrDefault(name) ?? Type.GetType(name, throwOnError: false);
        return type is not null ? JsonKinds.Describe(type)
            : name.EndsWith("[]", StringComparison.Ordinal) || name.Contains("List`", StringComparison.Ordinal)
                || name.Contains("Enumerable`", StringComparison.Ordinal) || name.Contains("Collection`", StringComparison.Ordinal) ? "a list"
            : "a JSON object";
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    [GeneratedRegex(@"could not be converted to (?<type>.+?)\. Path:")]
    private static partial Regex ConvertedTo();

    [GeneratedRegex(@"missing required properties,? including:? (?<names>.+)$")]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"\s*(Path: \S*\s*\|\s*)?LineNumber: \d+ \| BytePositionInLine: \d+\.?")]
    private static partial Regex Position();

    [GeneratedRegex(@"System\.|Community\.|\+|`")]
    private static partial Regex NamesType();

    [GeneratedRegex(@"^Required parameter ""\S+ (?<name>\w+)"" was not provided from (?<source>[\w ]+)\.")]
    private static partial Regex NotProvided();

    [GeneratedRegex(@"^Failed to bind parameter ""(?<type>\S+) (?<name>\w+)"" from ""(?<value>.*)""\.", RegexOptions.Singleline)]
    private static partial Regex FailedToBind();

    [GeneratedRegex(@"^Failed to read parameter ""\S+ \w+"" from the request body")]
    private static partial Regex FailedToRead();

    [GeneratedRegex(@"""\S+ (?<name>\w+)""")]
    private static partial Regex ParameterWithType();

    [GeneratedRegex(@"\.(?<name>\w+)|\[(?<index>\d+)\]")]
    private static partial Regex PathSegment();

    [GeneratedRegex(@"Nullable(?:`1\[\[?|<)([^,\]>]+)")]
    private static partial Regex NullableOf();
}
