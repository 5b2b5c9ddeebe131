using System.Text.Json.Serialization;
using Community.Errors;
using Community.Grains.Storage;
using Community.Livestreams;

namespace Community.Grains.Livestreams;

/// <summary>
/// The head row of a livestream's partition: the room itself (title, status, hosts, invites, moderators,
/// settings, pinned message) and the counters of its streams (last chat seq, last moderation record seq,
/// unique chatters). Kept small, because every batch rewrites it: lists are bounded, big sets live in rows.
/// The transitions are pure: each checks who may make it and when, and says why not.
/// </summary>
public sealed record LiveHead(string Title, string? CampaignId, DateTimeOffset CreatedAt, IReadOnlyList<string> Hosts) : ISeqHead
{
    public const int MaxModerators = 50;
    private const int MaxBlockedTerms = Livestreams.BlockedTerms.MaxTerms;

    public string Status { get; init; } = LiveStatus.Scheduled;

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    public IReadOnlyList<string> Invited { get; init; } = [];

    public IReadOnlyList<string> Moderators { get; init; } = [];

    public IReadOnlyList<string> BlockedTerms { get; init; } = [];

    public int SlowModeSeconds { get; init; }

    public bool FollowersOnly { get; init; }

    /// <summary>The seq of the pinned message; 0 when none is pinned.</summary>
    public long PinnedSeq { get; init; }

    public long LastSeq { get; init; }

    public long LastModerationSeq { get; init; }

    public long PeakViewers { get; init; }

    public long UniqueChatters { get; init; }

    /// <summary>Unique chatters per host they chatted through (a user who chatted through two hosts counts for both).</summary>
    public IReadOnlyDictionary<string, long> ChattersByHost { get; init; } = new Dictionary<string, long>();

    [JsonIgnore]
    public bool IsLive => Status == LiveStatus.Live;

    public bool IsHost(string user) => Hosts.Contains(user, StringComparer.Ordinal);

    public bool CanModerate(string user) => IsHost(user) || Moderators.Contains(user, StringComparer.Ordinal);

    public void RequireHost(string user, string action)
    {
        if (!IsHost(user))
        {
            throw CommunityException.Forbidden($"Only the hosts of this livestream may {action}; {user} is not one of them.");
        }
    }

    public void RequireModerator(string user, ModerationCommand command)
    {
        if (command.HostsOnly)
        {
            RequireHost(user, command.Name);
        }
        else if (!CanModerate(user))
        {
            throw CommunityException.Forbidden($"Only the hosts and moderators of this livestream may moderate its chat; {user} is neither.");
        }
    }

    /// <summary>409 unless the chat is open: it opens when the stream starts and becomes read-only when it ends.</summary>
    public void RequireLiveChat()
    {
        if (Status == LiveStatus.Scheduled)
        {
            throw CommunityException.Conflict("This livestream has not started yet; its chat opens when a host starts it.");
        }

        if (Status == LiveStatus.Ended)
        {
            throw CommunityException.Conflict("This livestream has ended; its chat is a read-only replay now.");
        }
    }

    /// <summary>
    /// The host <paramref name="user"/> counts for: a host for themselves; anyone else for the host named, or the first
    /// host; 400 when <paramref name="via"/> is not a host.
    /// </summary>
    public string ResolveVia(string user, string? via) =>
        IsHost(user) ? user
        : via is null ? Hosts[0]
        : IsHost(via) ? via
        : throw CommunityException.Invalid($"via must be one of the hosts of this livestream ({string.Join(", ", Hosts)}); '{via}' is not.");

    public LiveHead Started(string host, DateTimeOffset now)
    {
        RequireHost(host, "start it");
        return Status switch
        {
            LiveStatus.Scheduled => this with { Status = LiveStatus.Live, StartedAt = now },
            LiveStatus.Live => throw CommunityException.Conflict("This livestream is already live."),
            _ => throw CommunityException.Conflict("This livestream has ended; a stream starts only once. Create a new livestream."),
        };
    }

    public LiveHead Ended(string host, DateTimeOffset now)
    {
        RequireHost(host, "end it");
        return Status switch
        {
            LiveStatus.Live => this with { Status = LiveStatus.Ended, EndedAt = now },
            LiveStatus.Ended => throw CommunityException.Conflict("This livestream has already ended."),
            _ => throw CommunityException.Conflict("This livestream has not started yet; start it before ending it."),
        };
    }

    /// <summary>Adds an invite. Pending invites count toward the host limit, so every invite can be accepted. Inviting again changes nothing.</summary>
    public LiveHead WithInvite(string host, string handle, int maxHosts)
    {
        RequireHost(host, "invite co-hosts");
        if (Status == LiveStatus.Ended)
        {
            throw CommunityException.Conflict("This livestream has ended; it takes no more co-hosts.");
        }

        if (IsHost(handle))
        {
            throw CommunityException.Conflict($"{handle} is already a host of this livestream.");
        }

        if (Invited.Contains(handle, StringComparer.Ordinal))
        {
            return this;
        }

        if (Hosts.Count + Invited.Count >= maxHosts)
        {
            throw CommunityException.Conflict(
                $"This livestream has {Hosts.Count} hosts and {Invited.Count} pending invites; a room has at most {maxHosts} hosts.");
        }

        return this with { Invited = [.. Invited, handle] };
    }

    /// <summary>The invited creator becomes a host (and stops being a moderator: hosts moderate anyway). Accepting twice changes nothing.</summary>
    public LiveHead WithHost(string handle, int maxHosts)
    {
        if (IsHost(handle))
        {
            return this;
        }

        if (!Invited.Contains(handle, StringComparer.Ordinal))
        {
            throw CommunityException.Forbidden($"{handle} has no invitation to co-host this livestream; a host must invite you first.");
        }

        if (Status == LiveStatus.Ended)
        {
            throw CommunityException.Conflict("This livestream has ended; it takes no more co-hosts.");
        }

        if (Hosts.Count >= maxHosts)
        {
            throw CommunityException.Conflict($"This livestream already has {Hosts.Count} hosts; a room has at most {maxHosts}.");
        }

        return this with
        {
            Hosts = [.. Hosts, handle],
            Invited = Invited.Where(i => i != handle).ToList(),
            Moderators = Moderators.Where(m => m != handle).ToList(),
        };
    }

    /// <summary>
    /// The part of a moderation action that changes the room itself (settings, pin, moderators, blocked terms, the
    /// invite a ban revokes); other actions on messages and users change rows and leave the head as it is.
    /// </summary>
    public LiveHead Apply(ModerationCommand command) => command.Action switch
    {
        ModerationAction.SlowMode => this with { SlowModeSeconds = command.Seconds!.Value },
        ModerationAction.FollowersOnly => this with { FollowersOnly = command.Enabled!.Value },
        ModerationAction.Pin => this with { PinnedSeq = command.MessageSeq!.Value },
        ModerationAction.Unpin => this with { PinnedSeq = 0 },
        ModerationAction.AddModerator => WithModerator(command.Target!),
        ModerationAction.RemoveModerator => this with { Moderators = Moderators.Where(m => m != command.Target).ToList() },
        ModerationAction.BlockTerms => WithBlockedTerms(command.Terms!),
        ModerationAction.UnblockTerms => this with { BlockedTerms = FoldedTerms().Except(command.Terms!, StringComparer.Ordinal).ToList() },
        // A ban revokes a pending invite: a banned user does not become a co-host (HostRules).
        ModerationAction.Ban when Invited.Contains(command.Target!, StringComparer.Ordinal) => this with { Invited = Invited.Where(i => i != command.Target).ToList() },
        _ => this,
    };

    /// <summary>Hosts and moderators cannot be timed out or banned (a moderator must be dismissed first).</summary>
    public void RequireRestrictable(string target)
    {
        if (IsHost(target))
        {
            throw CommunityException.Invalid($"{target} is a host of this livestream; hosts cannot be timed out or banned.");
        }

        if (CanModerate(target))
        {
            throw CommunityException.Invalid($"{target} is a moderator of this livestream; remove them as moderator first (removeModerator).");
        }
    }

    private LiveHead WithModerator(string target)
    {
        if (IsHost(target))
        {
            throw CommunityException.Invalid($"{target} is a host of this livestream; hosts moderate already.");
        }

        if (Moderators.Contains(target, StringComparer.Ordinal))
        {
            return this;
        }

        return Moderators.Count < MaxModerators
            ? this with { Moderators = [.. Moderators, target] }
            : throw CommunityException.Conflict($"This livestream has {Moderators.Count} moderators, the most it may have.");
    }

    /// <summary>The stored terms in the folded form new ones arrive in (<see cref="Livestreams.BlockedTerms.Normalize"/>): terms stored before folding existed are unblocked by how they read.</summary>
    private IEnumerable<string> FoldedTerms() =>
        BlockedTerms.Select(Validation.UserText.Fold).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal);

    private LiveHead WithBlockedTerms(IReadOnlyList<string> terms)
    {
        var all = FoldedTerms().Union(terms, StringComparer.Ordinal).ToList();
        return all.Count <= MaxBlockedTerms
            ? this with { BlockedTerms = all }
            : throw CommunityException.Conflict(
                $"This livestream would have {all.Count} blocked terms; the limit is {MaxBlockedTerms}. Unblock some first.");
    }

    /// <summary>A new chatter, or a known one chatting through a new host.</summary>
    public LiveHead WithChatter(string via, bool firstMessage) => this with
    {
        UniqueChatters = UniqueChatters + (firstMessage ? 1 : 0),
        ChattersByHost = new Dictionary<string, long>(ChattersByHost, StringComparer.Ordinal) { [via] = ChattersByHost.GetValueOrDefault(via) + 1 },
    };

    public LiveRoom ToRoom(string liveId, ViewerTally viewers, ChatMessage? pinned) => new(
        liveId,
        Title,
        Status,
        Hosts,
        viewers.Viewers,
        Math.Max(PeakViewers, viewers.Peak),
        new LiveSettings(SlowModeSeconds, FollowersOnly),
        PinnedSeq == 0 ? null : pinned,
        UniqueChatters,
        Audience(viewers),
        Invited,
        Moderators,
        CampaignId,
        LastSeq,
        CreatedAt,
        StartedAt,
        EndedAt);

    public LiveViewers ToViewers(string liveId, ViewerTally viewers) =>
        new(liveId, viewers.Viewers, Math.Max(PeakViewers, viewers.Peak), UniqueChatters, Audience(viewers));

    private List<LiveAudience> Audience(ViewerTally viewers) =>
        Hosts.Select(h => new LiveAudience(h, viewers.Via(h), ChattersByHost.GetValueOrDefault(h))).ToList();
}
