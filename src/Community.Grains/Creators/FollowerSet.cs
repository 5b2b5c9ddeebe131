using Community.Creators;
using Community.Grains.Storage;
using Microsoft.Extensions.Logging;

namespace Community.Grains.Creators;

/// <summary>
/// A creator's followers, which can number in the hundreds of thousands: their own partition of the follows table, a
/// row per follower (<c>f:{fan}</c>) and the count in its head, written through a <see cref="Journal{THead}"/>, so
/// following is idempotent and the count can never drift from the rows. The set exists from its first follow. Used from
/// the creator's grain, through which alone follows change: what it has looked up or written stays true while it is
/// active (until the head is found moved).
/// </summary>
internal sealed class FollowerSet : IStreamOwner<FollowersHead>
{
    private readonly ILogStore _store;
    private readonly string _creator;
    private readonly Journal<FollowersHead> _journal;
    private readonly RecentMap<bool> _isFollower = new(10_000);

    public FollowerSet(ILogStore store, string creator, ILogger logger)
    {
        _store = store;
        _creator = creator;
        _journal = new Journal<FollowersHead>(store, creator, this, logger, empty: () => new FollowersHead(0));
        _journal.Reloaded += _isFollower.Clear;
    }

    public async Task<long> CountAsync()
    {
        await _journal.EnsureLoadedAsync();
        return _journal.Head!.Followers;
    }

    /// <summary>Makes <paramref name="fan"/> follow or not; says whether that changed anything, and the count after.</summary>
    public Task<FollowResult> ChangeAsync(string fan, bool follow) => _journal.Submit<FollowResult>(new FollowOp(fan, follow));

    /// <summary>Whether <paramref name="fan"/> follows, as stored.</summary>
    public async Task<bool> IsFollowerAsync(string fan) =>
        Identity.Handle.IsValid(fan) && await _store.ReadAsync(_creator, Key(fan)) is not null;

    /// <summary>Whether <paramref name="fan"/> follows, from memory when known (asked on every message to a creator).</summary>
    public async Task<bool> IsFollowerCachedAsync(string fan)
    {
        if (!_isFollower.TryGetValue(fan, out var following))
        {
            following = await IsFollowerAsync(fan);
            _isFollower.Set(fan, following);
        }

        return following;
    }

    /// <summary>Reads whether each fan of the batch follows, fresh from storage, as following always has.</summary>
    async Task IStreamOwner<FollowersHead>.PrepareAsync(IReadOnlyList<StreamOp> batch)
    {
        foreach (var fan in batch.Select(op => ((FollowOp)op).Change.Fan).Distinct(StringComparer.Ordinal))
        {
            _isFollower.Set(fan, await IsFollowerAsync(fan));
        }
    }

    Decision<FollowersHead> IStreamOwner<FollowersHead>.Plan(FollowersHead head, StreamOp op)
    {
        var (fan, follow) = ((FollowOp)op).Change;
        if (_isFollower.TryGetValue(fan, out var following) && following == follow)
        {
            return Decision<FollowersHead>.Keep(head, new FollowResult(_creator, follow, head.Followers, Changed: false));
        }

        var next = new FollowersHead(Math.Max(0, head.Followers + (follow ? 1 : -1)));
        var row = follow ? LogWrite.Insert(Key(fan), "1") : LogWrite.Delete(Key(fan));
        return new(next, [row], new FollowResult(_creator, follow, next.Followers, Changed: true));
    }

    void IStreamOwner<FollowersHead>.Committed(FollowersHead head, IReadOnlyList<(StreamOp Op, Decision<FollowersHead> Decision)> accepted)
    {
        foreach (var (op, _) in accepted)
        {
            var (fan, follow) = ((FollowOp)op).Change;
            _isFollower.Set(fan, follow);
        }
    }

    Task<object?> IStreamOwner<FollowersHead>.StoredAsync(long seq) => throw new InvalidOperationException("Follows carry no client ids.");

    /// <summary>The fan's row was not as read (a follow raced this one): plan it again on a fresh read, where it changes nothing.</summary>
    Task<object?> IStreamOwner<FollowersHead>.ResolveConflictAsync(StreamOp op, LogWrite write)
    {
        _isFollower.Clear();
        return Task.FromResult<object?>(null);
    }

    private static string Key(string fan) => LogKeys.Of("f", fan);

    private sealed class FollowOp(string fan, bool follow) : StreamOp
    {
        public (string Fan, bool Follow) Change { get; } = (fan, follow);
    }
}
