using System.Buffers.Text;
using System.Globalization;

namespace Community.LoadTests.Workload;

/// <summary>
/// The driver's mark inside the text of everything it sends (a comment, a chat message, a direct message):
/// <c>lt {clientId} {sendTimestamp} {m|w}</c>. A pushed item does not carry its clientId back to every receiver, so its
/// text is what lets a receiver find when it was sent (a <see cref="System.Diagnostics.Stopwatch"/> timestamp of this
/// process: one clock for send and receive) and whether it was sent in a measured window (<c>m</c>) or a warm-up (<c>w</c>).
/// </summary>
public static class SendStamp
{
    private const string Prefix = "lt ";

    public static string Format(string clientId, long sendTimestamp, bool measured) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{clientId} {sendTimestamp} {(measured ? 'm' : 'w')}");

    public static bool TryParse(string? text, out long sendTimestamp, out bool measured)
    {
        sendTimestamp = 0;
        measured = false;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal) || text.Length < Prefix.Length + 4 || text[^2] != ' ')
        {
            return false;
        }

        var flag = text[^1];
        var body = text.AsSpan(0, text.Length - 2);
        var space = body.LastIndexOf(' ');
        if (flag is not ('m' or 'w') || space < Prefix.Length
            || !long.TryParse(body[(space + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out sendTimestamp))
        {
            return false;
        }

        measured = flag == 'm';
        return true;
    }

    /// <summary>
    /// The same parse over the UTF-8 bytes of the text as they came off the wire (the raw receiver's path: no string).
    /// The stamp is ASCII, so a byte is a character here.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out long sendTimestamp, out bool measured)
    {
        sendTimestamp = 0;
        measured = false;
        if (!text.StartsWith("lt "u8) || text.Length < Prefix.Length + 4 || text[^2] != (byte)' ')
        {
            return false;
        }

        var flag = text[^1];
        var body = text[..^2];
        var space = body.LastIndexOf((byte)' ');
        if (flag is not ((byte)'m' or (byte)'w') || space < Prefix.Length
            || !Utf8Parser.TryParse(body[(space + 1)..], out sendTimestamp, out var consumed) || consumed != body.Length - space - 1
            || sendTimestamp < 0 || body[space + 1] is (byte)'-' or (byte)'+')
        {
            sendTimestamp = 0;
            return false;
        }

        measured = flag == (byte)'m';
        return true;
    }
}
