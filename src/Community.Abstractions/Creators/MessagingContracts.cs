using Community.Errors;

namespace Community.Creators;

/// <summary>Who may open a conversation with a creator and write to them. Plain fans (no creator profile) accept everyone.</summary>
public static class DmPolicy
{
    public const string Everyone = "everyone";
    public const string FollowersOnly = "followersOnly";
    public const string Nobody = "nobody";
    public const string Default = FollowersOnly;

    public static string Parse(string? policy) => policy switch
    {
        Everyone or FollowersOnly or Nobody => policy,
        _ => throw CommunityException.Invalid($"Unknown policy '{policy}': use {Everyone}, {FollowersOnly} or {Nobody}."),
    };
}

/// <summary>Whether a user may write to a recipient, as the recipient's settings decide.</summary>
public enum MessagePermission
{
    Allowed,

    /// <summary>The recipient is a creator who takes messages from followers only, and the sender does not follow them.</summary>
    FollowersOnly,

    /// <summary>The recipient is a creator who takes no new conversations.</summary>
    Nobody,

    /// <summary>The recipient blocked the sender.</summary>
    Blocked,
}

/// <summary>The recipient's answer to "may this sender write to you?", and whether the recipient is a creator.</summary>
[GenerateSerializer, Immutable]
[Alias("community.message-access")]
public sealed record MessageAccess(
    [property: Id(0)] MessagePermission Permission,
    [property: Id(1)] bool RecipientIsCreator);

[GenerateSerializer, Immutable]
[Alias("community.dm-settings")]
public sealed record DmSettings(
    [property: Id(0)] string Creator,
    [property: Id(1)] string Policy);

/// <summary>Block or unblock outcome: idempotent, so <see cref="Changed"/> tells whether anything happened.</summary>
[GenerateSerializer, Immutable]
[Alias("community.block-result")]
public sealed record BlockResult(
    [property: Id(0)] string Creator,
    [property: Id(1)] string User,
    [property: Id(2)] bool Blocked,
    [property: Id(3)] bool Changed);
