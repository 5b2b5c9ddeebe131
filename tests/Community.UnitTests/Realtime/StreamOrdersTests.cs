using Community.Grains.Realtime;
using Community.Realtime;

namespace Community.UnitTests.Realtime;

public class StreamOrdersTests
{
    private const string Topic = "user:ann";

    [Fact]
    public void A_streams_first_item_is_its_baseline_and_each_stream_is_ordered_on_its_own()
    {
        var orders = new StreamOrders(capacity: 8);
        var forward = new List<RealtimeEvent>();

        Assert.Null(orders.Accept("c1", Item("c1", 5), forward));
        Assert.Null(orders.Accept("c2", Item("c2", 1), forward));
        var missing = orders.Accept("c1", Item("c1", 7), forward);
        Assert.Null(orders.Accept("c2", Item("c2", 2), forward));
        Assert.Null(orders.Accept("c1", Item("c1", 8), forward));

        Assert.Equal(new SeqRange(5, 6), missing);
        Assert.Equal(["c1/5", "c2/1", "c2/2"], forward.Select(Label));

        Assert.Null(orders.Filled("c1", missing!.Value, [Item("c1", 6)], forward));
        Assert.Equal(["c1/5", "c2/1", "c2/2", "c1/6", "c1/7", "c1/8"], forward.Select(Label));
    }

    [Fact]
    public void A_head_of_a_stream_never_seen_owes_nothing_and_keeps_no_state()
    {
        var orders = new StreamOrders(capacity: 8);
        var forward = new List<RealtimeEvent>();

        Assert.Null(orders.Accept("c1", RealtimeEvent.Head(Topic, 40, "c1"), forward));

        Assert.Empty(forward);
        Assert.Equal(0, orders.Count);
    }

    [Fact]
    public void A_head_beyond_what_a_known_stream_forwarded_asks_for_the_rest()
    {
        var orders = new StreamOrders(capacity: 8);
        var forward = new List<RealtimeEvent>();
        orders.Accept("c1", Item("c1", 3), forward);

        Assert.Equal(new SeqRange(3, 5), orders.Accept("c1", RealtimeEvent.Head(Topic, 5, "c1"), forward));
    }

    [Fact]
    public void At_capacity_the_stream_heard_from_least_lately_is_forgotten_and_starts_afresh_when_it_returns()
    {
        var orders = new StreamOrders(capacity: 2);
        var forward = new List<RealtimeEvent>();
        orders.Accept("c1", Item("c1", 1), forward);
        orders.Accept("c2", Item("c2", 1), forward);
        orders.Accept("c1", Item("c1", 2), forward);

        orders.Accept("c3", Item("c3", 1), forward);

        Assert.Equal(2, orders.Count);
        Assert.Null(orders.Accept("c1", Item("c1", 3), forward));
        // c2 was forgotten: a later item is a new baseline, not a gap.
        Assert.Null(orders.Accept("c2", Item("c2", 9), forward));
        Assert.Equal(2, orders.Count);
    }

    [Fact]
    public void A_stream_that_is_fetching_is_never_forgotten_and_when_all_are_a_new_stream_passes_through()
    {
        var orders = new StreamOrders(capacity: 1);
        var forward = new List<RealtimeEvent>();
        orders.Accept("c1", Item("c1", 1), forward);
        var missing = orders.Accept("c1", Item("c1", 4), forward)!.Value;

        Assert.Null(orders.Accept("c2", Item("c2", 7), forward));
        Assert.Null(orders.Accept("c2", Item("c2", 9), forward));

        Assert.Equal(["c1/1", "c2/7", "c2/9"], forward.Select(Label));
        Assert.Null(orders.Filled("c1", missing, [Item("c1", 2), Item("c1", 3)], forward));
        Assert.Equal(["c1/1", "c2/7", "c2/9", "c1/2", "c1/3", "c1/4"], forward.Select(Label));
    }

    private static RealtimeEvent Item(string stream, long seq) => new(Topic, ClientEvents.MessageReceived, seq, seq, stream);

    private static string Label(RealtimeEvent e) => $"{e.Stream}/{e.Seq}";
}
