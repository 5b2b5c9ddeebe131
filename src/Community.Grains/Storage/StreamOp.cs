using Community.Errors;

namespace Community.Grains.Storage;

/// <summary>
/// A change waiting in a <see cref="Journal{THead}"/>. The grain plans it (<see cref="IStreamOwner{THead}.Plan"/>) into a
/// <see cref="Decision{THead}"/>; the journal stores it and answers its caller with the decision's result.
/// </summary>
public abstract class StreamOp
{
    internal TaskCompletionSource<object?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The (author, client id) that makes a retry of this op idempotent; null when the caller gave none.</summary>
    public ClientKey? Client { get; init; }
}

/// <summary>An author's client id: the same pair always answers with the item first stored for it.</summary>
public sealed record ClientKey(string Author, string ClientId)
{
    public static ClientKey? Of(string author, string? clientId) => clientId is null ? null : new(author, clientId);
}

/// <summary>
/// What one op does to a stream, planned on one head: the head after it, the rows it writes, and either the result its
/// caller gets or the refusal it fails with. Immutable, so planning again (after another activation moved the head) is
/// just calling the planner again. <see cref="Effect"/> carries what the owner needs once it is stored (caches, events).
/// </summary>
public sealed record Decision<THead>(THead Head, IReadOnlyList<LogWrite> Rows, object? Result, long Seq = 0, object? Effect = null)
    where THead : class
{
    /// <summary>Refused on this head: writes nothing, and its caller gets <see cref="Refusal"/> once the batch it rode in is stored.</summary>
    public CommunityException? Refusal { get; private init; }

    public static Decision<THead> Refuse(THead head, CommunityException refusal) => new(head, [], null) { Refusal = refusal };

    /// <summary>Changes nothing (a repeat, an update already folded in): its caller gets <paramref name="result"/> without a storage call unless its batch mates write.</summary>
    public bool Unchanged { get; private init; }

    public static Decision<THead> Keep(THead head, object? result) => new(head, [], result) { Unchanged = true };
}

/// <summary>What a stream's grain tells its journal: how an op changes the head, and what to do once it is stored.</summary>
public interface IStreamOwner<THead>
    where THead : class
{
    /// <summary>Plans <paramref name="op"/> on <paramref name="head"/>. Pure: may run again for the same op, on another head.</summary>
    Decision<THead> Plan(THead head, StreamOp op);

    /// <summary>The batch is stored (<paramref name="accepted"/> in order, refusals left out): update caches, publish events. Callers hear back right after.</summary>
    void Committed(THead head, IReadOnlyList<(StreamOp Op, Decision<THead> Decision)> accepted);

    /// <summary>The item stored as <paramref name="seq"/>: the answer to a retry of an op whose client id was stored with it.</summary>
    Task<object?> StoredAsync(long seq);

    /// <summary>
    /// One of <paramref name="op"/>'s rows met an existing row (a second like; a user row another activation wrote): the
    /// answer from what is stored, or null to plan it again in the next batch. The op leaves this batch either way.
    /// </summary>
    Task<object?> ResolveConflictAsync(StreamOp op, LogWrite write) =>
        throw CommunityException.Unavailable("This stream is being written elsewhere; try again.");

    /// <summary>Runs before each batch is planned, on the loaded head: load what planning reads synchronously (rows of the batch's keys).</summary>
    Task PrepareAsync(IReadOnlyList<StreamOp> batch) => Task.CompletedTask;
}
