using System.Security.Cryptography;
using Community.Errors;

namespace Community.Campaigns;

/// <summary>Campaign ids: "c" and 12 random lowercase base-32 characters, safe in URLs and storage keys.</summary>
public static class CampaignKey
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    public const int Length = 13;

    public static string New() => "c" + RandomNumberGenerator.GetString(Alphabet, Length - 1);

    public static bool IsValid(string? campaignId) =>
        campaignId is { Length: Length } && campaignId[0] == 'c' && campaignId.AsSpan(1).IndexOfAnyExcept(Alphabet) < 0;

    /// <summary>A malformed id names no campaign: 404.</summary>
    public static string Require(string? campaignId) =>
        IsValid(campaignId) ? campaignId! : throw CommunityException.NotFound($"There is no campaign '{campaignId}'.");
}

/// <summary>Campaign input limits (docs/api.md).</summary>
public static class CampaignLimits
{
    public const int MaxNameLength = 100;
    public const int MaxCreators = 200;
    public const int MaxMembers = 50;

    /// <summary>Posts a campaign counts; more are refused at publish time (the roll-up state stays well inside one storage row).</summary>
    public const int MaxPosts = 2_000;

    /// <summary>
    /// 100 million in the campaign's currency: far above the largest single influencer campaigns, so a larger
    /// figure is a typing mistake (an extra digit or a pasted cents amount), not a budget.
    /// </summary>
    public const decimal MaxBudget = 100_000_000m;

    /// <summary>One line of 1 to 100 characters, by the rules of <see cref="Validation.UserText"/>.</summary>
    public static string Name(string? name) => Validation.UserText.Require(name, "campaign name", MaxNameLength);

    /// <summary>Absent, or 0 to <see cref="MaxBudget"/> with at most two decimals.</summary>
    public static decimal? Budget(decimal? budget) => budget switch
    {
        null => null,
        < 0 => throw CommunityException.Invalid($"budget must not be negative; it was {budget}."),
        > MaxBudget => throw CommunityException.Invalid($"budget {budget} is over the limit of {MaxBudget:N0}; is there an extra digit?"),
        _ when decimal.Round(budget.Value, 2) != budget.Value => throw CommunityException.Invalid($"budget {budget} has more than two decimals."),
        _ => budget,
    };
}
