using Community.Errors;
using Community.Realtime;

namespace Community.Livestreams;

/// <summary>A livestream's status: <c>scheduled</c> → <c>live</c> → <c>ended</c>.</summary>
public static class LiveStatus
{
    public const string Scheduled = "scheduled";
    public const string Live = "live";
    public const string Ended = "ended";
}

/// <summary>Input limits of livestreams, shared by the REST and hub surfaces and the grain.</summary>
public static class LiveLimits
{
    public const int MaxTitleLength = 140;
    public const int MaxCampaignIdLength = 64;

    /// <summary>One line of 1 to 140 characters, by the rules of <see cref="Validation.UserText"/>.</summary>
    public static string Title(string? title) => Validation.UserText.Require(title, "title", MaxTitleLength);

    public static string? CampaignId(string? campaignId) => campaignId switch
    {
        null => null,
        { Length: > 0 and <= MaxCampaignIdLength } when !string.IsNullOrWhiteSpace(campaignId) => campaignId,
        _ => throw CommunityException.Invalid($"campaignId must be 1 to {MaxCampaignIdLength} characters."),
    };
}

/// <summary>The room's chat settings: slow mode (seconds between a user's messages, 0 = off) and followers-only.</summary>
[GenerateSerializer, Immutable]
[Alias("community.live-settings")]
public sealed record LiveSettings(
    [property: Id(0)] int SlowModeSeconds,
    [property: Id(1)] bool FollowersOnly);

/// <summary>One host's share of the room: the viewers who joined through them and the users who chatted through them.</summary>
[GenerateSerializer, Immutable]
[Alias("community.live-audience")]
public sealed record LiveAudience(
    [property: Id(0)] string Host,
    [property: Id(1)] int Viewers,
    [property: Id(2)] long Chatters);

/// <summary>
/// A chat message: <c>{ liveId, seq, id, author, text, at, via, removed, offsetSeconds }</c>. A removed message
/// stays in the stream as a tombstone (<see cref="Removed"/> true, text empty) so seqs never have gaps.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("community.chat-message")]
public sealed record ChatMessage(
    [property: Id(0)] string LiveId,
    [property: Id(1)] long Seq,
    [property: Id(2)] string Id,
    [property: Id(3)] string Author,
    [property: Id(4)] string Text,
    [property: Id(5)] DateTimeOffset At,
    [property: Id(6)] string Via,
    [property: Id(7)] bool Removed,
    [property: Id(8)] double OffsetSeconds) : IClientEvent
{
    static string IClientEvent.EventName => ClientEvents.ChatReceived;
}

/// <summary>The room state: <c>{ liveId, title, status, hosts, viewers, peakViewers, settings, pinned, … }</c>.</summary>
[GenerateSerializer, Immutable]
[Alias("community.live-room")]
public sealed record LiveRoom(
    [property: Id(0)] string LiveId,
    [property: Id(1)] string Title,
    [property: Id(2)] string Status,
    [property: Id(3)] IReadOnlyList<string> Hosts,
    [property: Id(4)] int Viewers,
    [property: Id(5)] long PeakViewers,
    [property: Id(6)] LiveSettings Settings,
    [property: Id(7)] ChatMessage? Pinned,
    [property: Id(8)] long UniqueChatters,
    [property: Id(9)] IReadOnlyList<LiveAudience> Audience,
    [property: Id(10)] IReadOnlyList<string> Invited,
    [property: Id(11)] IReadOnlyList<string> Moderators,
    [property: Id(12)] string? CampaignId,
    [property: Id(13)] long LastSeq,
    [property: Id(14)] DateTimeOffset CreatedAt,
    [property: Id(15)] DateTimeOffset? StartedAt,
    [property: Id(16)] DateTimeOffset? EndedAt) : IClientEvent
{
    static string IClientEvent.EventName => ClientEvents.LiveUpdated;
}

[GenerateSerializer, Immutable]
[Alias("community.chat-page")]
public sealed record ChatPage(
    [property: Id(0)] IReadOnlyList<ChatMessage> Items,
    [property: Id(1)] long LastSeq);

/// <summary>What <c>JoinLive</c> returns: the chat after the viewer's <c>afterSeq</c> (up to a cap), the room, and the host the viewer counts for.</summary>
[GenerateSerializer, Immutable]
[Alias("community.live-join")]
public sealed record LiveJoin(
    [property: Id(0)] long LastSeq,
    [property: Id(1)] IReadOnlyList<ChatMessage> Missed,
    [property: Id(2)] LiveRoom Live,
    [property: Id(3)] bool HasMore,
    [property: Id(4)] string Via);

/// <summary>The <c>ChatRemoved</c> event: the message with this seq is now a tombstone.</summary>
[GenerateSerializer, Immutable]
[Alias("community.chat-removed")]
public sealed record ChatRemoved(
    [property: Id(0)] string LiveId,
    [property: Id(1)] long Seq,
    [property: Id(2)] string Id) : IClientEvent
{
    static string IClientEvent.EventName => ClientEvents.ChatRemoved;
}

/// <summary>The <c>ViewersUpdated</c> event: the room's presence, in total and per host.</summary>
[GenerateSerializer, Immutable]
[Alias("community.live-viewers")]
public sealed record LiveViewers(
    [property: Id(0)] string LiveId,
    [property: Id(1)] int Viewers,
    [property: Id(2)] long PeakViewers,
    [property: Id(3)] long UniqueChatters,
    [property: Id(4)] IReadOnlyList<LiveAudience> Audience) : IClientEvent
{
    static string IClientEvent.EventName => ClientEvents.ViewersUpdated;
}

/// <summary>The <c>InviteReceived</c> event, sent to every connection of the invited creator.</summary>
[GenerateSerializer, Immutable]
[Alias("community.live-invite")]
public sealed record LiveInvite(
    [property: Id(0)] string LiveId,
    [property: Id(1)] string Title,
    [property: Id(2)] string Handle,
    [property: Id(3)] string InvitedBy,
    [property: Id(4)] IReadOnlyList<string> Hosts,
    [property: Id(5)] DateTimeOffset At) : IClientEvent
{
    static string IClientEvent.EventName => ClientEvents.InviteReceived;
}

/// <summary>
/// A moderation request: <c>{ action, target?, seconds?, messageId? }</c>, plus <c>terms</c> (for
/// <c>blockTerms</c>/<c>unblockTerms</c>) and <c>enabled</c> (for <c>followersOnly</c>).
/// </summary>
[GenerateSerializer, Immutable]
[Alias("community.moderation-request")]
public sealed record ModerationRequest(
    [property: Id(0)] string? Action,
    [property: Id(1)] string? Target = null,
    [property: Id(2)] int? Seconds = null,
    [property: Id(3)] string? MessageId = null,
    [property: Id(4)] IReadOnlyList<string>? Terms = null,
    [property: Id(5)] bool? Enabled = null);

/// <summary>One recorded moderation action: who did what, when. <see cref="Until"/> is a timeout's end.</summary>
[GenerateSerializer, Immutable]
[Alias("community.moderation-record")]
public sealed record ModerationRecord(
    [property: Id(0)] string LiveId,
    [property: Id(1)] long Seq,
    [property: Id(2)] string Action,
    [property: Id(3)] string By,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] string? Target,
    [property: Id(6)] int? Seconds,
    [property: Id(7)] string? MessageId,
    [property: Id(8)] IReadOnlyList<string>? Terms,
    [property: Id(9)] bool? Enabled,
    [property: Id(10)] DateTimeOffset? Until);

/// <summary>The moderation view for hosts and moderators: the audit log (paged) and the current lists.</summary>
[GenerateSerializer, Immutable]
[Alias("community.moderation-log")]
public sealed record ModerationLog(
    [property: Id(0)] IReadOnlyList<ModerationRecord> Items,
    [property: Id(1)] long LastSeq,
    [property: Id(2)] IReadOnlyList<string> Moderators,
    [property: Id(3)] IReadOnlyList<string> BlockedTerms);
