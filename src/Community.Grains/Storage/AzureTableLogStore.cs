using System.Collections.Concurrent;
using System.Net;
using Azure;
using Azure.Data.Tables;
using Community.Errors;

namespace Community.Grains.Storage;

/// <summary>
/// <see cref="ILogStore"/> on Azure Table storage (Azurite locally): a partition per stream, a head row, and
/// entity group transactions for batches. Each row keeps its JSON in one string column, <c>D</c>.
/// </summary>
public sealed class AzureTableLogStoreFactory(TableServiceClient service, string tablePrefix) : ILogStoreFactory
{
    private readonly ConcurrentDictionary<string, AzureTableLogStore> _stores = new();

    public ILogStore Get(string table) =>
        _stores.GetOrAdd(table, name => new AzureTableLogStore(service.GetTableClient(tablePrefix + name)));

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var _ in service.QueryAsync(maxPerPage: 1, cancellationToken: cancellationToken).AsPages().WithCancellation(cancellationToken))
            {
                break;
            }
        }
        catch (Exception ex) when (AzureErrors.IsUnavailable(ex))
        {
            throw AzureErrors.Unavailable(ex);
        }
    }
}

internal sealed class AzureTableLogStore(TableClient table) : ILogStore
{
    private const string DataColumn = "D";
    private Task? _created;

    public async Task<LogHead?> ReadHeadAsync(string partition, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        try
        {
            var response = await table.GetEntityIfExistsAsync<TableEntity>(partition, LogKeys.Head, [DataColumn], cancellationToken);
            return response.HasValue ? new LogHead(response.Value!.ETag.ToString(), response.Value.GetString(DataColumn) ?? "") : null;
        }
        catch (Exception ex) when (AzureErrors.IsUnavailable(ex))
        {
            throw AzureErrors.Unavailable(ex);
        }
    }

    public async Task<string> CommitAsync(string partition, string? expectedETag, string head, IReadOnlyList<LogWrite> writes, CancellationToken cancellationToken = default)
    {
        if (writes.Count + 1 > ILogStore.MaxBatch)
        {
            throw new ArgumentException($"A batch holds at most {ILogStore.MaxBatch - 1} writes besides the head.", nameof(writes));
        }

        await EnsureTableAsync(cancellationToken);
        var actions = new List<TableTransactionAction>(writes.Count + 1);
        var headEntity = new TableEntity(partition, LogKeys.Head) { [DataColumn] = head };
        actions.Add(expectedETag is null
            ? new TableTransactionAction(TableTransactionActionType.Add, headEntity)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, headEntity, new ETag(expectedETag)));
        foreach (var write in writes)
        {
            var entity = new TableEntity(partition, write.Key);
            if (write.Data is not null)
            {
                entity[DataColumn] = write.Data;
            }

            actions.Add(write.Kind switch
            {
                LogWriteKind.Insert => new TableTransactionAction(TableTransactionActionType.Add, entity),
                LogWriteKind.Upsert => new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity),
                _ => new TableTransactionAction(TableTransactionActionType.Delete, entity, ETag.All),
            });
        }

        try
        {
            var response = await table.SubmitTransactionAsync(actions, cancellationToken);
            return response.Value[0].Headers.ETag?.ToString()
                ?? throw new InvalidOperationException("Table storage returned no ETag for the head row.");
        }
        catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            var index = ex.FailedTransactionActionIndex ?? await FindConflictAsync(partition, expectedETag, writes, cancellationToken);
            throw new LogConflictException(index - 1, $"Batch refused at action {index}: {ex.ErrorCode}.");
        }
        catch (Exception ex) when (AzureErrors.IsUnavailable(ex))
        {
            throw AzureErrors.Unavailable(ex);
        }
    }

    public async Task<IReadOnlyList<LogRow>> RangeAsync(string partition, string fromKey, string toKey, int limit, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {fromKey} and RowKey lt {toKey}");
        var rows = new List<LogRow>(Math.Min(limit, 256));
        try
        {
            await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(limit, 1000), select: ["RowKey", DataColumn], cancellationToken: cancellationToken))
            {
                rows.Add(new LogRow(entity.RowKey, entity.GetString(DataColumn) ?? ""));
                if (rows.Count >= limit)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (AzureErrors.IsUnavailable(ex))
        {
            throw AzureErrors.Unavailable(ex);
        }

        return rows;
    }

    public async Task<LogRow?> ReadAsync(string partition, string key, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        try
        {
            var response = await table.GetEntityIfExistsAsync<TableEntity>(partition, key, [DataColumn], cancellationToken);
            return response.HasValue ? new LogRow(key, response.Value!.GetString(DataColumn) ?? "") : null;
        }
        catch (Exception ex) when (AzureErrors.IsUnavailable(ex))
        {
            throw AzureErrors.Unavailable(ex);
        }
    }

    // Some emulators omit the failed action's index; find it by reading the rows the batch depended on.
    private async Task<int> FindConflictAsync(string partition, string? expectedETag, IReadOnlyList<LogWrite> writes, CancellationToken cancellationToken)
    {
        var head = await ReadHeadAsync(partition, cancellationToken);
        if (head?.ETag != expectedETag)
        {
            return 0;
        }

        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            if (write.Kind == LogWriteKind.Upsert)
            {
                continue;
            }

            var exists = await ReadAsync(partition, write.Key, cancellationToken) is not null;
            if (exists == (write.Kind == LogWriteKind.Insert))
            {
                return i + 1;
            }
        }

        return 0;
    }

    private Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        var created = _created;
        if (created is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }

        if (created is null || created.IsFaulted || created.IsCanceled)
        {
            _created = created = CreateAsync(cancellationToken);
        }

        return created;
    }

    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
        }
        catch (Exception ex) when (AzureErrors.IsUnavailable(ex))
        {
            throw AzureErrors.Unavailable(ex);
        }
    }
}

internal static class AzureErrors
{
    /// <summary>Transport failures, timeouts and server errors: storage cannot take the call now.</summary>
    public static bool IsUnavailable(Exception ex) => ex switch
    {
        RequestFailedException { Status: 0 or >= 500 } => true,
        RequestFailedException => false,
        HttpRequestException or TimeoutException or System.Net.Sockets.SocketException => true,
        OperationCanceledException => true,
        AggregateException agg => agg.InnerExceptions.Any(IsUnavailable),
        _ => false,
    };

    public static CommunityException Unavailable(Exception ex) =>
        CommunityException.Unavailable($"Storage is unavailable ({ex.GetType().Name}); nothing was written. Try again shortly.");
}
