using Community.LoadTests.Workload;

namespace Community.LoadTests.Tests.Workload;

public class StepSearchTests
{
    private static readonly StepSettings Settings = new(StartRate: 100, Factor: 2, MaxRate: 10_000, MaxSteps: 20, P99BoundMs: 250, RefineSteps: 1);

    /// <summary>Runs the search against a server that sustains every rate up to <paramref name="capacity"/>.</summary>
    private static (List<double> Rates, StepSearch Search) Run(StepSettings settings, double capacity)
    {
        var search = new StepSearch(settings);
        var rates = new List<double>();
        while (search.NextRate() is { } rate)
        {
            rates.Add(rate);
            search.Record(rate, rate <= capacity);
            Assert.True(rates.Count <= 100, "the search must end");
        }

        return (rates, search);
    }

    [Fact]
    public void Rates_grow_geometrically_from_the_start_until_a_step_fails_then_one_step_bisects()
    {
        var (rates, search) = Run(Settings, capacity: 1000);

        // 100, 200, 400, 800 sustained; 1600 fails; then √(800 × 1600) ≈ 1131.4 fails too.
        Assert.Equal([100, 200, 400, 800, 1600, 1131.4], rates);
        Assert.Equal(800, search.HighestSustained);
        Assert.Contains("between 800/s and 1131.4/s", search.StopReason);
    }

    [Fact]
    public void A_sustained_refinement_step_becomes_the_answer()
    {
        var (rates, search) = Run(Settings, capacity: 1200);

        Assert.Equal(1131.4, rates[^1]);
        Assert.Equal(1131.4, search.HighestSustained);
        Assert.Contains("between 1131.4/s and 1600/s", search.StopReason);
    }

    [Fact]
    public void Several_refinements_narrow_the_interval_each_time()
    {
        var (rates, search) = Run(Settings with { RefineSteps = 3 }, capacity: 1000);

        Assert.Equal(8, rates.Count);
        Assert.True(search.HighestSustained >= 800 && search.HighestSustained <= 1000);
        Assert.All(rates.Skip(5), r => Assert.InRange(r, 800, 1600));
    }

    [Fact]
    public void A_first_step_that_fails_ends_the_search_with_no_answer()
    {
        var (rates, search) = Run(Settings, capacity: 50);

        Assert.Equal([100], rates);
        Assert.Null(search.HighestSustained);
        Assert.Contains("first step", search.StopReason);
    }

    [Fact]
    public void The_search_stops_at_the_highest_rate_allowed_when_everything_is_sustained()
    {
        var (rates, search) = Run(Settings with { MaxRate = 1000 }, capacity: double.MaxValue);

        Assert.Equal([100, 200, 400, 800, 1000], rates);
        Assert.Equal(1000, search.HighestSustained);
        Assert.Contains("highest rate allowed", search.StopReason);
    }

    [Fact]
    public void The_search_never_runs_more_steps_than_allowed()
    {
        var (rates, search) = Run(Settings with { MaxSteps = 3 }, capacity: double.MaxValue);

        Assert.Equal(3, rates.Count);
        Assert.Equal(400, search.HighestSustained);
        Assert.Contains("most steps", search.StopReason);
    }
}
