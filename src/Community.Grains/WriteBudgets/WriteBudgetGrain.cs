using Community.WriteBudgets;

namespace Community.Grains.WriteBudgets;

/// <summary>
/// The cluster-wide bucket of one user's writes. Not stored: a re-activation (after idling or a host loss) starts
/// with a full bucket, which only ever errs on the user's side. Collected after two idle minutes, by when any bucket
/// of the default shape has long refilled, so one grain per active user is all this costs.
/// </summary>
[CollectionAgeLimit(Minutes = 2)]
public sealed class WriteBudgetGrain(TimeProvider time) : Grain, IWriteBudgetGrain
{
    private WriteBucket? _bucket;

    public Task<WriteGrant> Lease(int wanted, WriteBudget budget)
    {
        if (_bucket?.Budget != budget)
        {
            // Hosts configured alike send one budget; a changed configuration starts a fresh bucket.
            _bucket = new WriteBucket(budget, time);
        }

        return Task.FromResult(_bucket.Take(Math.Clamp(wanted, 1, budget.Burst)));
    }
}
