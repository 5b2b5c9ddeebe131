namespace Community.WriteBudgets;

/// <summary>
/// One user's write budget for the whole cluster, keyed by handle: a token bucket from which each Community host
/// leases a few tokens at a time, so the limit holds across hosts while a grain call happens once per lease, not per write.
/// </summary>
public interface IWriteBudgetGrain : IGrainWithStringKey
{
    /// <summary>Takes up to <paramref name="wanted"/> tokens from a bucket shaped by <paramref name="budget"/>.</summary>
    Task<WriteGrant> Lease(int wanted, WriteBudget budget);
}

/// <summary>A bucket of <see cref="Burst"/> tokens refilled at <see cref="PerSecond"/> tokens a second.</summary>
[GenerateSerializer, Immutable]
[Alias("community.write-budget")]
public sealed record WriteBudget([property: Id(0)] int Burst, [property: Id(1)] int PerSecond);

/// <summary>The tokens leased (0 when the bucket is empty), and when one will be available again if none were.</summary>
[GenerateSerializer, Immutable]
[Alias("community.write-grant")]
public sealed record WriteGrant([property: Id(0)] int Granted, [property: Id(1)] TimeSpan RetryAfter);
