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

    /// <summary>The row that records which seq <paramref name="client"/>'s item was stored as.</summary>
    public static LogWrite Row(ClientKey client, long seq) =>
        LogWrite.Insert(RowKey(client), seq.ToString(CultureInfo.InvariantCulture));

    public static bool IsRow(LogWrite write, ClientKey client) => write.Key == RowKey(client);

    /// <summary>Whether this client id was stored recently, and as which seq.</summary>
    public bool TryGetSeq(ClientKey client, out long seq) => _seqs.TryGetValue(MemoryKey(client), out seq);

    public void Remember(ClientKey client, long seq) => _seqs.Set(MemoryKey(client), seq);

    /// <summary>After an insert of the row conflicted: the seq the earlier write of this client id was stored as.</summary>
    public async Task<long> ResolveAsync(ClientKey client)
    {
        var row = await store.ReadAsync(partition, RowKey(client))
            ?? throw CommunityException.Unavailable("The client id conflicted but could not be read back; retry.");
        var seq = long.Parse(row.Data, CultureInfo.InvariantCulture);
        Remember(client, seq);
        return seq;
    }

    private static string MemoryKey(ClientKey client) => client.Author + "\n" + client.ClientId;

    private static string RowKey(ClientKey client) => LogKeys.Of("k", client.Author, client.ClientId);
}
