using System.Collections.Concurrent;

namespace Community.Grains.Storage;

/// <summary>
/// In-process <see cref="ILogStore"/> with the same atomicity and conflict rules as the Azure one; for the
/// in-memory storage mode (demos, unit tests). Everything is lost when the process ends.
/// </summary>
public sealed class MemoryLogStoreFactory : ILogStoreFactory
{
    private readonly ConcurrentDictionary<string, MemoryLogStore> _stores = new();

    public ILogStore Get(string table) => _stores.GetOrAdd(table, static _ => new MemoryLogStore());

    public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public sealed class MemoryLogStore : ILogStore
{
    private readonly ConcurrentDictionary<string, Partition> _partitions = new();

    public Task<LogHead?> ReadHeadAsync(string partition, CancellationToken cancellationToken = default)
    {
        var p = Get(partition);
        lock (p)
        {
            return Task.FromResult(p.Head is null ? null : new LogHead(p.ETag.ToString(System.Globalization.CultureInfo.InvariantCulture), p.Head));
        }
    }

    public Task<string> CommitAsync(string partition, string? expectedETag, string head, IReadOnlyList<LogWrite> writes, CancellationToken cancellationToken = default)
    {
        if (writes.Count + 1 > ILogStore.MaxBatch)
        {
            throw new ArgumentException($"A batch holds at most {ILogStore.MaxBatch - 1} writes besides the head.", nameof(writes));
        }

        var p = Get(partition);
        lock (p)
        {
            var current = p.Head is null ? null : p.ETag.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (current != expectedETag)
            {
                throw new LogConflictException(-1, "The head changed since it was read.");
            }

            var seen = new HashSet<string>();
            for (var i = 0; i < writes.Count; i++)
            {
                var w = writes[i];
                var exists = p.Rows.ContainsKey(w.Key);
                if (!seen.Add(w.Key) || (w.Kind == LogWriteKind.Insert && exists) || (w.Kind == LogWriteKind.Delete && !exists))
                {
                    throw new LogConflictException(i, $"Write {i} ({w.Kind} {w.Key}) conflicts.");
                }
            }

            foreach (var w in writes)
            {
                if (w.Kind == LogWriteKind.Delete)
                {
                    p.Rows.Remove(w.Key);
                }
                else
                {
                    p.Rows[w.Key] = w.Data ?? "";
                }
            }

            p.Head = head;
            p.ETag++;
            return Task.FromResult(p.ETag.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public Task<IReadOnlyList<LogRow>> RangeAsync(string partition, string fromKey, string toKey, int limit, CancellationToken cancellationToken = default)
    {
        var p = Get(partition);
        lock (p)
        {
            IReadOnlyList<LogRow> rows = p.Rows
                .Where(r => string.CompareOrdinal(r.Key, fromKey) >= 0 && string.CompareOrdinal(r.Key, toKey) < 0)
                .Take(limit)
                .Select(r => new LogRow(r.Key, r.Value))
                .ToList();
            return Task.FromResult(rows);
        }
    }

    public Task<LogRow?> ReadAsync(string partition, string key, CancellationToken cancellationToken = default)
    {
        var p = Get(partition);
        lock (p)
        {
            return Task.FromResult(p.Rows.TryGetValue(key, out var data) ? new LogRow(key, data) : null);
        }
    }

    private Partition Get(string partition) => _partitions.GetOrAdd(partition, static _ => new Partition());

    private sealed class Partition
    {
        public SortedDictionary<string, string> Rows { get; } = new(StringComparer.Ordinal);

        public string? Head { get; set; }

        public long ETag { get; set; }
    }
}
