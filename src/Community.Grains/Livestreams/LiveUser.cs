using System.Text.Json.Serialization;

namespace Community.Grains.Livestreams;

/// <summary>
/// What a room stores per user (one row each): the hosts they chatted through, which is how unique chatters
/// are counted in total and per host, and whether they are banned or timed out.
/// </summary>
public sealed record LiveUser
{
    public static readonly LiveUser None = new();

    public IReadOnlyList<string> Vias { get; init; } = [];

    public bool Banned { get; init; }

    public DateTimeOffset? TimeoutUntil { get; init; }

    /// <summary>Whether the row exists: a first write inserts it, later ones replace it.</summary>
    [JsonIgnore]
    public bool Stored { get; init; }

    public bool HasChatted => Vias.Count > 0;

    /// <summary>Throws when the user may not write now: 403 when banned, 429 with the time left while timed out.</summary>
    public void EnsureMayChat(DateTimeOffset now)
    {
        if (Banned)
        {
            throw ChatRefusal.Banned();
        }

        if (TimeoutUntil is { } until && until > now)
        {
            throw ChatRefusal.TimedOut(until, until - now);
        }
    }
}
