namespace Community.Grains.Storage;

/// <summary>A stored row of a partition: its key and its JSON body.</summary>
public sealed record LogRow(string Key, string Data);

/// <summary>The head row of a partition (the stream's own metadata: counters, last seq) and its ETag.</summary>
public sealed record LogHead(string ETag, string Data);

public enum LogWriteKind
{
    /// <summary>Adds a row; fails with <see cref="LogConflictException"/> when the key exists.</summary>
    Insert,

    /// <summary>Adds or replaces a row.</summary>
    Upsert,

    /// <summary>Removes a row; fails with <see cref="LogConflictException"/> when the key does not exist.</summary>
    Delete,
}

public readonly record struct LogWrite(LogWriteKind Kind, string Key, string? Data = null)
{
    public static LogWrite Insert(string key, string data) => new(LogWriteKind.Insert, key, data);

    public static LogWrite Upsert(string key, string data) => new(LogWriteKind.Upsert, key, data);

    public static LogWrite Delete(string key) => new(LogWriteKind.Delete, key);
}

/// <summary>
/// One table of partitions. A partition is one stream (a post, a conversation, a chat, a follower set):
/// a head row plus any number of rows, written together in atomic batches (Azure Table transactions)
/// and read back in key order. This is what lets a stream grow without bound while one batch commits
/// many items in one storage round trip.
/// </summary>
public interface ILogStore
{
    /// <summary>The most rows (head included) one <see cref="CommitAsync"/> may write.</summary>
    const int MaxBatch = 100;

    Task<LogHead?> ReadHeadAsync(string partition, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically writes the head (inserted when <paramref name="expectedETag"/> is null, else replaced only if
    /// it still has that ETag) and every row write. All or nothing. Returns the new head ETag.
    /// </summary>
    /// <exception cref="LogConflictException">The head changed, or one of the writes conflicted; nothing was written.</exception>
    /// <exception cref="Community.Errors.CommunityException">Storage is unavailable (kind Unavailable); nothing was written, or the outcome is unknown after a timeout.</exception>
    Task<string> CommitAsync(string partition, string? expectedETag, string head, IReadOnlyList<LogWrite> writes, CancellationToken cancellationToken = default);

    /// <summary>Rows with <paramref name="fromKey"/> ≤ key &lt; <paramref name="toKey"/>, in key order, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<LogRow>> RangeAsync(string partition, string fromKey, string toKey, int limit, CancellationToken cancellationToken = default);

    Task<LogRow?> ReadAsync(string partition, string key, CancellationToken cancellationToken = default);
}

/// <summary>Gives the store of a named table (posts, follows, conversations, chats …).</summary>
public interface ILogStoreFactory
{
    ILogStore Get(string table);

    /// <summary>Checks that storage answers (readiness).</summary>
    Task PingAsync(CancellationToken cancellationToken);
}

/// <summary>A batch was refused as a whole. <see cref="WriteIndex"/> is the index of the conflicting write, or -1 for the head.</summary>
public sealed class LogConflictException(int writeIndex, string message) : Exception(message)
{
    public int WriteIndex { get; } = writeIndex;

    public bool IsHead => WriteIndex < 0;
}
