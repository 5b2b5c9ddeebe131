using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Community.Grains.Storage;

/// <summary>
/// The stored form of a journal's head: the owner's head JSON with the id of the batch that wrote it as its first
/// property, <c>{"batch":"…",…}</c>. Owners read it as their own type (unknown properties are skipped), so heads
/// written before batch ids existed read the same way, with no batch.
/// </summary>
public static class JournalHead
{
    private const string BatchProperty = "batch";

    /// <summary>A fresh batch id: 64 random bits, hex.</summary>
    public static string NewBatchId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(8));

    public static string Write<THead>(THead head, string batchId)
    {
        var json = LogJson.Write(head);
        if (json.Length < 2 || json[0] != '{')
        {
            throw new ArgumentException($"A journal head must be a JSON object; {typeof(THead).Name} is not.", nameof(head));
        }

        var separator = json.Length == 2 ? "" : ",";
        return $"{{\"{BatchProperty}\":\"{batchId}\"{separator}{json.AsSpan(1)}";
    }

    /// <summary>The id of the batch that wrote this head; null for heads written without one.</summary>
    public static string? BatchOf(string data)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(data));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isBatch = reader.ValueTextEquals(BatchProperty);
            reader.Read();
            if (isBatch)
            {
                return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }

            reader.Skip();
        }

        return null;
    }
}
