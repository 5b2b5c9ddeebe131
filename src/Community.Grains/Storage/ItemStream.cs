using Community.Grains.Realtime;
using Community.Realtime;
using Microsoft.Extensions.Logging;

namespace Community.Grains.Storage;

/// <summary>The head of a stream of sequenced items: the seq of its newest item.</summary>
public interface ISeqHead
{
    long LastSeq { get; }
}

/// <summary>
/// A stream of sequenced items (a post's comments, a conversation's messages, a room's chat) as its grain serves it:
/// the writer (<see cref="Journal{THead}"/>), the newest items in memory (<see cref="SeqWindow{T}"/>), and the reads
/// every such stream answers the same way: a page, a client's catch-up, one item, and, as the topic's real-time source,
/// a host's attach and the replay it asks for when it missed items. Reads go up to the head this activation knows; a replay goes up to the seq the host names (another
/// activation may have stored it). Used from the grain's context.
/// </summary>
public sealed class ItemStream<THead, TItem>
    where THead : class, ISeqHead
    where TItem : class, IClientEvent
{
    /// <summary>The most items one catch-up or replay returns; the rest is paged with afterSeq.</summary>
    public const int MaxCatchUp = 1_000;

    private readonly ILogStore _store;
    private readonly string _partition;
    private readonly Func<TItem, long> _seqOf;
    private readonly RealtimeFanout _fanout;
    private readonly Func<Task> _requireHead;

    /// <param name="requireHead">Loads the head, or throws the grain's 404 when its stream does not exist.</param>
    public ItemStream(
        ILogStore store, string partition, IStreamOwner<THead> owner, Func<TItem, long> seqOf, ISeqRowFormat<TItem> format,
        RealtimeFanout fanout, Func<Task> requireHead, ILogger logger)
    {
        _store = store;
        _partition = partition;
        _seqOf = seqOf;
        _fanout = fanout;
        _requireHead = requireHead;
        Journal = new Journal<THead>(store, partition, owner, logger);
        Recent = new SeqWindow<TItem>(seqOf, format);
        Journal.Reloaded += Recent.Clear;
    }

    public Journal<THead> Journal { get; }

    /// <summary>The newest items: add each once stored (<see cref="IStreamOwner{THead}.Committed"/>).</summary>
    public SeqWindow<TItem> Recent { get; }

    private long LastSeq => Journal.Head?.LastSeq ?? 0;

    /// <summary>Up to <paramref name="limit"/> items after <paramref name="afterSeq"/>.</summary>
    public Task<IReadOnlyList<TItem>> PageAsync(long afterSeq, int limit) => Recent.ReadAsync(_store, _partition, afterSeq, LastSeq, limit);

    /// <summary>A client's catch-up after <paramref name="afterSeq"/>, and whether more is stored after it.</summary>
    public async Task<(IReadOnlyList<TItem> Missed, bool HasMore)> CatchUpAsync(long afterSeq)
    {
        var lastSeq = LastSeq;
        var missed = await Recent.ReadAsync(_store, _partition, afterSeq, lastSeq, MaxCatchUp);
        return (missed, (missed.Count > 0 ? _seqOf(missed[^1]) : afterSeq) < lastSeq);
    }

    /// <summary>The item stored as <paramref name="seq"/>; null when there is none.</summary>
    public Task<TItem?> FindAsync(long seq) => Recent.GetAsync(_store, _partition, seq);

    /// <summary>Host <paramref name="hostId"/> has subscribers of <paramref name="topic"/> again: send it the stream's events; returns the last seq.</summary>
    public async Task<long> AttachAsync(string topic, string hostId, long stamp)
    {
        await _requireHead();
        _fanout.Attach(topic, hostId, stamp);
        return LastSeq;
    }

    /// <summary>Items after <paramref name="afterSeq"/> up to <paramref name="toSeq"/> as the events that published them, for a host that missed them.</summary>
    public async Task<IReadOnlyList<RealtimeEvent>> ReplayAsync(string topic, long afterSeq, long toSeq)
    {
        await _requireHead();
        var items = await Recent.ReadAsync(_store, _partition, afterSeq, toSeq, MaxCatchUp);
        return items.Select(item => RealtimeEvent.Of(topic, item, _seqOf(item))).ToList();
    }
}
