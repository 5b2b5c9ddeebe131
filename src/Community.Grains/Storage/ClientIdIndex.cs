using System.Globalization;
using Community.Errors;

namespace Community.Grains.Storage;

/// <summary>
/// Idempotent creates in a sequenced stream: the same <c>clientId</c> from the same author always yields the
/// item first stored for it. A row per (author, clientId) is inserted in the same batch as the item, so a retry
/// after a restart, or a race with another activation, meets that row (the journal reports the conflict) and is
/// answered from it; the newest pairs are also kept in memory, so a quick retry costs no storage call.
/// </summary>
public sealed class ClientIdIndex(ILogStore store, string partition, int capacity = 10_000)
{
    private readonly RecentMap<long> _seqs = new(capacity);

    /// <summary>The in-memory key of a write, or null when it carries no client id.</summary>
    public static string? KeyOf(string author, string? clientId) => clientId is null ? null : author + "\n" + clientId;

    /// <summary>The row that records which seq (author, clientId) was stored as.</summary>
    public static LogWrite Row(string author, string clientId, long seq) =>
        LogWrite.Insert(RowKey(author, clientId), seq.ToString(CultureInfo.InvariantCulture));

    public static bool IsRow(LogWrite write, string author, string clientId) => write.Key == RowKey(author, clientId);

    /// <summary>Whether this key was stored recently, and as which seq.</summary>
    public bool TryGetSeq(string? key, out long seq)
    {
        seq = 0;
        return key is not null && _seqs.TryGetValue(key, out seq);
    }

    public void Remember(string? key, long seq)
    {
        if (key is not null)
        {
            _seqs.Set(key, seq);
        }
    }

    /// <summary>After an insert of the row conflicted: the seq the earlier write of this pair was stored as.</summary>
    public async Task<long> ResolveAsync(string author, string clientId)
    {
        var row = await store.ReadAsync(partition, RowKey(author, clientId))
            ?? throw CommunityException.Unavailable("The client id conflicted but could not be read back; retry.");
        var seq = long.Parse(row.Data, CultureInfo.InvariantCulture);
        Remember(KeyOf(author, clientId), seq);
        return seq;
    }

    private static string RowKey(string author, string clientId) => LogKeys.Of("k", author, clientId);
}
