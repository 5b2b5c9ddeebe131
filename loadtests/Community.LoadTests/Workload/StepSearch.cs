using System.Globalization;
using Community.LoadTests.Metrics;

namespace Community.LoadTests.Workload;

/// <summary>The knobs of a step run.</summary>
/// <param name="StartRate">The first step's rate.</param>
/// <param name="Factor">Each step after a sustained one offers this many times its rate (above 1).</param>
/// <param name="MaxRate">No step offers more; a sustained step at this rate ends the run.</param>
/// <param name="MaxSteps">No run has more steps, refinements included.</param>
/// <param name="P99BoundMs">A step is sustained only while the p99 of delivery latency (or of acks, where nothing is delivered) stays at or under this.</param>
/// <param name="RefineSteps">After the first step that fails, how many steps bisect (geometrically) between the last sustained rate and it.</param>
/// <param name="MinDeliveredRatio">A step whose deliveries per second fall below this share of the expected is not sustained: the server is falling behind.</param>
public sealed record StepSettings(
    double StartRate,
    double Factor,
    double MaxRate,
    int MaxSteps,
    double P99BoundMs,
    int RefineSteps,
    double MinDeliveredRatio = 0.9)
{
    public static readonly StepSettings Default = new(50, 1.5, 100_000, 14, 250, 1);
}

/// <summary>Whether one step sustained its rate, and if not, why (in words, for the report).</summary>
public sealed record StepVerdict(bool Sustained, string Reason)
{
    /// <summary>
    /// A step is sustained when it completed with nothing lost, duplicated or reordered, no error (a failed or
    /// unacknowledged write is one), p99 within the bound, and deliveries keeping up with what was offered.
    /// </summary>
    public static StepVerdict Judge(PhaseFigures step, StepSettings settings)
    {
        var d = step.Delivery;
        var p99 = step.DeliveryLatencyMs.Count > 0 ? step.DeliveryLatencyMs.P99Ms : step.AckLatencyMs.P99Ms;
        var expected = step.Throughput.ExpectedDeliveriesPerSecond;
        return true switch
        {
            _ when !step.Completed => new(false, $"did not complete: {step.Failure}"),
            _ when d.Lost > 0 || d.Duplicated > 0 || d.OutOfOrder > 0 =>
                new(false, Invariant($"lost {d.Lost}, duplicated {d.Duplicated}, out of order {d.OutOfOrder}")),
            _ when step.Errors.Total > 0 => new(false, Invariant($"{step.Errors.Total} errors, first: {step.Errors.ByMessage.Keys.FirstOrDefault()}")),
            _ when p99 > settings.P99BoundMs => new(false, Invariant($"p99 {p99:0.#} ms over the bound of {settings.P99BoundMs:0.#} ms")),
            _ when expected > 0 && step.Throughput.DeliveriesPerSecond < settings.MinDeliveredRatio * expected =>
                new(false, Invariant($"delivered {step.Throughput.DeliveriesPerSecond:0}/s of {expected:0}/s expected: falling behind")),
            _ => new(true, Invariant($"sustained (p99 {p99:0.#} ms)")),
        };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Which rate to offer next in a step run: geometric steps up (× <see cref="StepSettings.Factor"/>) from the start rate
/// while steps are sustained; after the first failure, <see cref="StepSettings.RefineSteps"/> geometric bisections
/// between the highest sustained rate and the lowest failed one. Pure: the caller runs each step and reports its verdict.
/// </summary>
public sealed class StepSearch(StepSettings settings)
{
    private double? _lowestFailed;
    private int _steps;
    private int _refinements;

    /// <summary>The highest rate a step sustained so far; null before any did.</summary>
    public double? HighestSustained { get; private set; }

    /// <summary>Why the search stopped; null while it goes on.</summary>
    public string? StopReason { get; private set; }

    /// <summary>The rate of the next step, or null when the search is over (see <see cref="StopReason"/>).</summary>
    public double? NextRate()
    {
        if (StopReason is not null)
        {
            return null;
        }

        if (_steps >= settings.MaxSteps)
        {
            StopReason = Invariant($"reached the most steps allowed ({settings.MaxSteps})");
            return null;
        }

        if (_lowestFailed is not { } failed)
        {
            if (HighestSustained is not { } good)
            {
                return Math.Min(settings.StartRate, settings.MaxRate);
            }

            if (good >= settings.MaxRate)
            {
                StopReason = Invariant($"sustained the highest rate allowed ({settings.MaxRate:0.#}/s)");
                return null;
            }

            return Math.Round(Math.Min(good * settings.Factor, settings.MaxRate), 1);
        }

        if (HighestSustained is not { } sustained)
        {
            StopReason = "the first step already failed: lower the start rate";
            return null;
        }

        if (_refinements >= settings.RefineSteps)
        {
            StopReason = Invariant($"found the limit between {sustained:0.#}/s and {failed:0.#}/s");
            return null;
        }

        var middle = Math.Round(Math.Sqrt(sustained * failed), 1);
        if (middle <= sustained || middle >= failed)
        {
            StopReason = Invariant($"found the limit between {sustained:0.#}/s and {failed:0.#}/s");
            return null;
        }

        return middle;
    }

    /// <summary>Records the outcome of the step that offered <paramref name="rate"/>.</summary>
    public void Record(double rate, bool sustained)
    {
        _steps++;
        if (_lowestFailed is not null)
        {
            _refinements++;
        }

        if (sustained)
        {
            HighestSustained = Math.Max(HighestSustained ?? 0, rate);
        }
        else
        {
            _lowestFailed = Math.Min(_lowestFailed ?? double.MaxValue, rate);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
