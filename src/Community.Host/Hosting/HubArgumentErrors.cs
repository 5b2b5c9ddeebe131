using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace Community.Host.Hosting;

/// <summary>
/// SignalR's JSON protocol, whose argument-binding failures (wrong types, too few or too many arguments, an unknown
/// method) read like every other hub error, "400 Invalid input: Comment takes …", instead of naming .NET exception
/// types. Binding happens before any hub filter runs, so this is the one place that sees those failures.
/// </summary>
public sealed partial class WordedJsonHubProtocol(IOptions<JsonHubProtocolOptions> options, Type hub, int maxMessageBytes) : IHubProtocol
{
    /// <summary>What ends each JSON hub message.</summary>
    private const byte RecordSeparator = 0x1e;

    private readonly JsonHubProtocol _inner = new(options);

    public string Name => _inner.Name;

    public int Version => _inner.Version;

    public TransferFormat TransferFormat => _inner.TransferFormat;

    public bool IsVersionSupported(int version) => _inner.IsVersionSupported(version);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => _inner.GetMessageBytes(message);

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => _inner.WriteMessage(message, output);

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
    {
        // SignalR hands over at most one byte more than the limit (its own limit is set one byte higher): a message
        // that has not ended by then is too large. Thrown here, the close message names the limit in words, where
        // SignalR's own check would name its exception type.
        if (input.Length > maxMessageBytes && input.Slice(0, maxMessageBytes + 1).PositionOf(RecordSeparator) is null)
        {
            throw ErrorMapping.ToHubException(new(413,
                $"The message is over the maximum message size of {maxMessageBytes / 1024} KiB; send less (or use the HTTP API, whose bodies may be up to {CommunityApp.MaxRequestBodyBytes / 1024} KiB)."));
        }

        if (!_inner.TryParseMessage(ref input, binder, out message))
        {
            return false;
        }

        message = message switch
        {
            InvocationBindingFailureMessage f => new InvocationBindingFailureMessage(f.InvocationId, f.Target, Worded(f.Target, f.BindingFailure.SourceException)),
            StreamBindingFailureMessage f => new StreamBindingFailureMessage(f.Id, ExceptionDispatchInfo.Capture(
                ErrorMapping.ToHubException(new(400, "A stream item does not have the JSON type the stream takes.")))),
            _ => message,
        };
        return true;
    }

    private ExceptionDispatchInfo Worded(string target, Exception failure) =>
        ExceptionDispatchInfo.Capture(ErrorMapping.ToHubException(Describe(target, failure)));

    /// <summary>What was wrong with a call's arguments, in the caller's terms (JSON kinds and parameter names).</summary>
    public ErrorMapping.Failure Describe(string target, Exception failure)
    {
        // SignalR matches method names ignoring case.
        var method = hub.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .FirstOrDefault(m => string.Equals(m.Name, target, StringComparison.OrdinalIgnoreCase));
        if (method is null || failure is HubException)
        {
            return new(404, $"There is no hub method '{Shorten(target)}'; docs/api.md lists them.");
        }

        var parameters = method.GetParameters().Where(p => p.ParameterType != typeof(CancellationToken)).ToList();
        var signature = $"{method.Name}({string.Join(", ", parameters.Select(p => $"{p.Name}: {JsonKinds.Describe(p)}"))})";
        if (ArgumentCount().Match(failure.Message) is { Success: true } count)
        {
            return new(400, $"{method.Name} takes {parameters.Count} arguments, not {count.Groups[1].Value}: {signature}. Pass null for an optional one.");
        }

        return new(400, $"The arguments of {method.Name} do not have the expected JSON types: {signature}.");
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";

    [GeneratedRegex(@"Invocation provides (\d+) argument")]
    private static partial Regex ArgumentCount();
}

/// <summary>.NET types told as the JSON a caller sends.</summary>
public static class JsonKinds
{
    public static string Describe(ParameterInfo parameter)
    {
        // A context per call: NullabilityInfoContext caches in plain dictionaries and is not thread-safe (a shared one
        // threw "An item with the same key has already been added" under concurrent refused hub calls, closing the
        // caller's connection). This runs only when a call's arguments are refused.
        var nullable = Nullable.GetUnderlyingType(parameter.ParameterType) is not null
            || (!parameter.ParameterType.IsValueType && new NullabilityInfoContext().Create(parameter).ReadState == NullabilityState.Nullable);
        return Describe(parameter.ParameterType) + (nullable ? " or null" : "");
    }

    public static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || type == typeof(Guid) || type.IsEnum)
        {
            return "text";
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return "an ISO-8601 time";
        }

        if (type == typeof(bool))
        {
            return "true or false";
        }

        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) || type == typeof(uint) || type == typeof(ulong))
        {
            return "a whole number";
        }

        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return "a number";
        }

        // A map is a JSON object, though it enumerates its pairs.
        if (type.IsAssignableTo(typeof(System.Collections.IDictionary))
            || type.GetInterfaces().Append(type).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)))
        {
            return "a JSON object";
        }

        if (type != typeof(string) && type.IsAssignableTo(typeof(System.Collections.IEnumerable)))
        {
            return "a list";
        }

        return "a JSON object";
    }
}
