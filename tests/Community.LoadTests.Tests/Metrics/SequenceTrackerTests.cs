using Community.LoadTests.Metrics;

namespace Community.LoadTests.Tests.Metrics;

public class SequenceTrackerTests
{
    [Fact]
    public void Seqs_arriving_one_after_another_are_all_in_order_and_nothing_is_missing()
    {
        var tracker = new SequenceTracker();

        var observations = Enumerable.Range(1, 5).Select(s => tracker.Observe(s)).ToList();

        Assert.All(observations, o => Assert.Equal(SequenceObservation.InOrder, o));
        Assert.Equal(5, tracker.Received);
        Assert.Equal(5, tracker.ContiguousThrough);
        Assert.Equal(0, tracker.CountMissing(5));
    }

    [Fact]
    public void A_seq_received_twice_is_one_duplicate_and_counts_as_received_once()
    {
        var tracker = new SequenceTracker();
        tracker.Observe(1);
        tracker.Observe(2);

        Assert.Equal(SequenceObservation.Duplicate, tracker.Observe(2));
        Assert.Equal(SequenceObservation.Duplicate, tracker.Observe(1));
        Assert.Equal(2, tracker.Duplicates);
        Assert.Equal(2, tracker.Received);
    }

    [Fact]
    public void A_duplicate_of_a_seq_received_ahead_of_a_gap_is_still_a_duplicate()
    {
        var tracker = new SequenceTracker();
        tracker.Observe(1);
        tracker.Observe(3);

        Assert.Equal(SequenceObservation.Duplicate, tracker.Observe(3));
        Assert.Equal(1, tracker.Duplicates);
    }

    [Fact]
    public void A_gap_that_never_fills_is_counted_as_missing_up_to_the_expected_end()
    {
        var tracker = new SequenceTracker();
        foreach (var seq in new long[] { 1, 2, 4, 5, 7 })
        {
            tracker.Observe(seq);
        }

        Assert.Equal(3, tracker.CountMissing(8));
        Assert.Equal([3, 6, 8], tracker.MissingSeqs(8, 10));
        Assert.Equal(0, tracker.OutOfOrder);
    }

    [Fact]
    public void A_late_seq_below_one_already_received_is_out_of_order_and_fills_its_gap()
    {
        var tracker = new SequenceTracker();
        tracker.Observe(1);
        tracker.Observe(3);

        Assert.Equal(SequenceObservation.OutOfOrder, tracker.Observe(2));
        Assert.Equal(1, tracker.OutOfOrder);
        Assert.Equal(3, tracker.ContiguousThrough);
        Assert.Equal(0, tracker.CountMissing(3));
    }

    [Fact]
    public void A_catch_up_counts_everything_through_its_last_seq_and_live_copies_of_those_are_stale_not_duplicates()
    {
        var tracker = new SequenceTracker();

        tracker.CaughtUpThrough(10);

        Assert.Equal(SequenceObservation.Stale, tracker.Observe(9));
        Assert.Equal(SequenceObservation.Stale, tracker.Observe(10));
        Assert.Equal(SequenceObservation.InOrder, tracker.Observe(11));
        Assert.Equal(0, tracker.Duplicates);
        Assert.Equal(2, tracker.Stale);
        Assert.Equal(0, tracker.CountMissing(11));
    }

    [Fact]
    public void A_catch_up_fills_a_gap_below_its_last_seq()
    {
        var tracker = new SequenceTracker();
        tracker.Observe(1);
        tracker.Observe(5);

        tracker.CaughtUpThrough(4);

        Assert.Equal(5, tracker.ContiguousThrough);
        Assert.Equal(0, tracker.CountMissing(5));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_seq_below_one_is_invalid(long seq)
    {
        var tracker = new SequenceTracker();

        Assert.Equal(SequenceObservation.Invalid, tracker.Observe(seq));
        Assert.Equal(1, tracker.Invalid);
        Assert.Equal(0, tracker.Received);
    }

    [Fact]
    public void Nothing_is_missing_when_the_expected_end_is_at_or_below_what_arrived()
    {
        var tracker = new SequenceTracker(startAfterSeq: 4);
        tracker.Observe(5);

        Assert.Equal(0, tracker.CountMissing(3));
        Assert.Equal(0, tracker.CountMissing(5));
        Assert.Equal(1, tracker.CountMissing(6));
    }
}
