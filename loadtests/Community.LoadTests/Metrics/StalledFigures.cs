using System.Globalization;
using Community.LoadTests.Client.Raw;

namespace Community.LoadTests.Metrics;

/// <summary>
/// The stalled clients of a run (<c>live-room --stalled N</c>, issue 9's adversary): how many were in the room, and how
/// many of them the server had closed by the end of the run, by reason. They are not receivers: no delivery accounting.
/// </summary>
public sealed record StalledFigures(int Clients, int ClosedByServer, IReadOnlyDictionary<string, int> CloseReasons)
{
    public static StalledFigures From(IReadOnlyCollection<StalledClientEnd> ends) => new(
        ends.Count,
        ends.Count(e => e.ClosedByServer),
        ends.Where(e => e.ClosedByServer)
            .GroupBy(e => e.Reason ?? "no reason given", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));

    /// <summary><c>stalled: 1 (closed by the server: 1)</c>, then why, when it said.</summary>
    public string Describe()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"stalled: {Clients} (closed by the server: {ClosedByServer})");
        return CloseReasons.Count == 0
            ? text
            : text + "; " + string.Join("; ", CloseReasons.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Value} x \"{kv.Key}\"")));
    }
}
