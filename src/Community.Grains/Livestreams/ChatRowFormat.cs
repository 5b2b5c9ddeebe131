using System.Text.Json.Serialization;
using Community.Grains.Storage;
using Community.Livestreams;

namespace Community.Grains.Livestreams;

/// <summary>
/// A chat line's row: author, text, time, the host room it was sent in, its offset into the stream, and whether a
/// moderator removed it. The livestream id, seq and message id come from the row's partition and key. Rows written
/// before this format (the whole <see cref="ChatMessage"/> as JSON) read the same.
/// </summary>
public sealed class ChatRowFormat : ISeqRowFormat<ChatMessage>
{
    public static readonly ChatRowFormat Instance = new();

    public string Write(ChatMessage item) =>
        LeanRowJson.Write(new Row(item.Author, item.Text, LeanRowJson.Ticks(item.At), item.Via, item.OffsetSeconds, item.Removed));

    public ChatMessage Read(string partition, long seq, string data)
    {
        var row = LeanRowJson.Read<Row>(data);
        return row.Author is null
            ? LogJson.Read<ChatMessage>(data)
            : new ChatMessage(partition, seq, ChatKey.Format(partition, seq), row.Author, row.Text ?? "", LeanRowJson.At(row.Ticks),
                row.Via ?? "", row.Removed, row.Offset);
    }

    private sealed record Row(
        [property: JsonPropertyName("a")] string? Author,
        [property: JsonPropertyName("t")] string? Text,
        [property: JsonPropertyName("u")] long Ticks,
        [property: JsonPropertyName("v")] string? Via,
        [property: JsonPropertyName("o")] double Offset,
        [property: JsonPropertyName("x")] bool Removed);
}
