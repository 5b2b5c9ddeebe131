namespace Community.Livestreams;

/// <summary>
/// One co-hosted livestream, keyed by live id: its hosts, invites, settings and moderation, its ordered and
/// durable joint chat, and the presence that every Community host reports for it. Callers pass the acting
/// user's handle; the grain decides what that user may do.
/// </summary>
public interface ILivestreamGrain : IGrainWithStringKey, Community.Realtime.IRealtimeSource
{
    /// <summary>Creates the room with <paramref name="host"/> as its first host (who must be a creator).</summary>
    Task<LiveRoom> Create(string host, string title, string? campaignId);

    Task<LiveRoom> GetRoom();

    /// <summary>A host invites a creator to co-host; the invite reaches all of the creator's connections.</summary>
    Task<LiveInvite> Invite(string host, string handle);

    /// <summary>The invited creator becomes a co-host (403 without an invite).</summary>
    Task<LiveRoom> AcceptInvite(string handle);

    Task<LiveRoom> Start(string host);

    Task<LiveRoom> End(string host);

    /// <summary>
    /// What <paramref name="viewer"/>, joining through <paramref name="via"/> (a host; null = the first host; a host
    /// always counts for themselves), missed after <paramref name="afterSeq"/>.
    /// </summary>
    Task<LiveJoin> Join(string viewer, string? via, long afterSeq);

    /// <summary>Appends a chat message; returns once it is durably stored. The same (author, clientId) returns the first message.</summary>
    Task<ChatMessage> SendChat(string author, string text, string? via, string? clientId);

    Task<ChatPage> GetChat(long afterSeq, int limit);

    /// <summary>A host or moderator moderates; the action is recorded with who did it.</summary>
    Task<ModerationRecord> Moderate(string by, ModerationRequest request);

    /// <summary>The moderation log and lists; hosts and moderators only.</summary>
    Task<ModerationLog> GetModeration(string caller, long afterSeq, int limit);

    /// <summary>
    /// One Community host's current viewers of this room, per host they joined through. Each host sends one of these
    /// per room about every second; a host that stops sending stops counting after the configured expiry.
    /// </summary>
    Task ReportViewers(string hostId, IReadOnlyDictionary<string, int> viewersByVia);
}
