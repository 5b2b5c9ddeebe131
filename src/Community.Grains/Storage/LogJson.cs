using System.Text.Json;

namespace Community.Grains.Storage;

/// <summary>The one JSON shape of stored rows: web defaults (camelCase), the same as the API's.</summary>
public static class LogJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new InvalidDataException($"Stored row is not a {typeof(T).Name}.");
}
