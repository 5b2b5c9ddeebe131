using System.Collections.Concurrent;

namespace Community.LoadTests.Metrics;

/// <summary>
/// Counts errors by what they say ("comment: HubException: …"), so a run that fails thousands of times the same way
/// reports one line with a count instead of thousands of lines. Thread-safe.
/// </summary>
public sealed class ErrorCounter
{
    private const int MaxMessageLength = 300;
    private const int MaxDistinct = 100;
    private const string OtherKey = "(other errors beyond the first 100 distinct messages)";

    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    public void Add(string where, Exception exception) =>
        Add(where, $"{exception.GetType().Name}: {exception.Message}");

    public void Add(string where, string message)
    {
        Interlocked.Increment(ref _total);
        var key = $"{where}: {message}";
        if (key.Length > MaxMessageLength)
        {
            key = key[..MaxMessageLength] + "…";
        }

        if (_counts.Count >= MaxDistinct && !_counts.ContainsKey(key))
        {
            key = OtherKey;
        }

        _counts.AddOrUpdate(key, 1, static (_, n) => n + 1);
    }

    /// <summary>
    /// What was added since <paramref name="before"/> (an earlier <see cref="ByMessage"/>): the errors of one phase of a
    /// run that has several.
    /// </summary>
    public ErrorFigures Since(IReadOnlyDictionary<string, long> before)
    {
        var added = ByMessage()
            .Select(kv => (kv.Key, Count: kv.Value - before.GetValueOrDefault(kv.Key)))
            .Where(kv => kv.Count > 0)
            .OrderByDescending(kv => kv.Count)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .ToDictionary(kv => kv.Key, kv => kv.Count, StringComparer.Ordinal);
        return new ErrorFigures(added.Values.Sum(), added);
    }

    /// <summary>Each distinct message with its count, most frequent first.</summary>
    public IReadOnlyDictionary<string, long> ByMessage() =>
        _counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
}
