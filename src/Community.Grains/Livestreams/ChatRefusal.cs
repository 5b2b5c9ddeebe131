using System.Globalization;
using Community.Errors;

namespace Community.Grains.Livestreams;

/// <summary>The errors a refused chat message gets: what is wrong, and when the user may write again.</summary>
public static class ChatRefusal
{
    public static CommunityException SlowMode(int seconds, TimeSpan wait) =>
        CommunityException.RateLimited($"Slow mode is on: one message every {seconds} s. You may write again in {Describe(wait)}.", wait);

    public static CommunityException TooFast(TimeSpan wait) =>
        CommunityException.RateLimited($"You are sending messages too fast. You may write again in {Describe(wait)}.", wait);

    public static CommunityException TimedOut(DateTimeOffset until, TimeSpan wait) =>
        CommunityException.RateLimited(
            $"You are timed out in this chat until {until.ToString("u", CultureInfo.InvariantCulture)}. You may write again in {Describe(wait)}.", wait);

    public static CommunityException Banned() =>
        CommunityException.Forbidden("You are banned from this chat; a host or moderator can unban you.");

    /// <summary>A wait in words, rounded up to the second: "12 s", "4 min 3 s", "2 h 5 min", "3 d 4 h".</summary>
    public static string Describe(TimeSpan wait)
    {
        var seconds = (long)Math.Max(1, Math.Ceiling(wait.TotalSeconds));
        var t = TimeSpan.FromSeconds(seconds);
        return seconds switch
        {
            < 60 => $"{seconds} s",
            < 3_600 => t.Seconds == 0 ? $"{t.Minutes} min" : $"{t.Minutes} min {t.Seconds} s",
            < 86_400 => t.Minutes == 0 ? $"{t.Hours} h" : $"{t.Hours} h {t.Minutes} min",
            _ => t.Hours == 0 ? $"{t.Days} d" : $"{t.Days} d {t.Hours} h",
        };
    }
}
