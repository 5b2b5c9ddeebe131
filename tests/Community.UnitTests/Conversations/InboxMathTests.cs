using Community.Conversations;
using Community.Grains.Conversations;
using CsCheck;

namespace Community.UnitTests.Conversations;

public class InboxMathTests
{
    private const string Id = "alice~bob";
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static Message Msg(long seq) => new(Id, seq, MessageKey.Format(Id, seq), seq % 2 == 0 ? "alice" : "bob", $"m{seq}", T0.AddSeconds(seq));

    private static InboxUpdate Update(long lastSeq, long readSeq) => new(Id, "bob", Msg(lastSeq), readSeq);

    /// <summary>What a conversation sends over time: its last seq and alice's read marker only grow, and read ≤ last.</summary>
    private static readonly Gen<List<InboxUpdate>> HistoryGen =
        Gen.Select(Gen.Int[1, 4], Gen.Int[0, 4]).List[1, 30].Select(steps =>
        {
            long last = 0, read = 0;
            var updates = new List<InboxUpdate>();
            foreach (var (more, readMore) in steps)
            {
                last += more;
                read = Math.Min(last, read + readMore);
                updates.Add(Update(last, read));
            }

            return updates;
        });

    [Fact]
    public void A_first_update_makes_an_entry_with_the_unread_messages_after_the_marker()
    {
        var entry = InboxMath.Merge(null, Update(5, 2));

        Assert.Equal(new InboxEntry(Id, "bob", Msg(5), 3, T0.AddSeconds(5), 5, 2), entry);
    }

    [Fact]
    public void A_late_older_update_changes_nothing()
    {
        var entry = InboxMath.Merge(InboxMath.Merge(null, Update(7, 4)), Update(5, 2));

        Assert.Equal((7L, 4L, 3L), (entry.LastSeq, entry.ReadSeq, entry.Unread));
        Assert.Equal(Msg(7), entry.LastMessage);
    }

    [Fact]
    public void A_newer_read_marker_from_an_update_with_an_older_message_still_counts()
    {
        // Two pushes crossed: one carries the newest message, the other the newest read marker.
        var entry = InboxMath.Merge(InboxMath.Merge(null, Update(9, 1)), Update(8, 8));

        Assert.Equal((9L, 8L, 1L), (entry.LastSeq, entry.ReadSeq, entry.Unread));
    }

    [Fact]
    public void Applying_a_history_in_any_order_any_number_of_times_gives_the_same_entry_as_the_last_update()
    {
        Gen.Select(HistoryGen, Gen.Int.List[0, 60], Gen.Int.Array[90]).Sample((history, picks, order) =>
        {
            // Every update at least once, plus repeats, in a shuffled order.
            var deliveries = history.Concat(picks.Select(p => history[(int)((uint)p % history.Count)])).ToList();
            var shuffled = deliveries.Select((u, i) => (u, key: order[i])).OrderBy(x => x.key).Select(x => x.u).ToList();
            var inOrder = history.Aggregate((InboxEntry?)null, InboxMath.Merge)!;

            var merged = shuffled.Aggregate((InboxEntry?)null, InboxMath.Merge)!;

            Assert.Equal(inOrder, merged);
            Assert.Equal(history[^1].LastMessage.Seq - history[^1].ReadSeq, merged.Unread);
        });
    }

    [Fact]
    public void Unread_is_never_negative_whatever_arrives()
    {
        HistoryGen.Sample(history =>
        {
            InboxEntry? entry = null;
            foreach (var update in history.AsEnumerable().Reverse())
            {
                entry = InboxMath.Merge(entry, update);
                Assert.InRange(entry.Unread, 0, entry.LastSeq);
            }
        });
    }

    [Fact]
    public void Listing_keys_sort_the_most_recent_conversation_first()
    {
        var older = InboxMath.Merge(null, Update(1, 0));
        var newer = InboxMath.Merge(null, Update(2, 0));

        Assert.True(string.CompareOrdinal(InboxMath.ListingKey(newer), InboxMath.ListingKey(older)) < 0);
    }

    [Fact]
    public void A_cursor_resumes_right_after_its_entry_even_when_another_conversation_id_extends_it()
    {
        var entry = InboxMath.Merge(null, Update(3, 0));
        var sameTime = entry with { ConversationId = Id + "1" };

        Assert.True(InboxMath.TryListingStartAfter(InboxMath.Cursor(entry), out var from));
        Assert.True(string.CompareOrdinal(from, InboxMath.ListingKey(entry)) > 0);
        Assert.True(string.CompareOrdinal(from, InboxMath.ListingKey(sameTime)) <= 0);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("123:alice~bob")]
    [InlineData("9223372036854775807:bob~alice")]
    [InlineData("922337203685477580x:alice~bob")]
    public void Anything_but_a_cursor_given_out_is_refused(string cursor)
    {
        Assert.False(InboxMath.TryListingStartAfter(cursor, out _));
    }

    [Theory]
    [InlineData(3, 4, false)]
    [InlineData(3, -1, false)]
    [InlineData(3, 3, true)]
    [InlineData(3, 0, true)]
    public void An_update_whose_marker_passes_its_last_message_is_not_valid(long last, long read, bool valid)
    {
        Assert.Equal(valid, InboxMath.IsValid(Update(last, read)));
    }
}
