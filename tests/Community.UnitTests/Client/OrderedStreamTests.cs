using Community.Client;
using CsCheck;

namespace Community.UnitTests.Client;

public class OrderedStreamTests
{
    private sealed record Item(long Seq);

    private static OrderedStream<Item> After(long seq) => new(seq, i => i.Seq);

    private static long[] Seqs(IEnumerable<Item> items) => [.. items.Select(i => i.Seq)];

    [Fact]
    public void A_live_event_that_arrives_before_the_catch_up_waits_for_it_then_both_come_out_in_seq_order()
    {
        var stream = After(2);

        Assert.Empty(stream.Offer(new Item(5)));
        Assert.True(stream.HasGap);

        Assert.Equal([3, 4, 5], Seqs(stream.OfferAll([new(3), new(4), new(5)])));
        Assert.Equal(5, stream.LastSeq);
        Assert.False(stream.HasGap);
    }

    [Fact]
    public void An_item_is_handed_out_once_however_often_it_arrives()
    {
        var stream = After(0);

        Assert.Equal([1, 2], Seqs(stream.OfferAll([new(1), new(2)])));
        Assert.Empty(stream.Offer(new Item(2)));
        Assert.Empty(stream.OfferAll([new(1), new(2)]));
        Assert.Equal([3, 4], Seqs(stream.OfferAll([new(4), new(4), new(3)])));
    }

    [Fact]
    public void Items_at_or_before_after_seq_are_never_handed_out()
    {
        var stream = After(10);

        Assert.Empty(stream.OfferAll([new(9), new(10)]));
        Assert.False(stream.HasGap);
        Assert.Equal([11], Seqs(stream.Offer(new Item(11))));
    }

    [Fact]
    public void A_gap_holds_back_everything_after_it_until_a_catch_up_fills_it()
    {
        var stream = After(0);
        Assert.Equal([1], Seqs(stream.Offer(new Item(1))));

        Assert.Empty(stream.Offer(new Item(3)));
        Assert.Empty(stream.Offer(new Item(4)));
        Assert.Equal(1, stream.LastSeq);

        Assert.Equal([2, 3, 4], Seqs(stream.OfferAll([new(2), new(3)])));
    }

    [Fact]
    public void Any_mix_of_repeats_and_reordering_comes_out_as_every_seq_once_in_order()
    {
        // Live events and catch-ups overlap arbitrarily around reconnects: whatever the arrival order, the app
        // sees after+1 … last, each once, as long as every seq arrives at least once.
        Gen.Select(Gen.Int[1, 40], Gen.Int[0, 3].Array[40], Gen.Int.Array[80])
            .Sample((last, repeats, keys) =>
            {
                var arrivals = Enumerable.Range(1, last)
                    .SelectMany(seq => Enumerable.Repeat(seq, 1 + repeats[seq - 1]))
                    .Select((seq, i) => (seq, key: keys[i % keys.Length] ^ i))
                    .OrderBy(a => a.key)
                    .Select(a => new Item(a.seq));
                var stream = After(0);
                var delivered = arrivals.SelectMany(stream.Offer).ToList();
                return Seqs(delivered).SequenceEqual(Enumerable.Range(1, last).Select(s => (long)s)) && !stream.HasGap;
            });
    }
}
