using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace Community.LoadTests.Cli;

/// <summary>
/// Options with a default and a range, so a scenario declares each of its knobs in one line. Parsing and the range check
/// are one step (a custom parser), so "abc" and "0" both end as a usage error, never as an exception.
/// </summary>
public static class OptionFactory
{
    public static Option<int> Count(string name, int defaultValue, string description, int min = 1, int max = 1_000_000) =>
        Ranged(name, defaultValue, description, min, minAllowed: true, max);

    public static Option<double> Rate(string name, double defaultValue, string description) =>
        Ranged(name, defaultValue, description, 0.0, minAllowed: false, 1_000_000.0);

    /// <summary>A number strictly above <paramref name="min"/>, at most <paramref name="max"/>.</summary>
    public static Option<double> Above(string name, double defaultValue, string description, double min, double max) =>
        Ranged(name, defaultValue, description, min, minAllowed: false, max);

    /// <summary>A duration in seconds (fractions allowed); read it back with <see cref="TimeSpan.FromSeconds(double)"/>.</summary>
    public static Option<double> Seconds(string name, double defaultSeconds, string description, double minSeconds = 0)
    {
        var option = Ranged(name, defaultSeconds, $"{description}, in seconds", minSeconds, minAllowed: true, 24.0 * 3600);
        option.HelpName = "seconds";
        return option;
    }

    private static Option<T> Ranged<T>(string name, T defaultValue, string description, T min, bool minAllowed, T max)
        where T : struct, INumber<T>
    {
        return new Option<T>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = Parse,
        };

        T Parse(ArgumentResult result)
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (T.TryParse(text, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value)
                && (value > min || (minAllowed && value == min))
                && value <= max)
            {
                return value;
            }

            var bound = minAllowed ? "at least" : "above";
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} takes a number {bound} {min} and at most {max}; it was '{text}'."));
            return defaultValue;
        }
    }
}
