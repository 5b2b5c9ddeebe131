using System.Diagnostics;
using System.Diagnostics.Metrics;
using Community.Errors;
using Community.Grains.Runtime;
using Microsoft.Extensions.Logging;

namespace Community.Grains.Storage;

/// <summary>
/// The stream writer: group commit for one stream (one partition of an <see cref="ILogStore"/>), used from its grain's
/// context. One batch is in flight at a time (a <see cref="Pump{T}"/>); ops that arrive meanwhile are planned and stored
/// together in the next one, so the storage cost per item falls as traffic grows. Each op's decision is atomic, and an
/// op's caller hears back only once its batch is stored (or failed as a whole: nothing half-done). What every stream
/// needs lives here once:
/// <list type="bullet">
/// <item><b>Idempotency.</b> An op with a <see cref="ClientKey"/> writes a row for it with its item; a retry (remembered,
/// queued, or meeting that row after a restart) is answered with the item first stored (<see cref="Repeat{TResult}"/>).</item>
/// <item><b>Pages.</b> New items of a batch are stored many to a row (<see cref="SeqPages"/>); a decision's rows are
/// counted as stored, so one transaction carries up to 98 chat lines with their client ids (49 as a row each).</item>
/// <item><b>Conflicts.</b> If another activation wrote the partition (the head's ETag moved), the journal re-reads the head
/// and plans the batch again on top of it; two ops of a batch that write one row go in separate batches.</item>
/// <item><b>Ambiguous failures.</b> Every batch carries an id of its own, stored in the head it writes
/// (<see cref="JournalHead"/>). A storage call can land and still fail for its caller (the answer was lost, the SDK
/// retried and met its own ETag): before re-planning or failing, the journal reads the head back, and when it holds this
/// batch's id the batch is complete as stored, exactly once, events and all.</item>
/// </list>
/// </summary>
public sealed partial class Journal<THead>
    where THead : class
{
    /// <summary>The most rows one decision may write: one storage batch, less the head.</summary>
    public const int MaxRows = ILogStore.MaxBatch - 1;

    private const int MaxHeadConflicts = 3;

    private readonly ILogStore _store;
    private readonly string _partition;
    private readonly IStreamOwner<THead> _owner;
    private readonly ILogger _logger;
    private readonly Pump<StreamOp> _pump;
    private readonly ClientIdIndex _clientIds;
    private readonly Func<THead>? _empty;
    private List<StreamOp> _inFlight = [];
    private Task? _loading;
    private bool _loaded;
    private string? _etag;

    /// <param name="empty">
    /// For a stream that exists from its first write (an inbox, a follower set): the head it starts from. Without it the
    /// stream exists once <see cref="CreateAsync"/> stored its head, and ops on a missing stream fail with 404.
    /// </param>
    public Journal(ILogStore store, string partition, IStreamOwner<THead> owner, ILogger logger, Func<THead>? empty = null)
    {
        _empty = empty;
        _store = store;
        _partition = partition;
        _owner = owner;
        _logger = logger;
        _clientIds = new ClientIdIndex(store, partition);
        // A batch plans at most one op per row it may write; ops whose rows do not fit wait for the next.
        _pump = new Pump<StreamOp>(CommitBatchAsync, budget: MaxRows);
    }

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
            _etag = await _store.CommitAsync(_partition, null, JournalHead.Write(head, batchId), []);
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

    /// <summary>
    /// The answer to a retry: when an op of <paramref name="client"/> is stored (remembered here) or on its way, the task
    /// that yields its result; null when this client id is new to this activation (or null). Ask before checks that a
    /// stored op would no longer pass (a chat that ended since), so a retry gets what the first try got.
    /// </summary>
    public Task<TResult>? Repeat<TResult>(ClientKey? client)
    {
        if (client is null)
        {
            return null;
        }

        if (_clientIds.TryGetSeq(client, out var seq))
        {
            return AnswerAsync<TResult>(_owner.StoredAsync(seq));
        }

        var same = _pump.Pending.FirstOrDefault(op => op.Client == client) ?? _inFlight.FirstOrDefault(op => op.Client == client);
        return same is null ? null : AnswerAsync<TResult>(same.Completion.Task);
    }

    /// <summary>Queues <paramref name="op"/> for the next batch and returns its result once that batch is stored.</summary>
    public Task<TResult> Submit<TResult>(StreamOp op)
    {
        _pump.Add(op);
        return AnswerAsync<TResult>(op.Completion.Task);
    }

    private static async Task<TResult> AnswerAsync<TResult>(Task<object?> answer) => (TResult)(await answer)!;

    private async Task LoadAsync()
    {
        try
        {
            Adopt(await _store.ReadHeadAsync(_partition));
        }
        finally
        {
            _loading = null;
        }
    }

    private void Adopt(LogHead? stored)
    {
        Head = stored is null ? _empty?.Invoke() : LogJson.Read<THead>(stored.Data);
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
            stored = await _store.ReadHeadAsync(_partition);
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

    private async Task CommitBatchAsync(List<StreamOp> batch)
    {
        _inFlight = batch;
        try
        {
            await CommitAsync(batch);
        }
        finally
        {
            _inFlight = [];
        }
    }

    private async Task CommitAsync(List<StreamOp> batch)
    {
        var headConflicts = 0;
        while (batch.Count > 0)
        {
            var plan = new BatchPlan();
            try
            {
                await EnsureLoadedAsync();
                await _owner.PrepareAsync(batch);
                plan = Plan(Head ?? throw CommunityException.NotFound("This stream does not exist."), batch);
                if (plan.Accepted.Any(a => !a.Decision.Unchanged))
                {
                    await StoreAsync(plan);
                }

                Complete(plan);
                return;
            }
            catch (LogConflictException conflict) when (!conflict.IsHead && conflict.WriteIndex < plan.Owners.Count)
            {
                var op = batch[plan.Owners[conflict.WriteIndex]];
                batch.Remove(op);
                await ResolveAsync(op, plan.Writes[conflict.WriteIndex]);
            }
            catch (LogConflictException) when (++headConflicts <= MaxHeadConflicts)
            {
                // Another activation of this stream wrote in between (a brief double activation while the
                // cluster's membership changes): the head was re-read; plan this batch again on top of it.
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
                    LogCommitFailed(_logger, ex, _partition);
                }

                batch.ForEach(op => op.Completion.TrySetException(error ?? ex));
                return;
            }
        }
    }

    /// <summary>Plans the batch in order; an op that would write a row another op of the batch writes, or overflow the store's batch, waits for the next.</summary>
    private BatchPlan Plan(THead head, List<StreamOp> batch)
    {
        var plan = new BatchPlan { Head = head };
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var deferred = new List<StreamOp>();
        for (var i = 0; i < batch.Count; i++)
        {
            var op = batch[i];
            var decision = _owner.Plan(plan.Head, op);
            var rows = decision.Rows;
            if (decision.Refusal is null && op.Client is { } client && decision.Seq > 0)
            {
                rows = [.. rows, ClientIdIndex.Row(client, decision.Seq)];
            }

            var stored = plan.Stored; // a copy: these rows count only if they fit
            stored.AddAll(rows);
            if (rows.Count > 0 && (rows.Any(r => keys.Contains(r.Key)) || stored.Rows > MaxRows))
            {
                if (plan.Writes.Count == 0)
                {
                    throw new InvalidOperationException($"One decision writes {rows.Count} rows; a stream stores at most {MaxRows} at once.");
                }

                // Two ops of one batch touch the same row (one user liking twice at once) and a table transaction refuses
                // that outright, or the batch is full: the op waits for the next batch (where a repeat meets the stored row).
                deferred.Add(op);
                batch.RemoveAt(i--);
                continue;
            }

            plan.Decisions.Add((op, decision));
            if (decision.Refusal is not null)
            {
                continue;
            }

            foreach (var row in rows)
            {
                keys.Add(row.Key);
                plan.Writes.Add(row);
                plan.Owners.Add(i);
            }

            plan.Stored = stored;

            plan.Head = decision.Head;
            plan.Accepted.Add((op, decision));
        }

        for (var i = deferred.Count - 1; i >= 0; i--)
        {
            _pump.AddFirst(deferred[i]);
        }

        return plan;
    }

    private async Task StoreAsync(BatchPlan plan)
    {
        var started = Stopwatch.GetTimestamp();
        var batchId = JournalHead.NewBatchId();
        var (rows, origins) = SeqPages.Pack(plan.Writes);
        try
        {
            _etag = await _store.CommitAsync(_partition, _etag, JournalHead.Write(plan.Head, batchId), rows);
        }
        catch (Exception ex) when (ex is LogConflictException or CommunityException { Kind: ErrorKind.Unavailable })
        {
            if (!await LandedAsync(batchId, plan.Head))
            {
                if (ex is LogConflictException { IsHead: false } refused && refused.WriteIndex < origins.Count)
                {
                    throw new LogConflictException(origins[refused.WriteIndex], refused.Message); // name the write the op planned
                }

                throw;
            }

            // Stored after all (the answer was lost, or a retry of it met the moved head): complete it as stored.
            LogLandedAfterFailure(_logger, _partition, ex.GetType().Name);
        }

        JournalMetrics.CommitDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        JournalMetrics.Batches.Add(1);
        JournalMetrics.Ops.Add(plan.Accepted.Count);
        Head = plan.Head;
    }

    private void Complete(BatchPlan plan)
    {
        foreach (var (op, decision) in plan.Accepted)
        {
            if (op.Client is { } client && decision.Seq > 0)
            {
                _clientIds.Remember(client, decision.Seq);
            }
        }

        if (plan.Accepted.Count > 0)
        {
            _owner.Committed(plan.Head, plan.Accepted);
        }

        foreach (var (op, decision) in plan.Decisions)
        {
            if (decision.Refusal is { } refusal)
            {
                op.Completion.TrySetException(refusal);
            }
            else
            {
                op.Completion.TrySetResult(decision.Result);
            }
        }
    }

    /// <summary>An op's row met a stored one: a retried client id is answered with the item stored for it; anything else is the owner's to resolve.</summary>
    private async Task ResolveAsync(StreamOp op, LogWrite write)
    {
        try
        {
            if (op.Client is { } client && ClientIdIndex.IsRow(write, client))
            {
                op.Completion.TrySetResult(await _owner.StoredAsync(await _clientIds.ResolveAsync(client)));
            }
            else if (await _owner.ResolveConflictAsync(op, write) is { } answer)
            {
                op.Completion.TrySetResult(answer);
            }
            else
            {
                _pump.AddFirst(op);
            }
        }
        catch (Exception ex)
        {
            op.Completion.TrySetException(ex);
        }
    }

    private sealed class BatchPlan
    {
        public THead Head { get; set; } = null!;

        public List<LogWrite> Writes { get; } = [];

        /// <summary>The rows <see cref="Writes"/> are stored as (new items paged).</summary>
        public SeqPages.RowCounter Stored { get; set; }

        /// <summary>Per write, the index in the batch of the op that planned it.</summary>
        public List<int> Owners { get; } = [];

        public List<(StreamOp Op, Decision<THead> Decision)> Decisions { get; } = [];

        public List<(StreamOp Op, Decision<THead> Decision)> Accepted { get; } = [];
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
