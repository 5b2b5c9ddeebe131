using System.Text.Json.Serialization;
using Community.Grains.Storage;
using Community.Posts;

namespace Community.Grains.Posts;

/// <summary>
/// A comment's row: author, text, time, the seq it replies to (replies stay within their post) and whether the creator
/// wrote it. The post id, seq and comment id come from the row's partition and key. Rows written before this format
/// (the whole <see cref="Comment"/> as JSON) read the same.
/// </summary>
public sealed class CommentRowFormat : ISeqRowFormat<Comment>
{
    public static readonly CommentRowFormat Instance = new();

    public string Write(Comment item) => LeanRowJson.Write(new Row(
        item.Author,
        item.Text,
        LeanRowJson.Ticks(item.At),
        item.ReplyTo is not null && CommentKey.TryParse(item.ReplyTo, out _, out var replyTo) ? replyTo : 0,
        item.ByCreator));

    public Comment Read(string partition, long seq, string data)
    {
        var row = LeanRowJson.Read<Row>(data);
        if (row.Author is null)
        {
            return LogJson.Read<Comment>(data);
        }

        return new Comment(partition, seq, CommentKey.Format(partition, seq), row.Author, row.Text ?? "",
            row.ReplyTo > 0 ? CommentKey.Format(partition, row.ReplyTo) : null, LeanRowJson.At(row.Ticks), row.ByCreator);
    }

    private sealed record Row(
        [property: JsonPropertyName("a")] string? Author,
        [property: JsonPropertyName("t")] string? Text,
        [property: JsonPropertyName("u")] long Ticks,
        [property: JsonPropertyName("r")] long ReplyTo,
        [property: JsonPropertyName("c")] bool ByCreator);
}
