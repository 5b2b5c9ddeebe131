using Community.Realtime;

namespace Community.Grains.Realtime;

/// <summary>A range of a stream's seqs, (<see cref="AfterSeq"/>, <see cref="ToSeq"/>], that a host must fetch before it forwards more.</summary>
public readonly record struct SeqRange(long AfterSeq, long ToSeq);

/// <summary>
/// What a host forwards of one topic, in what order: every item of the topic's stream once, by seq, with no
/// gap. An item that skips ahead (the source died between storing and publishing, or a batch was lost) or a
/// head announced beyond the last item forwarded asks for the missing range; until it is filled, everything of
/// the topic waits, so the topic keeps its order while other topics go on. Events without a seq pass through.
/// Not thread-safe: the caller holds the topic's lock.
/// </summary>
public sealed class StreamOrder
{
    // A source that never answers must not make a host hoard a busy topic's events without bound.
    private const int MaxHeld = 10_000;

    private List<RealtimeEvent> _held = [];

    public long LastSeq { get; private set; }

    public bool HasBaseline { get; private set; }

    public bool Fetching { get; private set; }

    /// <summary>Takes one event: appends what may go out now to <paramref name="forward"/>, or returns a range to fetch first.</summary>
    public SeqRange? Accept(RealtimeEvent evt, List<RealtimeEvent> forward)
    {
        if (Fetching)
        {
            Hold(evt);
            return null;
        }

        if (evt.IsHead)
        {
            return HasBaseline ? AskUpTo(evt.Seq) : null;
        }

        if (evt.Seq == 0)
        {
            forward.Add(evt);
            return null;
        }

        if (!HasBaseline)
        {
            HasBaseline = true;
        }
        else if (evt.Seq <= LastSeq)
        {
            return null;
        }
        else if (evt.Seq > LastSeq + 1)
        {
            Fetching = true;
            _held.Add(evt);
            return new SeqRange(LastSeq, evt.Seq - 1);
        }

        LastSeq = evt.Seq;
        forward.Add(evt);
        return null;
    }

    /// <summary>The stream's last seq when the host attached: nothing before it is owed; anything between is fetched.</summary>
    public SeqRange? Baseline(long lastSeq, List<RealtimeEvent> forward)
    {
        if (!HasBaseline)
        {
            HasBaseline = true;
            LastSeq = lastSeq;
            return null;
        }

        return Accept(RealtimeEvent.Head(string.Empty, lastSeq), forward);
    }

    /// <summary>
    /// The fetch of <paramref name="range"/> returned <paramref name="fetched"/> (possibly nothing, when it failed):
    /// forwards them and then what waited behind, up to the next gap. Items the source could not give are skipped.
    /// </summary>
    public SeqRange? Filled(SeqRange range, IReadOnlyList<RealtimeEvent> fetched, List<RealtimeEvent> forward)
    {
        foreach (var evt in fetched.OrderBy(e => e.Seq))
        {
            if (evt.Seq > LastSeq && evt.Seq <= range.ToSeq)
            {
                LastSeq = evt.Seq;
                forward.Add(evt);
            }
        }

        LastSeq = Math.Max(LastSeq, range.ToSeq);
        Fetching = false;
        var held = _held;
        _held = [];
        for (var i = 0; i < held.Count; i++)
        {
            if (Accept(held[i], forward) is { } next)
            {
                _held.AddRange(held.Skip(i + 1));
                return next;
            }
        }

        return null;
    }

    /// <summary>The host lost its last subscriber of the topic: the next one starts afresh from its attach.</summary>
    public void Reset()
    {
        LastSeq = 0;
        HasBaseline = false;
        Fetching = false;
        _held = [];
    }

    private SeqRange? AskUpTo(long headSeq)
    {
        if (headSeq <= LastSeq)
        {
            return null;
        }

        Fetching = true;
        return new SeqRange(LastSeq, headSeq);
    }

    private void Hold(RealtimeEvent evt)
    {
        if (_held.Count >= MaxHeld)
        {
            _held.RemoveAt(0);
        }

        _held.Add(evt);
    }
}
