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

    [Fact]
    public void The_fast_scan_takes_the_compact_pushes_servers_write_and_reads_them_as_the_json_reader_does()
    {
        Span<char> streamId = stackalloc char[HubRecords.MaxStreamIdChars];
        Span<char> expectedStreamId = stackalloc char[HubRecords.MaxStreamIdChars];

        // As the bare peer and Community write a chat line: fields in declaration order, no whitespace.
        var bare = """{"type":1,"target":"ChatReceived","arguments":[{"liveId":"live-1","seq":42,"id":"live-1-42","author":"u7","text":"lt c-9 123 m","at":"2026-12-01T05:00:00+00:00","via":"","removed":false}]}"""u8;
        var community = """{"type":1,"target":"ChatReceived","arguments":[{"liveId":"live-1","seq":43,"id":"x","author":"u7","text":"lt c-10 124 w","at":"2026-12-01T05:00:00Z","via":"live-1","removed":false,"offsetSeconds":1.25}]}"""u8;
        Assert.True(HubRecords.TryReadFlatPush(bare, "liveId"u8, streamId, out var bareRecord));
        Assert.Equal(("live-1", 42L, new ItemStamp(true, 123, true)), (streamId[..bareRecord.StreamIdLength].ToString(), bareRecord.Seq, bareRecord.Stamp));
        Assert.True(HubRecords.TryReadFlatPush(community, "liveId"u8, streamId, out var communityRecord));
        Assert.Equal(("live-1", 43L, new ItemStamp(true, 124, false)), (streamId[..communityRecord.StreamIdLength].ToString(), communityRecord.Seq, communityRecord.Stamp));

        // Random pushes, compact and not: the scan takes the compact ones, declines the rest, and Read always agrees with the reader.
        var random = new Random(20261201);
        var taken = 0;
        for (var i = 0; i < 3_000; i++)
        {
            var record = RandomPush(random);
            taken += HubRecords.TryReadFlatPush(record, "liveId"u8, streamId, out _) ? 1 : 0;

            var read = HubRecords.Read(record, "liveId"u8, streamId);
            var expected = HubRecords.ReadJson(record, "liveId"u8, expectedStreamId);

            var because = Encoding.UTF8.GetString(record);
            Assert.True(read.Type == expected.Type, because);
            Assert.True(read.Target.SequenceEqual(expected.Target), because);
            Assert.True(read.Seq == expected.Seq, because);
            Assert.True(read.Stamp == expected.Stamp, because);
            Assert.True(read.StreamIdLength == expected.StreamIdLength, because);
            Assert.True(streamId[..Math.Max(0, read.StreamIdLength)].SequenceEqual(expectedStreamId[..Math.Max(0, expected.StreamIdLength)]), because);
        }

        Assert.InRange(taken, 300, 2_700);
    }

    /// <summary>A ChatReceived push with its fields shuffled, extra fields of every JSON kind, and now and then an escape, a nested value, whitespace or a second argument.</summary>
    private static byte[] RandomPush(Random random)
    {
        string Str(string text) => random.Next(12) == 0 ? "\"" + text.Replace("-", "\\u002D") + "\"" : "\"" + text + "\"";
        var seq = random.Next(1, 1_000_000);
        var fields = new List<string>
        {
            "\"liveId\":" + (random.Next(20) == 0 ? "7" : Str($"live-{random.Next(5)}")),
            "\"seq\":" + (random.Next(25) == 0 ? $"\"{seq}\"" : seq.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            "\"text\":" + (random.Next(20) == 0 ? "null" : Str(random.Next(10) == 0 ? new string('x', random.Next(0, 200)) : $"lt c-{seq} {random.Next()} {(random.Next(2) == 0 ? "m" : "w")}")),
            "\"id\":" + Str($"id-{seq}"),
            "\"removed\":" + (random.Next(2) == 0 ? "true" : "false"),
            "\"via\":" + (random.Next(3) == 0 ? "null" : Str("v")),
            "\"offsetSeconds\":" + (random.NextDouble() * 100).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (random.Next(15) == 0)
        {
            fields.Add("\"nested\":{\"seq\":1,\"text\":\"lt z-1 1 m\"}");
        }

        if (random.Next(15) == 0)
        {
            fields.Add("\"list\":[1,2,3]");
        }

        var shuffled = fields.OrderBy(_ => random.Next()).ToList();
        var separator = random.Next(15) == 0 ? ", " : ",";
        var second = random.Next(15) == 0 ? ",\"second\"" : "";
        return Encoding.UTF8.GetBytes($"{{\"type\":1,\"target\":\"ChatReceived\",\"arguments\":[{{{string.Join(separator, shuffled)}}}{second}]}}");
    }
}
