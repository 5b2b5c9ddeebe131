using System.Text.Json;
using System.Text.Json.Serialization;
using Community.Grains.Storage;

namespace Community.Grains.Engagement;

/// <summary>
/// A member of JSON grain state that is written as JSON of its own type, and read either so or, as state stored before
/// it had a type of its own holds it, as a string of JSON in the stored-row format (<see cref="LogJson"/>).
/// </summary>
public sealed class StoredJsonConverter<T> : JsonConverter<T>
    where T : class
{
    public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? LogJson.Read<T>(reader.GetString()!)
            : JsonSerializer.Deserialize<T>(ref reader, options);

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, options);
}
