using System.Globalization;
using System.Text;

namespace Community.Grains.Storage;

/// <summary>Row keys within a partition. Sequenced items sort by seq because the number is zero-padded.</summary>
public static class LogKeys
{
    public const string Head = "!head";
    private const string SeqPrefix = "s:";

    public static string Seq(long seq) => SeqPrefix + seq.ToString("D15", CultureInfo.InvariantCulture);

    public static string SeqEnd => SeqPrefix + "~";

    public static bool IsSeq(string key) => key.StartsWith(SeqPrefix, StringComparison.Ordinal);

    /// <summary>The seq of a key made by <see cref="Seq"/>.</summary>
    public static long SeqOf(string key) => long.Parse(key.AsSpan(SeqPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>
    /// A key made of user-chosen text (a client id, a handle). Table keys forbid / \ # ? and control
    /// characters, so free text is hex-encoded.
    /// </summary>
    public static string Of(string prefix, string part1, string? part2 = null)
    {
        var sb = new StringBuilder(prefix.Length + 2 + (part1.Length + (part2?.Length ?? 0)) * 2);
        sb.Append(prefix).Append(':').Append(part1);
        if (part2 is not null)
        {
            sb.Append(':').Append(Convert.ToHexString(Encoding.UTF8.GetBytes(part2)));
        }

        return sb.ToString();
    }
}
