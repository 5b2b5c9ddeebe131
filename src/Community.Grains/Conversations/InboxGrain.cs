using Community.Conversations;
using Community.Errors;
using Community.Grains.Storage;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Community.Grains.Conversations;

/// <summary>
/// A user's inbox: one partition per user with, per conversation, an entry row (<c>c:{conversationId}</c>) and a
/// listing row keyed by inverted time (<c>t:{ticks}:{conversationId}</c>), so a page of the most recent
/// conversations is one range read however many conversations there are. The head holds the totals.
/// Updates from conversations are merged into the stored entry (<see cref="InboxMath"/>) and group-committed through a
/// <see cref="Journal{THead}"/>: one batch in flight, and the updates that arrive meanwhile (fifty fans writing to one
/// creator at once) are stored together in the next. An inbox exists from its first update; an update that changes
/// nothing (a conversation re-sending its summary) writes nothing.
/// </summary>
[Reentrant]
public sealed class InboxGrain : Grain, IInboxGrain, IStreamOwner<InboxHead>
{
    public const string Table = "inboxes";

    private readonly ILogStore _store;
    private readonly Journal<InboxHead> _journal;
    // The stored entry of each conversation looked up or written (null: none), valid until the head is re-read.
    private readonly RecentMap<InboxEntry?> _entries = new(10_000);

    public InboxGrain(ILogStoreFactory stores, ILogger<InboxGrain> logger)
    {
        _store = stores.Get(Table);
        _journal = new Journal<InboxHead>(_store, Owner, this, logger, empty: () => new InboxHead());
        _journal.Reloaded += _entries.Clear;
    }

    private string Owner => this.GetPrimaryKeyString();

    public Task Apply(InboxUpdate update)
    {
        if (!InboxMath.IsValid(update) || ConversationKey.Of(Owner, update.With) != update.ConversationId || update.With == Owner)
        {
            throw new ArgumentException($"Update of {update.ConversationId} does not belong in the inbox of {Owner}.", nameof(update));
        }

        return _journal.Submit<object?>(new UpdateOp(update));
    }

    public async Task<InboxPage> List(int limit, string? before)
    {
        var from = InboxMath.ListingStart;
        if (before is not null && !InboxMath.TryListingStartAfter(before, out from))
        {
            throw CommunityException.Invalid("before is not a cursor of this inbox: pass the 'next' of the previous page, or nothing for the first page.");
        }

        await _journal.EnsureLoadedAsync();
        var rows = await _store.RangeAsync(Owner, from, InboxMath.ListingEnd, limit + 1);
        var items = rows.Take(limit).Select(r => LogJson.Read<InboxEntry>(r.Data)).ToList();
        return new InboxPage(items, _journal.Head!.Unread, rows.Count > limit ? InboxMath.Cursor(items[^1]) : null);
    }

    /// <summary>Reads the stored entries of the batch's conversations that are not known yet, so planning merges into what is stored.</summary>
    async Task IStreamOwner<InboxHead>.PrepareAsync(IReadOnlyList<StreamOp> batch)
    {
        var missing = batch.Select(op => ((UpdateOp)op).Update.ConversationId).Distinct(StringComparer.Ordinal).Where(id => !_entries.Contains(id));
        var read = await Task.WhenAll(missing.Select(async id => (Id: id, Row: await _store.ReadAsync(Owner, EntryKey(id)))));
        foreach (var (id, row) in read)
        {
            _entries.Set(id, row is null ? null : LogJson.Read<InboxEntry>(row.Data));
        }
    }

    /// <summary>
    /// Merges one update into its conversation's stored entry: the entry row, the listing row (moved when the last message
    /// is newer) and the totals. Two updates of one conversation in a batch write the same rows, so the journal stores the
    /// second in the next batch, merged into what the first stored.
    /// </summary>
    Decision<InboxHead> IStreamOwner<InboxHead>.Plan(InboxHead head, StreamOp op)
    {
        var update = ((UpdateOp)op).Update;
        _entries.TryGetValue(update.ConversationId, out var current);
        var next = InboxMath.Merge(current, update);
        if (next == current)
        {
            return Decision<InboxHead>.Keep(head, null);
        }

        var json = LogJson.Write(next);
        var rows = new List<LogWrite>(3) { LogWrite.Upsert(EntryKey(next.ConversationId), json) };
        if (current is not null && InboxMath.ListingKey(current) != InboxMath.ListingKey(next))
        {
            rows.Add(LogWrite.Delete(InboxMath.ListingKey(current)));
        }

        rows.Add(LogWrite.Upsert(InboxMath.ListingKey(next), json));
        var totals = head with
        {
            Conversations = head.Conversations + (current is null ? 1 : 0),
            Unread = head.Unread + next.Unread - (current?.Unread ?? 0),
        };
        return new(totals, rows, null, Effect: next);
    }

    void IStreamOwner<InboxHead>.Committed(InboxHead head, IReadOnlyList<(StreamOp Op, Decision<InboxHead> Decision)> accepted)
    {
        foreach (var (_, decision) in accepted)
        {
            if (decision.Effect is InboxEntry stored)
            {
                _entries.Set(stored.ConversationId, stored);
            }
        }
    }

    Task<object?> IStreamOwner<InboxHead>.StoredAsync(long seq) => throw new InvalidOperationException("Inbox updates carry no client ids.");

    /// <summary>A listing row this activation believed stored was not (its entries were stale): forget them and plan the update again on what is stored.</summary>
    Task<object?> IStreamOwner<InboxHead>.ResolveConflictAsync(StreamOp op, LogWrite write)
    {
        _entries.Clear();
        return Task.FromResult<object?>(null);
    }

    private static string EntryKey(string conversationId) => LogKeys.Of("c", conversationId);

    private sealed class UpdateOp(InboxUpdate update) : StreamOp
    {
        public InboxUpdate Update { get; } = update;
    }
}
