using System.Text.Json;
using System.Text.Json.Serialization;

namespace Community.Grains.Storage;

/// <summary>
/// How a sequenced item is stored in its row. A row's partition is the stream's id and its key the item's seq, so
/// the stored form leaves out what those give (the stream id, the seq, the item id built from both); every item of
/// a busy stream is one row, so what each row repeats is paid per comment, message and chat line.
/// </summary>
public interface ISeqRowFormat<T>
{
    string Write(T item);

    T Read(string partition, long seq, string data);
}

/// <summary>Items stored as their own JSON (rows of a type that has nothing to leave out).</summary>
public sealed class JsonSeqRowFormat<T> : ISeqRowFormat<T>
{
    public static readonly JsonSeqRowFormat<T> Instance = new();

    public string Write(T item) => LogJson.Write(item);

    public T Read(string partition, long seq, string data) => LogJson.Read<T>(data);
}

/// <summary>JSON settings of lean rows: short property names (on the row types), and defaults (null, false) left out.</summary>
public static class LeanRowJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    };

    public static string Write<TRow>(TRow row) => JsonSerializer.Serialize(row, Options);

    public static TRow Read<TRow>(string data) =>
        JsonSerializer.Deserialize<TRow>(data, Options) ?? throw new InvalidDataException($"Stored row is not a {typeof(TRow).Name}.");

    /// <summary>A UTC time as ticks: exact, and half the length of its ISO text.</summary>
    public static long Ticks(DateTimeOffset at) => at.UtcTicks;

    public static DateTimeOffset At(long ticks) => new(ticks, TimeSpan.Zero);
}
