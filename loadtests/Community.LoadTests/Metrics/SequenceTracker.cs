namespace Community.LoadTests.Metrics;

/// <summary>How one delivery of a <c>seq</c> relates to what the same subscriber received before.</summary>
public enum SequenceObservation
{
    /// <summary>First delivery of this seq, and no higher seq had arrived before it.</summary>
    InOrder,

    /// <summary>First delivery of this seq, but a higher seq had already arrived.</summary>
    OutOfOrder,

    /// <summary>This seq had already been delivered.</summary>
    Duplicate,

    /// <summary>At or below what the subscriber already had from a catch-up: a client skips these by contract.</summary>
    Stale,

    /// <summary>Not a valid seq (seqs start at 1).</summary>
    Invalid,
}

/// <summary>
/// Delivery accounting for one subscriber of one ordered stream whose items are numbered 1, 2, 3 … without gaps.
/// Pure and single-threaded: the caller serializes calls. Memory stays small while deliveries are mostly in order:
/// only seqs received ahead of a gap are kept individually.
/// </summary>
public sealed class SequenceTracker
{
    private readonly HashSet<long> _ahead = [];
    private long _baseline;
    private long _contiguousThrough;

    /// <param name="startAfterSeq">The subscriber's resume point: seqs at or below it are not its concern.</param>
    public SequenceTracker(long startAfterSeq = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(startAfterSeq);
        _baseline = startAfterSeq;
        _contiguousThrough = startAfterSeq;
        HighestSeen = startAfterSeq;
    }

    /// <summary>Distinct seqs first received live, in order or not.</summary>
    public long Received { get; private set; }

    public long Duplicates { get; private set; }

    public long OutOfOrder { get; private set; }

    public long Stale { get; private set; }

    public long Invalid { get; private set; }

    /// <summary>The highest seq received live or through a catch-up.</summary>
    public long HighestSeen { get; private set; }

    /// <summary>Every seq from the start up to this one has been received (live or through a catch-up).</summary>
    public long ContiguousThrough => _contiguousThrough;

    public SequenceObservation Observe(long seq)
    {
        if (seq < 1)
        {
            Invalid++;
            return SequenceObservation.Invalid;
        }

        if (seq <= _baseline)
        {
            Stale++;
            return SequenceObservation.Stale;
        }

        if (seq <= _contiguousThrough || _ahead.Contains(seq))
        {
            Duplicates++;
            return SequenceObservation.Duplicate;
        }

        Received++;
        var observation = seq < HighestSeen ? SequenceObservation.OutOfOrder : SequenceObservation.InOrder;
        if (observation == SequenceObservation.OutOfOrder)
        {
            OutOfOrder++;
        }

        HighestSeen = Math.Max(HighestSeen, seq);
        if (seq == _contiguousThrough + 1)
        {
            _contiguousThrough = seq;
            AbsorbAhead();
        }
        else
        {
            _ahead.Add(seq);
        }

        return observation;
    }

    /// <summary>
    /// Records a catch-up (a subscribe or resume answer) that returned everything through <paramref name="lastSeq"/>:
    /// those seqs count as received, and later live deliveries at or below it are <see cref="SequenceObservation.Stale"/>.
    /// </summary>
    public void CaughtUpThrough(long lastSeq)
    {
        if (lastSeq <= _baseline)
        {
            return;
        }

        _baseline = lastSeq;
        HighestSeen = Math.Max(HighestSeen, lastSeq);
        if (lastSeq > _contiguousThrough)
        {
            _ahead.RemoveWhere(s => s <= lastSeq);
            _contiguousThrough = lastSeq;
            AbsorbAhead();
        }
    }

    /// <summary>How many seqs after the start, up to <paramref name="expectedLastSeq"/>, never arrived.</summary>
    public long CountMissing(long expectedLastSeq)
    {
        if (expectedLastSeq <= _contiguousThrough)
        {
            return 0;
        }

        var receivedAbove = _ahead.Count(s => s <= expectedLastSeq);
        return expectedLastSeq - _contiguousThrough - receivedAbove;
    }

    /// <summary>The first <paramref name="limit"/> seqs up to <paramref name="expectedLastSeq"/> that never arrived, lowest first.</summary>
    public IReadOnlyList<long> MissingSeqs(long expectedLastSeq, int limit)
    {
        var missing = new List<long>();
        for (var seq = _contiguousThrough + 1; seq <= expectedLastSeq && missing.Count < limit; seq++)
        {
            if (!_ahead.Contains(seq))
            {
                missing.Add(seq);
            }
        }

        return missing;
    }

    private void AbsorbAhead()
    {
        while (_ahead.Remove(_contiguousThrough + 1))
        {
            _contiguousThrough++;
        }
    }
}
