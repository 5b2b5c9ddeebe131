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
/// Updates from conversations are merged (<see cref="InboxMath"/>) and group-committed: one batch in flight, and
/// the updates that arrive meanwhile (fifty fans writing to one creator at once) are stored together in the next.
/// </summary>
[Reentrant]
public sealed partial class InboxGrain(ILogStoreFactory stores, ILogger<InboxGrain> logger) : Grain, IInboxGrain
{
    public const string Table = "inboxes";

    // An update writes at most three rows (entry, old and new listing row); a batch holds 99 besides the head.
    private const int ConversationsPerBatch = 33;
    private const int MaxConflicts = 3;

    private readonly ILogStore _store = stores.Get(Table);
    private readonly Dictionary<string, PendingUpdate> _pending = new(StringComparer.Ordinal);
    private readonly RecentMap<InboxEntry?> _entries = new(10_000);
    private InboxHead _head = new();
    private string? _etag;
    private Task? _loading;
    private bool _loaded;
    private bool _committing;

    private string Owner => this.GetPrimaryKeyString();

    public Task Apply(InboxUpdate update)
    {
        if (!InboxMath.IsValid(update) || ConversationKey.Of(Owner, update.With) != update.ConversationId || update.With == Owner)
        {
            throw new ArgumentException($"Update of {update.ConversationId} does not belong in the inbox of {Owner}.", nameof(update));
        }

        if (_pending.TryGetValue(update.ConversationId, out var pending))
        {
            pending.Update = InboxMath.Combine(pending.Update, update);
        }
        else
        {
            pending = new PendingUpdate(update);
            _pending.Add(update.ConversationId, pending);
        }

        if (!_committing)
        {
            _committing = true;
            _ = CommitLoopAsync();
        }

        return pending.Done.Task;
    }

    public async Task<InboxPage> List(int limit, string? before)
    {
        var from = InboxMath.ListingStart;
        if (before is not null && !InboxMath.TryListingStartAfter(before, out from))
        {
            throw CommunityException.Invalid("before is not a cursor of this inbox: pass the 'next' of the previous page, or nothing for the first page.");
        }

        await EnsureLoadedAsync();
        var rows = await _store.RangeAsync(Owner, from, InboxMath.ListingEnd, limit + 1);
        var items = rows.Take(limit).Select(r => LogJson.Read<InboxEntry>(r.Data)).ToList();
        return new InboxPage(items, _head.Unread, rows.Count > limit ? InboxMath.Cursor(items[^1]) : null);
    }

    private async Task CommitLoopAsync()
    {
        try
        {
            while (_pending.Count > 0)
            {
                var batch = _pending.Values.Take(ConversationsPerBatch).ToList();
                foreach (var p in batch)
                {
                    _pending.Remove(p.Update.ConversationId);
                }

                try
                {
                    await CommitAsync(batch);
                    batch.ForEach(p => p.Done.TrySetResult());
                }
                catch (Exception ex)
                {
                    if (ex is not CommunityException)
                    {
                        LogCommitFailed(logger, ex, Owner);
                    }

                    batch.ForEach(p => p.Done.TrySetException(ex));
                }
            }
        }
        finally
        {
            _committing = false;
        }
    }

    private async Task CommitAsync(List<PendingUpdate> batch)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await EnsureLoadedAsync();
                var head = _head;
                var writes = new List<LogWrite>(batch.Count * 3);
                var stored = new List<InboxEntry>(batch.Count);
                foreach (var p in batch)
                {
                    var current = await CurrentAsync(p.Update.ConversationId);
                    var next = InboxMath.Merge(current, p.Update);
                    if (next == current)
                    {
                        continue;
                    }

                    var json = LogJson.Write(next);
                    writes.Add(LogWrite.Upsert(EntryKey(next.ConversationId), json));
                    if (current is not null && InboxMath.ListingKey(current) != InboxMath.ListingKey(next))
                    {
                        writes.Add(LogWrite.Delete(InboxMath.ListingKey(current)));
                    }

                    writes.Add(LogWrite.Upsert(InboxMath.ListingKey(next), json));
                    head = head with
                    {
                        Conversations = head.Conversations + (current is null ? 1 : 0),
                        Unread = head.Unread + next.Unread - (current?.Unread ?? 0),
                    };
                    stored.Add(next);
                }

                if (writes.Count == 0)
                {
                    return;
                }

                _etag = await _store.CommitAsync(Owner, _etag, LogJson.Write(head), writes);
                _head = head;
                stored.ForEach(e => _entries.Set(e.ConversationId, e));
                return;
            }
            catch (LogConflictException) when (attempt < MaxConflicts)
            {
                // Another activation wrote this inbox (a brief double activation): re-read what it wrote, merge again.
                Forget();
            }
            catch (LogConflictException)
            {
                Forget();
                throw CommunityException.Unavailable("This inbox is being written elsewhere; try again.");
            }
            catch
            {
                Forget();
                throw;
            }
        }
    }

    private async Task<InboxEntry?> CurrentAsync(string conversationId)
    {
        if (_entries.TryGetValue(conversationId, out var known))
        {
            return known;
        }

        var row = await _store.ReadAsync(Owner, EntryKey(conversationId));
        var entry = row is null ? null : LogJson.Read<InboxEntry>(row.Data);
        _entries.Set(conversationId, entry);
        return entry;
    }

    private Task EnsureLoadedAsync() => _loaded ? Task.CompletedTask : _loading ??= LoadAsync();

    private async Task LoadAsync()
    {
        try
        {
            var stored = await _store.ReadHeadAsync(Owner);
            _head = stored is null ? new InboxHead() : LogJson.Read<InboxHead>(stored.Data);
            _etag = stored?.ETag;
            _loaded = true;
        }
        finally
        {
            _loading = null;
        }
    }

    private void Forget()
    {
        _loaded = false;
        _entries.Clear();
    }

    private static string EntryKey(string conversationId) => LogKeys.Of("c", conversationId);

    private sealed class PendingUpdate(InboxUpdate update)
    {
        public InboxUpdate Update { get; set; } = update;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing updates of the inbox of {Owner} failed.")]
    private static partial void LogCommitFailed(ILogger logger, Exception ex, string owner);
}
