using System.Text.RegularExpressions;

namespace Community.IntegrationTests.Operations;

/// <summary>What docs/api.md documents: its HTTP calls and hub methods, read from its tables.</summary>
public static partial class ApiDocs
{
    public static string Root { get; } = FindRoot();

    public static string Text { get; } = File.ReadAllText(Path.Combine(Root, "docs", "api.md"));

    /// <summary>"METHOD /path" of every table row that starts with a call, parameters named <c>{}</c> and queries dropped.</summary>
    public static IReadOnlySet<string> HttpCalls { get; } = CallRow().Matches(Text)
        .Select(m => m.Groups["method"].Value + " " + Normalize(m.Groups["path"].Value))
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>Hub method name → parameters, from every table row that starts with <c>`Name(…)`</c>.</summary>
    public static IReadOnlyDictionary<string, string[]> HubMethods { get; } = HubRow().Matches(Text)
        .GroupBy(m => m.Groups["name"].Value)
        .ToDictionary(g => g.Key, g => SplitParameters(g.First().Groups["args"].Value), StringComparer.Ordinal);

    /// <summary>Route parameters become <c>{}</c> (the docs say <c>{id}</c> where a route says <c>{campaignId}</c>); no query, no trailing slash.</summary>
    public static string Normalize(string path)
    {
        var bare = path.Split('?')[0];
        bare = RouteParameter().Replace(bare, "{}");
        return bare.Length > 1 ? bare.TrimEnd('/') : bare;
    }

    private static string[] SplitParameters(string args)
    {
        var parameters = new List<string>();
        var depth = 0;
        var current = "";
        foreach (var c in args)
        {
            depth += c is '{' or '[' ? 1 : c is '}' or ']' ? -1 : 0;
            if (c == ',' && depth == 0)
            {
                parameters.Add(current.Trim());
                current = "";
            }
            else
            {
                current += c;
            }
        }

        if (current.Trim().Length > 0)
        {
            parameters.Add(current.Trim());
        }

        return [.. parameters];
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Community.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Community.sln not found above the test binaries.");
    }

    [GeneratedRegex(@"^\| `(?<method>GET|POST|PUT|DELETE|PATCH) (?<path>/[^` ]*)", RegexOptions.Multiline)]
    private static partial Regex CallRow();

    [GeneratedRegex(@"^\| `(?<name>[A-Z][A-Za-z]*)\((?<args>[^`]*)\)`", RegexOptions.Multiline)]
    private static partial Regex HubRow();

    [GeneratedRegex(@"\{[^}/]+\}")]
    private static partial Regex RouteParameter();
}
