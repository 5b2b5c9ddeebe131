namespace Community.Grains.Engagement;

/// <summary>
/// Counts over the last <see cref="Length"/> of time as a ring of <see cref="BucketCount"/> buckets, each
/// 1/60 of the window. The window at time t holds the events whose bucket is one of the 60 ending with t's
/// bucket, so it spans between <c>Length − BucketWidth</c> and <c>Length</c> of time: its error is at most
/// one bucket. Adding and reading are O(1) (moving forward clears at most 60 buckets, a constant) and never
/// allocate. Not thread-safe: it lives inside one grain activation.
/// </summary>
public sealed class RollingWindow
{
    public const int BucketCount = 60;

    private readonly long _bucketTicks;
    private readonly int _counters;
    private readonly long[] _buckets;
    private readonly long[] _totals;

    /// <summary>Absolute index (ticks / bucket width) of the newest bucket; the ring holds (head − 60, head].</summary>
    private long _head;

    public RollingWindow(TimeSpan length, int counters = EngagementCounters.Count)
    {
        if (length.Ticks < BucketCount || length.Ticks % BucketCount != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"A window must split into {BucketCount} whole buckets.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(counters);
        Length = length;
        _bucketTicks = length.Ticks / BucketCount;
        _counters = counters;
        _buckets = new long[BucketCount * counters];
        _totals = new long[counters];
    }

    public TimeSpan Length { get; }

    public TimeSpan BucketWidth => TimeSpan.FromTicks(_bucketTicks);

    public int Counters => _counters;

    /// <summary>Counts <paramref name="amount"/> of <paramref name="counter"/> at <paramref name="ticks"/> (UTC ticks). An event older than the window is ignored.</summary>
    public void Add(int counter, long amount, long ticks)
    {
        var index = ticks / _bucketTicks;
        if (index > _head)
        {
            Advance(index);
        }
        else if (index <= _head - BucketCount)
        {
            return;
        }

        _buckets[Slot(index) + counter] += amount;
        _totals[counter] += amount;
    }

    /// <summary>The count of <paramref name="counter"/> in the window ending at <paramref name="ticks"/> (or at the newest event, if later).</summary>
    public long Total(int counter, long ticks)
    {
        Advance(ticks / _bucketTicks);
        return _totals[counter];
    }

    /// <summary>Writes every counter's total as of <paramref name="ticks"/> into <paramref name="totals"/>.</summary>
    public void Totals(long ticks, Span<long> totals)
    {
        Advance(ticks / _bucketTicks);
        _totals.CopyTo(totals);
    }

    /// <summary>Per-bucket counts of <paramref name="counter"/>, oldest first, as of <paramref name="ticks"/> (60 values).</summary>
    public void Series(int counter, long ticks, Span<long> buckets)
    {
        Advance(ticks / _bucketTicks);
        for (var i = 0; i < BucketCount; i++)
        {
            buckets[i] = _buckets[Slot(_head - BucketCount + 1 + i) + counter];
        }
    }

    /// <summary>Start of the oldest bucket in the window, as of the last add or read.</summary>
    public DateTimeOffset OldestBucketStart => new((_head - BucketCount + 1) * _bucketTicks, TimeSpan.Zero);

    /// <summary>The ring as plain data, for grain state.</summary>
    public RollingWindowState Save() => new(_head, (long[])_buckets.Clone());

    /// <summary>Restores a ring saved by <see cref="Save"/> from a window of the same length and counters; anything else starts empty.</summary>
    public void Load(RollingWindowState? state)
    {
        Array.Clear(_buckets);
        Array.Clear(_totals);
        _head = 0;
        if (state?.Buckets is not { } buckets || buckets.Length != _buckets.Length)
        {
            return;
        }

        buckets.CopyTo(_buckets, 0);
        _head = state.Head;
        for (var i = 0; i < _buckets.Length; i++)
        {
            _totals[i % _counters] += _buckets[i];
        }
    }

    private int Slot(long index) => (int)(index % BucketCount) * _counters;

    private void Advance(long index)
    {
        if (index <= _head)
        {
            return;
        }

        var expired = Math.Min(index - _head, BucketCount);
        for (var i = 1; i <= expired; i++)
        {
            var slot = Slot(_head + i);
            for (var c = 0; c < _counters; c++)
            {
                _totals[c] -= _buckets[slot + c];
                _buckets[slot + c] = 0;
            }
        }

        _head = index;
    }
}

/// <summary>A <see cref="RollingWindow"/> as data: the newest bucket's index and the ring (60 × counters, bucket-major).</summary>
[GenerateSerializer]
[Alias("community.rolling-window-state")]
public sealed record RollingWindowState([property: Id(0)] long Head, [property: Id(1)] long[] Buckets);
