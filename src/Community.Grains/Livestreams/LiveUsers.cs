using Community.Grains.Storage;

namespace Community.Grains.Livestreams;

/// <summary>
/// A room's user rows (<c>u:{handle}</c>: the hosts a user chatted through, bans and timeouts), read from the room's
/// partition once per activation while the user stays among the recent ones, and kept as they are stored.
/// </summary>
internal sealed class LiveUsers(ILogStore store, string liveId)
{
    private readonly RecentMap<LiveUser> _users = new(50_000);

    /// <summary>The user's row, from memory or storage.</summary>
    public async Task<LiveUser> GetAsync(string user)
    {
        if (_users.TryGetValue(user, out var known))
        {
            return known;
        }

        var row = await store.ReadAsync(liveId, Key(user));
        if (_users.TryGetValue(user, out known))
        {
            return known;
        }

        var loaded = row is null ? LiveUser.None : LogJson.Read<LiveUser>(row.Data) with { Stored = true };
        _users.Set(user, loaded);
        return loaded;
    }

    /// <summary>The row as this activation knows it now, or <paramref name="loaded"/> (read before the op was submitted) if it left the recent users since.</summary>
    public LiveUser Current(string user, LiveUser loaded) => _users.TryGetValue(user, out var current) ? current : loaded;

    /// <summary>The row as stored by a committed batch.</summary>
    public void Stored(string user, LiveUser row) => _users.Set(user, row);

    /// <summary>Another activation wrote the user's row: learn it from storage, so the op can be planned again on it.</summary>
    public async Task RelearnAsync(string user)
    {
        var row = await store.ReadAsync(liveId, Key(user));
        _users.Set(user, (row is null ? LiveUser.None : LogJson.Read<LiveUser>(row.Data)) with { Stored = true });
    }

    public void Clear() => _users.Clear();

    public static string Key(string user) => LogKeys.Of("u", user);

    /// <summary>The write that takes the user's row from <paramref name="before"/> to <paramref name="after"/>: an insert for a first row.</summary>
    public static LogWrite Write(string user, LiveUser before, LiveUser after) =>
        before.Stored ? LogWrite.Upsert(Key(user), LogJson.Write(after)) : LogWrite.Insert(Key(user), LogJson.Write(after));
}
