using Community.Errors;
using Community.Identity;
using Community.Livestreams;

namespace Community.Grains.Livestreams;

/// <summary>A moderation request checked for shape: the action known, and each of its arguments present and in range.</summary>
public sealed record ModerationCommand(
    ModerationAction Action,
    string? Target = null,
    int? Seconds = null,
    long? MessageSeq = null,
    IReadOnlyList<string>? Terms = null,
    bool? Enabled = null)
{
    public string Name => ModerationActions.Name(Action);

    /// <summary>Appointing and dismissing moderators is for hosts; everything else is for hosts and moderators.</summary>
    public bool HostsOnly => Action is ModerationAction.AddModerator or ModerationAction.RemoveModerator;
}

/// <summary>Turns a <see cref="ModerationRequest"/> into a <see cref="ModerationCommand"/>, or a 400 that says what is missing.</summary>
public static class ModerationRules
{
    public const int MaxTimeoutSeconds = 14 * 24 * 60 * 60;

    public static ModerationCommand Parse(string liveId, ModerationRequest? request)
    {
        if (request is null)
        {
            throw CommunityException.Invalid("A moderation request is required: { action, target?, seconds?, messageId? }.");
        }

        var action = ModerationActions.Parse(request.Action);
        var name = ModerationActions.Name(action);
        return action switch
        {
            ModerationAction.Remove or ModerationAction.Pin => new ModerationCommand(action, MessageSeq: Message(liveId, request.MessageId, name)),
            ModerationAction.Timeout => new ModerationCommand(action, Target(request.Target, name), Seconds(request.Seconds, 1, MaxTimeoutSeconds, name, "1 second to 14 days (1,209,600)")),
            ModerationAction.Ban or ModerationAction.Unban or ModerationAction.AddModerator or ModerationAction.RemoveModerator
                => new ModerationCommand(action, Target(request.Target, name)),
            ModerationAction.SlowMode => new ModerationCommand(action, Seconds: Seconds(request.Seconds, 0, SlowModeGate.MaxSeconds, name, $"1 to {SlowModeGate.MaxSeconds}, or 0 to turn slow mode off")),
            ModerationAction.FollowersOnly => new ModerationCommand(action, Enabled: request.Enabled ?? true),
            ModerationAction.Unpin => new ModerationCommand(action),
            _ => new ModerationCommand(action, Terms: Terms(request.Terms, name)),
        };
    }

    private static string Target(string? target, string action) =>
        target is null
            ? throw CommunityException.Invalid($"{action} needs a target: the handle of the user to act on.")
            : Handle.Require(target, "target");

    private static int Seconds(int? seconds, int min, int max, string action, string range) =>
        seconds is { } s && s >= min && s <= max
            ? s
            : throw CommunityException.Invalid($"{action} needs seconds from {range}; it was {(seconds?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing")}.");

    private static long Message(string liveId, string? messageId, string action) =>
        ChatKey.TryParse(messageId, out var messageLive, out var seq) && messageLive == liveId
            ? seq
            : throw CommunityException.Invalid($"{action} needs the messageId of a chat message of livestream {liveId}; '{messageId}' is not one.");

    private static IReadOnlyList<string> Terms(IReadOnlyList<string>? terms, string action)
    {
        if (terms is not { Count: > 0 })
        {
            throw CommunityException.Invalid($"{action} needs terms: a list of 1 to {BlockedTerms.MaxTerms} words or phrases.");
        }

        if (terms.Count > BlockedTerms.MaxTerms)
        {
            throw CommunityException.Invalid($"{action} takes at most {BlockedTerms.MaxTerms} terms at once; it got {terms.Count}.");
        }

        return terms.Select(BlockedTerms.Normalize).Distinct(StringComparer.Ordinal).ToList();
    }
}
