using System.Globalization;
using System.Text;
using System.Text.Json;
using Community.Conversations;
using Community.Livestreams;
using Community.Posts;

namespace Community.IntegrationTests.Security;

/// <summary>
/// Hostile but cheap values, drawn from one seeded <see cref="Random"/>: JSON of every shape and wrong types, sizes
/// around every limit, Unicode that is invisible, reversed, unpaired or NUL, numbers at the edges, and the ids of
/// the world's resources (mostly other users'), so calls reach real grains and not only the 404 of a bad id.
/// </summary>
public sealed class FuzzInputs(Random random, SecurityWorld world, IReadOnlyList<string> extraPosts)
{
    private static readonly string[] Nasty =
    [
        "", " ", "\t\r\n", "\u200B", "\u200B\u200C\u200D\u2060\uFEFF", "\u202E", "\u202Egnp.exe", "\u2066\u2067\u2069", "\0", "a\0b",
        "\u0001\u0007\u001B[31m", "\uD800", "\uDC00", "a\uD83Dz", "😀", "👩‍👩‍👧‍👦", "e\u0301\u0301\u0301", "Ｆｕｌｌｗｉｄｔｈ", "ǅǈ", "İı",
        "مرحبا بالعالم", "\u00AD", "\u180E", "\u3164", "\u115F", "null", "undefined", "true", "0", "-1", "NaN", "Infinity",
        "<script>alert(1)</script>", "' OR '1'='1", "../../../etc/passwd", "%00%2e%2e%2f", "${jndi:ldap://x}", "{{7*7}}", "\\", "\"",
        "a~b", "~", "aaa~aaa", "-", "c", "c0000000000000", "aaaaaaaaaaaa", "AAAAAAAAAAAA", "abc_", "a", "ab", "abc", new string('a', 31),
    ];

    private static readonly string[] Numbers =
    [
        "0", "1", "-1", "2", "2147483647", "2147483648", "-2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "18446744073709551616", "1e308", "-1e308", "1e309", "1e-320", "0.5", "1.000000000000000000001", "-0",
        "1E2", "100000000", "100000000.001", "99999999999999999999999999999999999999", "120", "121", "1209600", "1209601",
    ];

    private static readonly string[] Kinds = ["like", "share", "save", "Like", "LIKE", "like ", "dislike", "", "likе"];

    private static readonly string[] Actions =
    [
        "remove", "timeout", "ban", "unban", "slowMode", "followersOnly", "pin", "unpin", "addModerator", "removeModerator",
        "blockTerms", "unblockTerms", "Ban", "delete", "",
    ];

    /// <summary>The fields a call cannot do without; the rest are optional.</summary>
    private static readonly HashSet<string> Required = ["text", "kind", "with", "handle", "title", "name", "creators", "action", "seq", "policy", "user", "displayName", "niches"];

    private static readonly string[] Policies = ["everyone", "followersOnly", "nobody", "Everyone", "all", ""];

    public Random Random => random;

    public IReadOnlyList<string> ExtraPosts => extraPosts;

    public bool Chance(double p) => random.NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>A string that is hostile for its content or size: nasty pieces, joined or repeated around the limits.</summary>
    public string NastyString()
    {
        return random.Next(10) switch
        {
            0 => new string(Pick(['x', '\u200B', '\u202E', 'é', '\0', ' ']), Pick([1, 60, 61, 140, 141, 500, 501, 1_999, 2_000, 2_001, 10_000])),
            1 => string.Concat(Enumerable.Repeat(Pick(Nasty), random.Next(1, 400))),
            2 => "a" + new string('\u0301', random.Next(1, 3_000)),
            3 => string.Concat(Enumerable.Range(0, random.Next(1, 6)).Select(_ => Pick(Nasty))) + Pick(["hi", "", " x "]),
            4 => Id(),
            5 => Handle(),
            _ => Pick(Nasty),
        };
    }

    /// <summary>A handle: the world's people (creators, a fan without a profile, the caller's peers) or a well-formed stranger.</summary>
    public string Handle() => random.Next(8) switch
    {
        0 => world.Guest,
        1 => world.Bystander,
        2 => "ghost_" + random.Next(1_000_000).ToString(CultureInfo.InvariantCulture),
        3 => Pick(Nasty),
        4 => world.Creator.ToUpperInvariant(),
        _ => Pick(world.Handles.Values.ToList()),
    };

    /// <summary>An id of any kind: the world's (post, comment, room, chat message, campaign, conversation), well-formed unknown ones, or malformed ones.</summary>
    public string Id() => random.Next(14) switch
    {
        0 => world.PostId,
        1 => Pick(extraPosts),
        2 => world.FanCommentId,
        3 => world.LiveId,
        4 => world.ChatMessageId,
        5 => world.CampaignId,
        6 => world.ConversationId,
        7 => PostKey.New(),
        8 => LiveKey.New(),
        9 => "c" + PostKey.New(),
        10 => ConversationKey.Of(Handle(), Handle()),
        11 => world.PostId + "-" + Pick(Numbers),
        12 => world.LiveId + "-" + Pick(Numbers),
        _ => Pick(Nasty),
    };

    /// <summary>A value for a field that means something: right-typed and meaningful most of the time, else anything.</summary>
    public string FieldJson(string name, string type, bool sane = false)
    {
        if (!sane && Chance(0.25))
        {
            return AnyJson(3);
        }

        var lower = name.ToLowerInvariant();
        return lower switch
        {
            "postid" => Str(Chance(0.7) ? Pick([world.PostId, .. extraPosts]) : Id()),
            "liveid" => Str(Chance(0.7) ? world.LiveId : Id()),
            "campaignid" => Str(Chance(0.6) ? world.CampaignId : Id()),
            "conversationid" => Str(Chance(0.6) ? world.ConversationId : Id()),
            "replyto" or "messageid" => Str(Chance(0.6) ? Pick([world.FanCommentId, world.ChatMessageId]) : Id()),
            "handle" or "with" or "target" or "via" or "user" or "blocked" => Str(Handle()),
            "creators" => "[" + string.Join(",", Enumerable.Range(0, Pick([0, 1, 2, 5, 201])).Select(_ => Str(Handle()))) + "]",
            "terms" or "niches" => "[" + string.Join(",", Enumerable.Range(0, Pick([0, 1, 3, 11, 51])).Select(_ => Str(NastyString()))) + "]",
            "kind" => Str(Pick(Kinds)),
            "action" => Str(Pick(Actions)),
            "policy" => Str(Pick(Policies)),
            "enabled" => Pick(["true", "false", "null", "1", "\"true\""]),
            _ when type is "integer" or "number" => Pick(Numbers),
            _ when type == "boolean" => Pick(["true", "false"]),
            _ when type == "array" => "[" + string.Join(",", Enumerable.Range(0, random.Next(0, 4)).Select(_ => Str(NastyString()))) + "]",
            _ => Str(Chance(0.3) ? Pick(["A fine text", "Hello!", "ok"]) : NastyString()),
        };
    }

    /// <summary>Any JSON value, nested up to <paramref name="depth"/>.</summary>
    public string AnyJson(int depth)
    {
        switch (random.Next(depth > 0 ? 8 : 5))
        {
            case 0:
                return Pick(["null", "true", "false"]);
            case 1:
            case 2:
                return Pick(Numbers);
            case 3:
            case 4:
                return Str(NastyString());
            case 5:
            case 6:
                return "[" + string.Join(",", Enumerable.Range(0, random.Next(0, 5)).Select(_ => AnyJson(depth - 1))) + "]";
            default:
                return "{" + string.Join(",", Enumerable.Range(0, random.Next(0, 5)).Select(_ => Str(Pick(["text", "kind", "handle", "$type", "__proto__", "", "a"])) + ":" + AnyJson(depth - 1))) + "}";
        }
    }

    /// <summary>A JSON body for a call taking <paramref name="fields"/>: mostly an object of them, else any shape, broken JSON or too big.</summary>
    public (byte[] Bytes, string Shape) Body(IReadOnlyList<ApiField> fields)
    {
        switch (random.Next(20))
        {
            case 0:
                return (Encoding.UTF8.GetBytes(Pick(["{", "{\"text\":", "[1,2", "{'text':'x'}", "tru", "{\"text\":\"a\"}}", "\uFEFF{}", "{\"a\":1,}", "//\n{}"])), "broken JSON");
            case 1:
                return ([0x7B, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0xFF, 0xED, 0xA0, 0x80, 0x22, 0x7D], "invalid UTF-8");
            case 2:
                return (Encoding.UTF8.GetBytes(AnyJson(2)), "any JSON");
            case 3:
                return (Encoding.UTF8.GetBytes("{\"text\":\"" + new string('x', Pick([65_000, 70_000, 300_000])) + "\"}"), "too big");
            case 4:
                return (Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("[", Pick([64, 65, 1_000]))) + string.Concat(Enumerable.Repeat("]", 3))), "deep nesting");
            case 5:
            case 6:
            case 7:
            case 8:
            case 9:
            case 10:
                // Plausible: the required fields right-typed (hostile only in content), the optional ones mostly left out,
                // so that calls get past the shape checks into the grains and some are accepted.
                var plausible = fields
                    .Where(f => Required.Contains(f.Name) || Chance(0.3))
                    .Select(f => Str(f.Name) + ":" + FieldJson(f.Name, f.Type, sane: true))
                    .ToList();
                return (Encoding.UTF8.GetBytes("{" + string.Join(",", plausible) + "}"), "plausible object");
            default:
                var properties = fields
                    .Where(_ => Chance(0.8))
                    .Select(f => Str(Chance(0.05) ? f.Name.ToUpperInvariant() : f.Name) + ":" + FieldJson(f.Name, f.Type))
                    .ToList();
                if (Chance(0.15))
                {
                    properties.Add(Str(Pick(["extra", "author", "seq", "id", "$type", ""])) + ":" + AnyJson(2));
                }

                if (Chance(0.05) && properties.Count > 0)
                {
                    properties.Add(properties[0]);
                }

                return (Encoding.UTF8.GetBytes("{" + string.Join(",", properties) + "}"), "object");
        }
    }

    /// <summary>A route or query value, percent-encoded as a hostile client would send it (unpaired surrogates as raw bytes).</summary>
    public string UrlValue(string name, string type)
    {
        var lower = name.ToLowerInvariant();
        var value = lower switch
        {
            "postid" => Chance(0.7) ? Pick([world.PostId, .. extraPosts]) : Id(),
            "liveid" => Chance(0.7) ? world.LiveId : Id(),
            "campaignid" => Chance(0.7) ? world.CampaignId : Id(),
            "conversationid" => Chance(0.6) ? world.ConversationId : Id(),
            "handle" or "blocked" => Chance(0.8) ? Handle() : NastyString(),
            _ when type is "integer" or "number" => Pick(Numbers),
            _ => Chance(0.5) ? Pick(Numbers) : NastyString(),
        };
        return Encode(value.Length > 3_000 ? value[..3_000] : value);
    }

    private static string Encode(string value)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
            {
                sb.Append(c);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                foreach (var b in Encoding.UTF8.GetBytes(value.Substring(i++, 2)))
                {
                    sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }
            else if (char.IsSurrogate(c))
            {
                // What a client with a broken encoder sends: the surrogate's own three UTF-8-shaped bytes (invalid UTF-8).
                sb.Append("%ED%").Append((0x80 | ((c >> 6) & 0x3F)).ToString("X2", CultureInfo.InvariantCulture)).Append('%').Append((0x80 | (c & 0x3F)).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                foreach (var b in Encoding.UTF8.GetBytes(c.ToString()))
                {
                    sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }
        }

        return sb.ToString();
    }

    /// <summary>A JSON string literal; unpaired surrogates stay as \uD800 escapes, as a hostile client may write them.</summary>
    public static string Str(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\').Append(c);
            }
            else if (c < 0x20 || char.IsSurrogate(c) || c > 0x7E)
            {
                sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>Parses generated JSON for a hub argument (the SignalR client writes a <see cref="JsonElement"/> as it is).</summary>
    public static JsonElement Element(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
