using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Community.LoadTests.Workload;

namespace Community.LoadTests.Client.Raw;

/// <summary>
/// The SignalR JSON hub protocol, as far as the raw receiver needs it: the handshake, records separated by 0x1E, and one
/// forward pass over a record that picks out its type, target, invocation id, error, and of a push's first argument the
/// stream id, <c>seq</c> and the driver's stamp in <c>text</c>. Nothing else is materialized: no objects, no strings.
/// </summary>
public static class HubRecords
{
    public const byte Separator = 0x1E;

    public const int InvocationType = 1;
    public const int CompletionType = 3;
    public const int PingType = 6;
    public const int CloseType = 7;

    /// <summary>The longest stream id the receiver reads without allocating (ids are far shorter).</summary>
    public const int MaxStreamIdChars = 256;

    /// <summary>The longest escaped text the stamp is looked for in (the driver's stamps are never escaped).</summary>
    private const int MaxEscapedTextBytes = 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static ReadOnlySpan<byte> Handshake => "{\"protocol\":\"json\",\"version\":1}\u001e"u8;

    /// <summary>What a client sends so that the server's <c>ClientTimeoutInterval</c> (30 s by default) does not close it.</summary>
    public static ReadOnlySpan<byte> Ping => "{\"type\":6}\u001e"u8;

    /// <summary>An invocation record (with its separator) of <paramref name="method"/> with positional arguments, camelCase JSON.</summary>
    public static byte[] Invocation(long invocationId, string method, IReadOnlyList<object?> arguments)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("type"u8, InvocationType);
            writer.WriteString("invocationId"u8, invocationId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteString("target"u8, method);
            writer.WriteStartArray("arguments"u8);
            foreach (var argument in arguments)
            {
                JsonSerializer.Serialize(writer, argument, argument?.GetType() ?? typeof(object), Json);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        buffer.Write([Separator]);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads one record (without its separator). <paramref name="streamIdProperty"/> names the property of the first
    /// argument that holds the stream id (e.g. <c>liveId</c>); its value is unescaped into <paramref name="streamId"/>.
    /// </summary>
    /// <exception cref="JsonException">The record is not valid JSON.</exception>
    /// <remarks>
    /// A push in the compact form every SignalR server writes (<c>{"type":1,"target":…,"arguments":[{…}]}</c>, no
    /// whitespace, a flat first argument, no escapes in its keys, stream id or text) is scanned by
    /// <see cref="TryReadFlatPush"/>; anything else, or anything it is not sure of, by <see cref="ReadJson"/>. Both give
    /// the same answer (tested); the scan costs a fraction of <see cref="Utf8JsonReader"/>, which was over half of the
    /// receiving thread's time at a million deliveries a second.
    /// </remarks>
    public static HubRecord Read(ReadOnlySpan<byte> record, ReadOnlySpan<byte> streamIdProperty, Span<char> streamId)
    {
        return TryReadFlatPush(record, streamIdProperty, streamId, out var result) ? result : ReadJson(record, streamIdProperty, streamId);
    }

    /// <summary><see cref="Read"/> with <see cref="Utf8JsonReader"/> for every record: any valid JSON, in any form.</summary>
    public static HubRecord ReadJson(ReadOnlySpan<byte> record, ReadOnlySpan<byte> streamIdProperty, Span<char> streamId)
    {
        var result = new HubRecord { StreamIdLength = -1 };
        var reader = new Utf8JsonReader(record, isFinalBlock: true, state: default);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a hub record is a JSON object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                result.Type = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("target"u8))
            {
                reader.Read();
                result.Target = reader.ValueSpan;
            }
            else if (reader.ValueTextEquals("invocationId"u8))
            {
                reader.Read();
                result.InvocationId = reader.ValueSpan;
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                result.HasError = reader.TokenType == JsonTokenType.String;
            }
            else if (reader.ValueTextEquals("arguments"u8))
            {
                reader.Read();
                ReadFirstArgument(ref reader, streamIdProperty, streamId, ref result);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return result;
    }

    private static ReadOnlySpan<byte> PushPrefix => "{\"type\":1,\"target\":\""u8;

    private static ReadOnlySpan<byte> ArgumentsStart => "\",\"arguments\":[{"u8;

    /// <summary>
    /// The fast path of <see cref="Read"/>: <c>{"type":1,"target":"T","arguments":[{"k":v,…}]}</c> exactly, where each v is
    /// a string, a number, <c>true</c>, <c>false</c> or <c>null</c>. Declines (false) at the first thing outside that
    /// form: whitespace, a nested value, a second argument, an escape in a key or in a value it takes.
    /// </summary>
    public static bool TryReadFlatPush(ReadOnlySpan<byte> record, ReadOnlySpan<byte> streamIdProperty, scoped Span<char> streamId, out HubRecord result)
    {
        result = new HubRecord { StreamIdLength = -1 };
        if (!record.StartsWith(PushPrefix))
        {
            return false;
        }

        var at = PushPrefix.Length;
        var targetLength = record[at..].IndexOfAny((byte)'"', (byte)'\\');
        if (targetLength < 0 || record[at + targetLength] != '"' || !record[(at + targetLength)..].StartsWith(ArgumentsStart))
        {
            return false;
        }

        var target = record.Slice(at, targetLength);
        at += targetLength + ArgumentsStart.Length;
        long seq = 0;
        var stamp = ItemStamp.None;
        var streamIdLength = -1;
        if (at >= record.Length)
        {
            return false;
        }

        if (record[at] != '}')
        {
            while (true)
            {
                // A key: "name":
                if (at >= record.Length || record[at] != '"')
                {
                    return false;
                }

                var keyLength = record[(at + 1)..].IndexOfAny((byte)'"', (byte)'\\');
                if (keyLength < 0 || record[at + 1 + keyLength] != '"' || at + keyLength + 2 >= record.Length || record[at + keyLength + 2] != ':')
                {
                    return false;
                }

                var key = record.Slice(at + 1, keyLength);
                at += keyLength + 3;
                if (at >= record.Length)
                {
                    return false;
                }

                // Its value, up to the ',' or '}' after it.
                int valueEnd;
                var escaped = false;
                if (record[at] == '"')
                {
                    valueEnd = at + 1;
                    while (true)
                    {
                        var next = record[valueEnd..].IndexOfAny((byte)'"', (byte)'\\');
                        if (next < 0)
                        {
                            return false;
                        }

                        valueEnd += next;
                        if (record[valueEnd] == '"')
                        {
                            valueEnd++;
                            break;
                        }

                        escaped = true;
                        valueEnd += 2;
                        if (valueEnd >= record.Length)
                        {
                            return false;
                        }
                    }
                }
                else
                {
                    valueEnd = record[at..].IndexOfAny((byte)',', (byte)'}');
                    if (valueEnd <= 0)
                    {
                        return false;
                    }

                    valueEnd += at;
                    if (record[at..valueEnd].IndexOfAny(ValueDelimitersOrNesting) >= 0)
                    {
                        return false;
                    }
                }

                var value = record[at..valueEnd];
                if (streamIdProperty.Length > 0 && key.SequenceEqual(streamIdProperty))
                {
                    if (value[0] != '"' || escaped || value.Length - 2 > streamId.Length)
                    {
                        return false;
                    }

                    streamIdLength = Encoding.UTF8.GetChars(value[1..^1], streamId);
                }
                else if (key.SequenceEqual("seq"u8))
                {
                    if (!Utf8Parser.TryParse(value, out long parsed, out var consumed) || consumed != value.Length)
                    {
                        return false;
                    }

                    seq = parsed;
                }
                else if (key.SequenceEqual("text"u8) && value[0] == '"')
                {
                    if (escaped)
                    {
                        return false;
                    }

                    stamp = ItemStamp.FromUtf8(value[1..^1]);
                }

                at = valueEnd;
                if (at >= record.Length)
                {
                    return false;
                }

                if (record[at] == '}')
                {
                    break;
                }

                if (record[at] != ',')
                {
                    return false;
                }

                at++;
            }
        }

        // The argument's end, the arguments' end, the record's end.
        if (!record[at..].SequenceEqual("}]}"u8))
        {
            return false;
        }

        result.Type = InvocationType;
        result.Target = target;
        result.Seq = seq;
        result.Stamp = stamp;
        result.StreamIdLength = streamIdLength;
        return true;
    }

    /// <summary>What a number or literal in the compact form never holds: whitespace, quotes, nesting.</summary>
    private static readonly SearchValues<byte> ValueDelimitersOrNesting = SearchValues.Create(" \t\r\n\"{}[]:"u8);

    /// <summary>The error of a record (a completion's or a close's), or null.</summary>
    public static string? Error(ReadOnlySpan<byte> record)
    {
        var reader = new Utf8JsonReader(record);
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
        }

        return null;
    }

    /// <summary>A completion's result, copied out of the receive buffer (completions are answers to the driver's own calls: few).</summary>
    public static JsonElement Result(ReadOnlySpan<byte> record)
    {
        using var document = JsonDocument.Parse(record.ToArray());
        return document.RootElement.TryGetProperty("result"u8, out var result) ? result.Clone() : default;
    }

    public static T? Deserialize<T>(JsonElement result) => result.ValueKind == JsonValueKind.Undefined ? default : result.Deserialize<T>(Json);

    private static void ReadFirstArgument(ref Utf8JsonReader reader, ReadOnlySpan<byte> streamIdProperty, Span<char> streamId, ref HubRecord result)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        if (!reader.Read() || reader.TokenType == JsonTokenType.EndArray)
        {
            return;
        }

        if (reader.TokenType == JsonTokenType.StartObject)
        {
            var depth = reader.CurrentDepth;
            while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
            {
                if (streamIdProperty.Length > 0 && reader.ValueTextEquals(streamIdProperty))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && reader.ValueSpan.Length <= streamId.Length)
                    {
                        // Ids are ASCII in practice; UTF-8 decoding handles the rest without a string.
                        result.StreamIdLength = Encoding.UTF8.GetChars(reader.ValueSpan, streamId);
                    }
                    else if (reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length <= streamId.Length)
                    {
                        result.StreamIdLength = reader.CopyString(streamId);
                    }
                }
                else if (reader.ValueTextEquals("seq"u8))
                {
                    reader.Read();
                    result.Seq = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var seq) ? seq : 0;
                }
                else if (reader.ValueTextEquals("text"u8))
                {
                    reader.Read();
                    result.Stamp = Stamp(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        else
        {
            reader.Skip();
        }

        // The remaining arguments are not the driver's concern.
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            reader.Skip();
        }
    }

    private static ItemStamp Stamp(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return ItemStamp.None;
        }

        if (!reader.ValueIsEscaped)
        {
            return ItemStamp.FromUtf8(reader.ValueSpan);
        }

        if (reader.ValueSpan.Length > MaxEscapedTextBytes)
        {
            return ItemStamp.None;
        }

        Span<byte> text = stackalloc byte[MaxEscapedTextBytes];
        var length = reader.CopyString(text);
        return ItemStamp.FromUtf8(text[..length]);
    }
}

/// <summary>
/// What <see cref="HubRecords.Read"/> found in one record. Spans point into the receive buffer: use them before the next
/// receive. <see cref="StreamIdLength"/> is -1 when the record had no stream id; <see cref="Seq"/> 0 when it had no seq.
/// </summary>
public ref struct HubRecord
{
    public int Type;
    public ReadOnlySpan<byte> Target;
    public ReadOnlySpan<byte> InvocationId;
    public bool HasError;
    public int StreamIdLength;
    public long Seq;
    public ItemStamp Stamp;
}
