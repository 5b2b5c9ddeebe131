using System.Text;
using Community.LoadTests.Client.Raw;
using Community.LoadTests.Workload;

namespace Community.LoadTests.Tests.Client.Raw;

public class HubRecordsTests
{
    [Fact]
    public void A_push_yields_its_target_stream_seq_and_the_drivers_stamp_whatever_else_it_carries()
    {
        var record = """
            {"type":1,"target":"ChatReceived","arguments":[{"liveId":"live-42","nested":{"seq":99,"text":"x"},"seq":17,"id":"live-42-17","author":"u","text":"lt abc-5 123456789 m","at":"2026-01-01T00:00:00Z","via":null,"removed":false}]}
            """u8;
        Span<char> streamId = stackalloc char[HubRecords.MaxStreamIdChars];

        var read = HubRecords.Read(record, "liveId"u8, streamId);

        Assert.Equal(HubRecords.InvocationType, read.Type);
        Assert.Equal("ChatReceived", Encoding.UTF8.GetString(read.Target));
        Assert.Equal("live-42", streamId[..read.StreamIdLength].ToString());
        Assert.Equal(17, read.Seq);
        Assert.Equal(new ItemStamp(true, 123456789, true), read.Stamp);
    }

    [Fact]
    public void An_escaped_stream_id_and_text_are_unescaped_and_an_unstamped_text_is_reported_as_such()
    {
        Span<char> streamId = stackalloc char[HubRecords.MaxStreamIdChars];

        var escaped = HubRecords.Read("""{"type":1,"target":"CommentAdded","arguments":[{"postId":"p\u002D1","seq":2,"text":"lt a-1 77 w\u0020"}]}"""u8, "postId"u8, streamId);
        Assert.Equal("p-1", streamId[..escaped.StreamIdLength].ToString());
        Assert.False(escaped.Stamp.Stamped);

        var stamped = HubRecords.Read("""{"type":1,"target":"CommentAdded","arguments":[{"postId":"p1","seq":3,"text":"lt a\u002D1 77 w"}]}"""u8, "postId"u8, streamId);
        Assert.Equal(new ItemStamp(true, 77, false), stamped.Stamp);

        var plain = HubRecords.Read("""{"type":1,"target":"CommentAdded","arguments":[{"postId":"p1","seq":4,"text":"hello"}]}"""u8, "postId"u8, streamId);
        Assert.False(plain.Stamp.Stamped);
    }

    [Fact]
    public void A_completion_carries_its_invocation_id_and_result_or_error()
    {
        Span<char> streamId = stackalloc char[HubRecords.MaxStreamIdChars];
        var ok = """{"type":3,"invocationId":"12","result":{"liveId":"l","seq":5,"id":"l-5","author":"a","text":"t","via":null,"removed":false}}"""u8;
        var failed = """{"type":3,"invocationId":"13","error":"404 Not found"}"""u8;

        var okRead = HubRecords.Read(ok, "liveId"u8, streamId);
        var failedRead = HubRecords.Read(failed, "liveId"u8, streamId);

        Assert.Equal(HubRecords.CompletionType, okRead.Type);
        Assert.Equal("12", Encoding.UTF8.GetString(okRead.InvocationId));
        Assert.False(okRead.HasError);
        Assert.Equal(5, HubRecords.Deserialize<Community.LoadTests.Client.ChatMessage>(HubRecords.Result(ok))!.Seq);
        Assert.True(failedRead.HasError);
        Assert.Equal("404 Not found", HubRecords.Error(failed));
    }

    [Fact]
    public void An_invocation_is_one_record_with_positional_camel_case_arguments()
    {
        var bytes = HubRecords.Invocation(7, "JoinLive", ["live-1", null, 0L]);

        Assert.Equal(HubRecords.Separator, bytes[^1]);
        Assert.Equal("""{"type":1,"invocationId":"7","target":"JoinLive","arguments":["live-1",null,0]}""", Encoding.UTF8.GetString(bytes, 0, bytes.Length - 1));
    }

    [Theory]
    [InlineData("lt run-1 42 m", true, 42, true)]
    [InlineData("lt run-1 42 w", true, 42, false)]
    [InlineData("lt run-1 -42 m", false, 0, false)]
    [InlineData("lt run-1 4x2 m", false, 0, false)]
    [InlineData("lt 42 m", false, 0, false)]
    [InlineData("hello there", false, 0, false)]
    public void The_stamp_reads_the_same_from_bytes_as_from_a_string(string text, bool stamped, long sent, bool measured)
    {
        var fromBytes = ItemStamp.FromUtf8(Encoding.UTF8.GetBytes(text));

        Assert.Equal(new ItemStamp(stamped, sent, measured), fromBytes);
        Assert.Equal(new ItemStamp(text), fromBytes);
    }
}
