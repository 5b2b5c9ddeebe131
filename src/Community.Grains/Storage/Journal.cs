using System.Diagnostics;
using System.Diagnostics.Metrics;
using Community.Errors;
using Microsoft.Extensions.Logging;

namespace Community.Grains.Storage;

/// <summary>A write waiting in a <see cref="Journal{THead}"/>: how many rows it adds, and how its caller learns the outcome.</summary>
public abstract class JournalOp
{
    /// <summary>Rows this op writes besides the head (a batch holds at most 99).</summary>
    public abstract int Writes { get; }

    public abstract void Fail(Exception ex);
}

/// <summary>A journal op whose caller awaits a <typeparamref name="TResult"/>.</summary>
public abstract class JournalOp<TResult> : JournalOp
{
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TResult> Task => _completion.Task;

    public void Succeed(TResult result) => _completion.TrySetResult(result);

    public override void Fail(Exception ex) => _completion.TrySetException(ex);
}

/// <summary>What a stream's grain tells its journal: how an op changes the head, and what to do once it is stored.</summary>
public interface IJournalOwner<THead>
{
    /// <summary>Plans <paramref name="op"/> on top of <paramref name="head"/>: appends its rows to <paramref name="writes"/>, returns the head after it. May run again for the same op after a conflict.</summary>
    THead Plan(THead head, JournalOp op, List<LogWrite> writes);

    /// <summary>The batch is stored: complete the ops, update caches, publish events.</summary>
    void Committed(IReadOnlyList<JournalOp> batch, THead head);

    /// <summary>One of <paramref name="op"/>'s inserts hit an existing row (a retried client id, a second like): complete it from what is stored. The op leaves the batch.</summary>
    Task ResolveConflictAsync(JournalOp op, LogWrite write);
}

/// <summary>
/// Group commit for one stream (one partition of an <see cref="ILogStore"/>), used from its grain's context.
/// One batch is in flight at a time; ops that arrive meanwhile are stored together in the next one, so the
/// storage cost per item falls as traffic grows. An op's caller hears back only once its batch is stored
/// (or failed as a whole: nothing half-done). If another activation wrote the partition (the head's ETag
/// moved), the journal re-reads the head and re-plans the batch on top of it.
/// <para>
/// Every batch carries an id of its own, stored in the head it writes (<see cref="JournalHead"/>). A storage call
/// can land and still fail for its caller (the answer was lost, the SDK retried and met its own ETag): before
/// re-planning or failing, the journal reads the head back, and when it holds this batch's id the batch is
/// complete as stored, exactly once, events and all.
/// </para>
/// </summary>
public sealed partial class Journal<THead>(ILogStore store, string partition, IJournalOwner<THead> owner, ILogger logger)
    where THead : class
{
    private const int MaxHeadConflicts = 3;

    private readonly List<JournalOp> _pending = [];
    private bool _committing;
    private Task? _loading;
    private bool _loaded;
    private string? _etag;

    /// <summary>The stored head as of the last load or commit; null when the stream does not exist.</summary>
    public THead? Head { get; private set; }

    /// <summary>Raised after the head was (re)loaded from storage, so the owner can drop caches.</summary>
    public event Action? Reloaded;

    public Task EnsureLoadedAsync() => _loaded ? Task.CompletedTask : _loading ??= LoadAsync();

    /// <summary>Stores the first head of a new stream; 409 when it exists.</summary>
    public async Task CreateAsync(THead head, string alreadyExists)
    {
        await EnsureLoadedAsync();
        if (Head is not null)
        {
            throw CommunityException.Conflict(alreadyExists);
        }

        var batchId = JournalHead.NewBatchId();
        try
        {
            _etag = await store.CommitAsync(partition, null, JournalHead.Write(head, batchId), []);
            Head = head;
        }
        catch (Exception ex) when (ex is LogConflictException or CommunityException { Kind: ErrorKind.Unavailable })
        {
            if (await LandedAsync(batchId, head))
            {
                return;
            }

            if (ex is LogConflictException)
            {
                throw CommunityException.Conflict(alreadyExists);
            }

            throw;
        }
    }

    /// <summary>Queues <paramref name="op"/> for the next batch and returns when that batch is stored.</summary>
    public Task<TResult> Submit<TResult>(JournalOp<TResult> op)
    {
        _pending.Add(op);
        if (!_committing)
        {
            _committing = true;
            _ = CommitLoopAsync();
        }

        return op.Task;
    }

    /// <summary>Whether an op like this is already queued (to coalesce retries that arrive while the first is in flight).</summary>
    public TOp? FindPending<TOp>(Func<TOp, bool> match) where TOp : JournalOp =>
        _pending.OfType<TOp>().FirstOrDefault(match);

    private async Task LoadAsync()
    {
        try
        {
            Adopt(await store.ReadHeadAsync(partition));
        }
        finally
        {
            _loading = null;
        }
    }

    private void Adopt(LogHead? stored)
    {
        Head = stored is null ? null : LogJson.Read<THead>(stored.Data);
        _etag = stored?.ETag;
        _loaded = true;
        Reloaded?.Invoke();
    }

    /// <summary>
    /// After a commit whose outcome is unknown: reads the head back. True when it holds <paramref name="batchId"/> (the
    /// batch is stored; <paramref name="planned"/> becomes the head); otherwise adopts what is stored and returns false.
    /// Stays unloaded when storage cannot answer.
    /// </summary>
    private async Task<bool> LandedAsync(string batchId, THead planned)
    {
        _loaded = false;
        LogHead? stored;
        try
        {
            stored = await store.ReadHeadAsync(partition);
        }
        catch (CommunityException)
        {
            return false;
        }

        if (stored is not null && JournalHead.BatchOf(stored.Data) == batchId)
        {
            _etag = stored.ETag;
            _loaded = true;
            Head = planned;
            JournalMetrics.LandedAfterFailure.Add(1);
            return true;
        }

        if (stored is not null && stored.ETag == _etag)
        {
            // Nothing moved (a refused row, not a head conflict): what this journal holds is still the stored head.
            _loaded = true;
            return false;
        }

        Adopt(stored);
        return false;
    }

    private async Task CommitLoopAsync()
    {
        try
        {
            while (_pending.Count > 0)
            {
                await CommitBatchAsync(TakeBatch());
            }
        }
        finally
        {
            _committing = false;
        }
    }

    private List<JournalOp> TakeBatch()
    {
        var budget = ILogStore.MaxBatch - 1;
        var count = 0;
        while (count < _pending.Count && _pending[count].Writes <= budget)
        {
            budget -= _pending[count].Writes;
            count++;
        }

        count = Math.Max(count, 1);
        var batch = _pending.GetRange(0, count);
        _pending.RemoveRange(0, count);
        return batch;
    }

    private async Task CommitBatchAsync(List<JournalOp> batch)
    {
        var headConflicts = 0;
        while (batch.Count > 0)
        {
            List<int> owners = [];
            List<LogWrite> writes = [];
            try
            {
                await EnsureLoadedAsync();
                var next = Head ?? throw CommunityException.NotFound("This stream does not exist.");
                var keys = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < batch.Count; i++)
                {
                    var before = writes.Count;
                    var planned = owner.Plan(next, batch[i], writes);
                    if (!AllNew(writes, before, keys))
                    {
                        // Two ops of one batch touch the same row (one user liking twice at once): a table
                        // transaction refuses that outright, so the later op waits for the next batch, where
                        // it meets the stored row and resolves as a repeat.
                        writes.RemoveRange(before, writes.Count - before);
                        _pending.Insert(0, batch[i]);
                        batch.RemoveAt(i--);
                        continue;
                    }

                    next = planned;
                    while (owners.Count < writes.Count)
                    {
                        owners.Add(i);
                    }
                }

                var started = Stopwatch.GetTimestamp();
                var batchId = JournalHead.NewBatchId();
                try
                {
                    _etag = await store.CommitAsync(partition, _etag, JournalHead.Write(next, batchId), writes);
                }
                catch (Exception ex) when (ex is LogConflictException or CommunityException { Kind: ErrorKind.Unavailable })
                {
                    if (!await LandedAsync(batchId, next))
                    {
                        throw;
                    }

                    // Stored after all (the answer was lost, or a retry of it met the moved head): complete it as stored.
                    LogLandedAfterFailure(logger, partition, ex.GetType().Name);
                }

                JournalMetrics.CommitDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
                JournalMetrics.Batches.Add(1);
                JournalMetrics.Ops.Add(batch.Count);
                Head = next;
                owner.Committed(batch, next);
                return;
            }
            catch (LogConflictException conflict) when (!conflict.IsHead && conflict.WriteIndex < owners.Count)
            {
                var op = batch[owners[conflict.WriteIndex]];
                batch.Remove(op);
                try
                {
                    await owner.ResolveConflictAsync(op, writes[conflict.WriteIndex]);
                }
                catch (Exception ex)
                {
                    op.Fail(ex);
                }
            }
            catch (LogConflictException) when (++headConflicts <= MaxHeadConflicts)
            {
                // Another activation of this stream wrote in between (a brief double activation while the
                // cluster's membership changes): the head was re-read above; re-number this batch on top of it.
            }
            catch (Exception ex)
            {
                _loaded = false;
                var error = ex switch
                {
                    CommunityException c => c,
                    LogConflictException => CommunityException.Unavailable("This stream is being written elsewhere; try again."),
                    _ => null,
                };
                if (error is null)
                {
                    LogCommitFailed(logger, ex, partition);
                }

                foreach (var op in batch)
                {
                    op.Fail(error ?? ex);
                }

                return;
            }
        }
    }

    private static bool AllNew(List<LogWrite> writes, int from, HashSet<string> keys)
    {
        for (var w = from; w < writes.Count; w++)
        {
            if (keys.Contains(writes[w].Key))
            {
                for (var undo = from; undo < w; undo++)
                {
                    keys.Remove(writes[undo].Key);
                }

                return false;
            }

            keys.Add(writes[w].Key);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of stream {Partition} was stored though its commit failed ({Failure}); completed as stored.")]
    private static partial void LogLandedAfterFailure(ILogger logger, string partition, string failure);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing a batch of stream {Partition} failed.")]
    private static partial void LogCommitFailed(ILogger logger, Exception ex, string partition);
}

/// <summary>
/// Meter <c>Community.Journal</c>: storage transactions and the writes they carried. Their ratio is the
/// group-commit factor (watch with <c>dotnet-counters monitor -n Community.Host --counters Community.Journal</c>).
/// </summary>
public static class JournalMetrics
{
    public const string MeterName = "Community.Journal";
    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> Batches = Meter.CreateCounter<long>("community.journal.batches", description: "Storage transactions that committed a batch of writes.");

    public static readonly Counter<long> Ops = Meter.CreateCounter<long>("community.journal.ops", description: "Acknowledged writes (comments, reactions, messages …) carried by those batches.");

    public static readonly Counter<long> LandedAfterFailure = Meter.CreateCounter<long>("community.journal.landed_after_failure", description: "Batches whose commit failed for the caller (answer lost, retry met its own ETag) but which were found stored and completed once.");

    /// <summary>Storage latency as writers meet it: one entity-group transaction, retries included.</summary>
    public static readonly Histogram<double> CommitDuration = Meter.CreateHistogram<double>("community.journal.commit.duration", unit: "s", description: "Time to store one batch (one storage transaction).");
}
