using Community.Grains.Realtime;
using Community.Realtime;
using CsCheck;

namespace Community.UnitTests.Realtime;

public class StreamOrderTests
{
    private const string Topic = "post:p1";

    [Fact]
    public void Items_in_order_go_out_at_once_and_a_repeat_is_dropped()
    {
        var order = Attached(0);
        var forward = new List<RealtimeEvent>();

        Assert.Null(order.Accept(Item(1), forward));
        Assert.Null(order.Accept(Item(2), forward));
        Assert.Null(order.Accept(Item(2), forward));
        Assert.Null(order.Accept(Item(1), forward));

        Assert.Equal([1L, 2L], forward.Select(e => e.Seq));
    }

    [Fact]
    public void An_item_that_skips_ahead_asks_for_the_missing_range_and_waits_with_everything_behind_it()
    {
        var order = Attached(1);
        var forward = new List<RealtimeEvent>();

        var missing = order.Accept(Item(4), forward);
        Assert.Null(order.Accept(Unsequenced("ReactionAdded"), forward));
        Assert.Null(order.Accept(Item(5), forward));

        Assert.Equal(new SeqRange(1, 3), missing);
        Assert.Empty(forward);

        Assert.Null(order.Filled(missing!.Value, [Item(3), Item(2)], forward));
        Assert.Equal(["2", "3", "4", "ReactionAdded", "5"], forward.Select(Label));
        Assert.Equal(5, order.LastSeq);
    }

    [Fact]
    public void A_head_beyond_the_last_item_forwarded_fetches_the_end_of_the_stream_that_never_arrived()
    {
        var order = Attached(3);
        var forward = new List<RealtimeEvent>();

        var missing = order.Accept(RealtimeEvent.Head(Topic, 5), forward);

        Assert.Equal(new SeqRange(3, 5), missing);
        Assert.Null(order.Filled(missing!.Value, [Item(4), Item(5)], forward));
        Assert.Equal([4L, 5L], forward.Select(e => e.Seq));
        Assert.Null(order.Accept(RealtimeEvent.Head(Topic, 5), forward));
    }

    [Fact]
    public void A_fetch_that_failed_skips_the_range_rather_than_holding_the_topic_forever()
    {
        var order = Attached(1);
        var forward = new List<RealtimeEvent>();
        var missing = order.Accept(Item(3), forward)!.Value;

        Assert.Null(order.Filled(missing, [], forward));

        Assert.Equal([3L], forward.Select(e => e.Seq));
        Assert.False(order.Fetching);
    }

    [Fact]
    public void A_second_gap_behind_the_first_is_asked_for_after_the_first_is_filled()
    {
        var order = Attached(0);
        var forward = new List<RealtimeEvent>();
        var first = order.Accept(Item(2), forward)!.Value;
        order.Accept(Item(5), forward);

        var second = order.Filled(first, [Item(1)], forward);

        Assert.Equal(new SeqRange(2, 4), second);
        Assert.Null(order.Filled(second!.Value, [Item(3), Item(4)], forward));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], forward.Select(e => e.Seq));
    }

    [Fact]
    public void Items_that_arrive_before_the_attach_answers_set_the_baseline_and_the_attach_fetches_what_lies_between()
    {
        var order = new StreamOrder();
        var forward = new List<RealtimeEvent>();

        Assert.Null(order.Accept(Item(7), forward));
        var missing = order.Baseline(9, forward);

        Assert.Equal(new SeqRange(7, 9), missing);
    }

    [Fact]
    public void Whatever_the_arrival_order_duplicates_and_losses_every_item_goes_out_once_in_seq_order()
    {
        // Deliveries are any sequence of seqs 1..n with repeats and holes; a fetch answers with exactly the range asked.
        Gen.Int[1, 60].SelectMany(n => Gen.Int[1, n].Array[0, 3 * n].Select(arrivals => (n, arrivals)))
            .Sample(t =>
            {
                var (n, arrivals) = t;
                var order = Attached(0);
                var forward = new List<RealtimeEvent>();
                foreach (var seq in arrivals.Append(n))
                {
                    var missing = order.Accept(Item(seq), forward);
                    while (missing is { } range)
                    {
                        missing = order.Filled(range, Enumerable.Range((int)range.AfterSeq + 1, (int)(range.ToSeq - range.AfterSeq)).Select(s => Item(s)).ToList(), forward);
                    }
                }

                var seqs = forward.Select(e => e.Seq).ToList();
                Assert.Equal(seqs.Order().Distinct(), seqs);
                Assert.Equal(seqs.Count, seqs.Distinct().Count());
                Assert.Equal(n, seqs.Count);
            });
    }

    private static StreamOrder Attached(long lastSeq)
    {
        var order = new StreamOrder();
        Assert.Null(order.Baseline(lastSeq, []));
        return order;
    }

    private static RealtimeEvent Item(long seq) => new(Topic, ClientEvents.CommentAdded, seq, seq);

    private static RealtimeEvent Unsequenced(string method) => new(Topic, method, null);

    private static string Label(RealtimeEvent e) => e.Seq > 0 ? e.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture) : e.Method;
}
