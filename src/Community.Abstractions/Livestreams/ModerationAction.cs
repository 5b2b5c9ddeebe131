using Community.Errors;

namespace Community.Livestreams;

public enum ModerationAction
{
    Remove,
    Timeout,
    Ban,
    Unban,
    SlowMode,
    FollowersOnly,
    Pin,
    Unpin,
    AddModerator,
    RemoveModerator,
    BlockTerms,
    UnblockTerms,
}

/// <summary>The wire names of moderation actions (<c>remove</c>, <c>slowMode</c> …), matched without regard to case.</summary>
public static class ModerationActions
{
    private static readonly Dictionary<string, ModerationAction> ByName =
        Enum.GetValues<ModerationAction>().ToDictionary(Name, a => a, StringComparer.OrdinalIgnoreCase);

    public static string Name(ModerationAction action)
    {
        var name = action.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    public static ModerationAction Parse(string? action) =>
        action is not null && ByName.TryGetValue(action, out var parsed)
            ? parsed
            : throw CommunityException.Invalid(
                $"Unknown moderation action '{action}': use {string.Join(", ", Enum.GetValues<ModerationAction>().Select(Name))}.");
}
