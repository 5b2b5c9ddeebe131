namespace Community.Grains.Runtime;

/// <summary>
/// One batch in flight, the rest coalesce: items added while a batch is being processed wait, and go together in the
/// next one, in the order they were added. This is what keeps a busy grain's cost per batch instead of per item: a
/// stream's group commit, a grain's calls to each host's relay, a post's reports to its reply queue, a conversation's
/// pushes to an inbox.
/// <para>
/// Not thread-safe: use it from one grain's context (its loop then runs on the grain's scheduler, between the grain's
/// other turns). <c>process</c> owns its failures: an exception it lets escape ends that batch and is passed to
/// <c>failed</c>; the pump carries on with the next.
/// </para>
/// </summary>
public sealed class Pump<T>
{
    private readonly Func<List<T>, Task> _process;
    private readonly int _budget;
    private readonly Func<T, int> _weight;
    private readonly int _maxQueued;
    private readonly Action<Exception, List<T>>? _failed;
    private List<T> _pending = [];

    /// <param name="process">Handles one batch; the next waits until it completes.</param>
    /// <param name="budget">How much one batch may carry: a count, or with <paramref name="weight"/> a total weight (a batch takes at least one item).</param>
    /// <param name="weight">Each item's share of the budget (rows it writes, say); 1 when null.</param>
    /// <param name="maxQueued">Items waiting beyond this drop the oldest (<see cref="Add"/> returns the count dropped).</param>
    /// <param name="failed">Told of a batch whose <paramref name="process"/> threw.</param>
    public Pump(Func<List<T>, Task> process, int budget = int.MaxValue, Func<T, int>? weight = null, int maxQueued = int.MaxValue, Action<Exception, List<T>>? failed = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxQueued, 1);
        _process = process;
        _budget = budget;
        _weight = weight ?? (static _ => 1);
        _maxQueued = maxQueued;
        _failed = failed;
    }

    /// <summary>Items waiting for a batch (not those in flight).</summary>
    public IReadOnlyList<T> Pending => _pending;

    /// <summary>Whether a batch is being processed.</summary>
    public bool Busy { get; private set; }

    /// <summary>Queues <paramref name="item"/> and starts the loop unless it runs. Returns how many of the oldest items were dropped to stay within the queue's bound.</summary>
    public int Add(T item)
    {
        var dropped = 0;
        while (_pending.Count >= _maxQueued)
        {
            _pending.RemoveAt(0);
            dropped++;
        }

        _pending.Add(item);
        Start();
        return dropped;
    }

    /// <summary>Puts <paramref name="item"/> first in line for the next batch (an item the current batch could not take after all).</summary>
    public void AddFirst(T item)
    {
        _pending.Insert(0, item);
        Start();
    }

    /// <summary>Drops waiting items that match.</summary>
    public void RemoveAll(Predicate<T> match) => _pending.RemoveAll(match);

    /// <summary>Drops every waiting item.</summary>
    public void Clear() => _pending.Clear();

    private void Start()
    {
        if (!Busy)
        {
            Busy = true;
            _ = RunAsync();
        }
    }

    private async Task RunAsync()
    {
        try
        {
            while (_pending.Count > 0)
            {
                var batch = TakeBatch();
                try
                {
                    await _process(batch);
                }
                catch (Exception ex)
                {
                    _failed?.Invoke(ex, batch);
                }
            }
        }
        finally
        {
            Busy = false;
        }
    }

    private List<T> TakeBatch()
    {
        var left = _budget;
        var count = 0;
        while (count < _pending.Count && _weight(_pending[count]) <= left)
        {
            left -= _weight(_pending[count]);
            count++;
        }

        count = Math.Max(count, 1);
        if (count == _pending.Count)
        {
            var all = _pending;
            _pending = [];
            return all;
        }

        var batch = _pending.GetRange(0, count);
        _pending.RemoveRange(0, count);
        return batch;
    }
}
