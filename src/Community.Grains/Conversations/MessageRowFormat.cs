using System.Text.Json.Serialization;
using Community.Conversations;
using Community.Grains.Storage;

namespace Community.Grains.Conversations;

/// <summary>
/// A message's row: author, text and time. The conversation id, seq and message id come from the row's partition and
/// key. Rows written before this format (the whole <see cref="Message"/> as JSON) read the same.
/// </summary>
public sealed class MessageRowFormat : ISeqRowFormat<Message>
{
    public static readonly MessageRowFormat Instance = new();

    public string Write(Message item) => LeanRowJson.Write(new Row(item.Author, item.Text, LeanRowJson.Ticks(item.At)));

    public Message Read(string partition, long seq, string data)
    {
        var row = LeanRowJson.Read<Row>(data);
        return row.Author is null
            ? LogJson.Read<Message>(data)
            : new Message(partition, seq, MessageKey.Format(partition, seq), row.Author, row.Text ?? "", LeanRowJson.At(row.Ticks));
    }

    private sealed record Row(
        [property: JsonPropertyName("a")] string? Author,
        [property: JsonPropertyName("t")] string? Text,
        [property: JsonPropertyName("u")] long Ticks);
}
