using Community.Conversations;
using Community.Grains.Conversations;
using Community.Grains.Livestreams;
using Community.Grains.Posts;
using Community.Grains.Storage;
using Community.Livestreams;
using Community.Posts;

namespace Community.UnitTests.Storage;

/// <summary>Comment and message rows leave out what their partition and key say, and rows of the older, whole-item format still read.</summary>
public class SeqRowFormatTests
{
    private static readonly DateTimeOffset At = new DateTimeOffset(2026, 11, 30, 18, 0, 0, TimeSpan.Zero).AddTicks(1234567);

    [Fact]
    public void A_reply_comment_reads_back_equal_from_a_row_without_its_post_id_seq_or_id()
    {
        var comment = new Comment("bqgmomdhc77g", 7, "bqgmomdhc77g-7", "fan_1", "Where was this shot?", "bqgmomdhc77g-3", At, ByCreator: true);

        var row = CommentRowFormat.Instance.Write(comment);

        Assert.Equal(comment, CommentRowFormat.Instance.Read("bqgmomdhc77g", 7, row));
        Assert.DoesNotContain("bqgmomdhc77g", row, StringComparison.Ordinal);
        Assert.True(row.Length * 2 < LogJson.Write(comment).Length, $"{row.Length} bytes is not under half of {LogJson.Write(comment).Length}.");
    }

    [Fact]
    public void A_plain_comment_stores_no_reply_or_creator_flag()
    {
        var comment = new Comment("p1", 1, "p1-1", "fan_1", "hi", null, At, ByCreator: false);

        var row = CommentRowFormat.Instance.Write(comment);

        Assert.Equal("""{"a":"fan_1","t":"hi","u":""" + At.UtcTicks + "}", row);
        Assert.Equal(comment, CommentRowFormat.Instance.Read("p1", 1, row));
    }

    [Fact]
    public void Comment_rows_of_the_older_format_read_as_before()
    {
        var comment = new Comment("p1", 2, "p1-2", "fan_1", "old", "p1-1", At, ByCreator: false);

        Assert.Equal(comment, CommentRowFormat.Instance.Read("p1", 2, LogJson.Write(comment)));
    }

    [Fact]
    public void Message_rows_leave_out_the_conversation_and_read_both_formats()
    {
        var message = new Message("alice~bob", 4, "alice~bob-4", "alice", "hello", At);

        var row = MessageRowFormat.Instance.Write(message);

        Assert.Equal(message, MessageRowFormat.Instance.Read("alice~bob", 4, row));
        Assert.Equal(message, MessageRowFormat.Instance.Read("alice~bob", 4, LogJson.Write(message)));
        Assert.DoesNotContain("alice~bob", row, StringComparison.Ordinal);
    }

    [Fact]
    public void Chat_rows_and_their_tombstones_leave_out_the_livestream_and_read_both_formats()
    {
        var line = new ChatMessage("l7", 9, "l7-9", "fan_1", "hi all", At, "host_1", Removed: false, 12.345);
        var tombstone = line with { Removed = true, Text = "" };

        Assert.Equal(line, ChatRowFormat.Instance.Read("l7", 9, ChatRowFormat.Instance.Write(line)));
        Assert.Equal(tombstone, ChatRowFormat.Instance.Read("l7", 9, ChatRowFormat.Instance.Write(tombstone)));
        Assert.Equal(line, ChatRowFormat.Instance.Read("l7", 9, LogJson.Write(line)));
        Assert.DoesNotContain("l7-9", ChatRowFormat.Instance.Write(line), StringComparison.Ordinal);
    }
}
