using System.Text;
using Community.Grains.Storage;
using CsCheck;

namespace Community.UnitTests.Storage;

public class LogKeysTests
{
    // Seqs count comments from 1; 15 zero-padded digits is the range the key format promises to order.
    private static readonly Gen<long> SeqGen = Gen.Long[0, 999_999_999_999_999];

    private static readonly Gen<string> HandleGen = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789_"], 3, 30];

    private static readonly Gen<string> PrefixGen = Gen.OneOfConst("k", "f", "l", "v");

    [Fact]
    public void Seq_keys_sort_as_strings_in_the_same_order_as_their_numbers()
    {
        Gen.Select(SeqGen, SeqGen).Sample((a, b) =>
            Math.Sign(string.CompareOrdinal(LogKeys.Seq(a), LogKeys.Seq(b))) == Math.Sign(a.CompareTo(b)));
    }

    [Fact]
    public void Neighbouring_seq_keys_sort_in_numeric_order_across_digit_boundaries()
    {
        long[] seqs = [0, 1, 9, 10, 99, 100, 999, 1_000, 999_999_999, 1_000_000_000, 999_999_999_999_999];

        var sorted = seqs.Select(LogKeys.Seq).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(seqs.Select(LogKeys.Seq), sorted);
    }

    [Fact]
    public void Every_seq_key_sorts_after_the_head_and_before_the_end_of_the_seq_range()
    {
        SeqGen.Sample(seq =>
            string.CompareOrdinal(LogKeys.Head, LogKeys.Seq(seq)) < 0
            && string.CompareOrdinal(LogKeys.Seq(seq), LogKeys.SeqEnd) < 0);
    }

    [Fact]
    public void A_key_of_a_handle_and_free_text_keeps_the_handle_readable_and_hex_encodes_the_text()
    {
        Assert.Equal("k:maya:612F62233F", LogKeys.Of("k", "maya", "a/b#?"));
        Assert.Equal("f:maya", LogKeys.Of("f", "maya"));
    }

    [Fact]
    public void Keys_made_from_any_free_text_contain_no_character_table_storage_forbids()
    {
        Gen.Select(PrefixGen, HandleGen, Gen.String[Gen.Char, 0, 80]).Sample((prefix, handle, text) =>
        {
            var key = LogKeys.Of(prefix, handle, text);
            return !key.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
        });
    }

    [Fact]
    public void Free_text_can_be_recovered_from_its_key_so_different_texts_never_share_a_key()
    {
        // Surrogates are left out: a lone surrogate is not text UTF-8 can carry.
        var text = Gen.String[Gen.Char['\0', '\uD7FF'], 0, 64];

        Gen.Select(HandleGen, text).Sample((handle, clientId) =>
        {
            var key = LogKeys.Of("k", handle, clientId);
            var encoded = key[("k:" + handle + ":").Length..];
            return Encoding.UTF8.GetString(Convert.FromHexString(encoded)) == clientId;
        });
    }
}
