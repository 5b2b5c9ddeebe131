using Microsoft.Extensions.Logging;
using Orleans.Core;

namespace Community.Grains.Engagement;

/// <summary>
/// Stores a roll-up's grain state on a beat instead of per change: at most once per period while something changed, and
/// once more when the grain deactivates (<see cref="FlushAsync"/>). A failed write is logged and tried again on the next
/// beat, so what is stored trails memory by at most one period (plus any storage outage); after a conflict (the state was
/// written elsewhere) the activation retires, as <see cref="Storage.GrainStorage"/> does, so the next one starts from what
/// is stored. Used from the owning grain's context.
/// </summary>
public sealed partial class PeriodicStateWriter
{
    private readonly IGrainBase _owner;
    private readonly IStorage _state;
    private readonly Action _capture;
    private readonly ILogger _logger;
    private readonly GrainId _grain;
    private readonly PulseTimer _timer;
    private bool _unsaved;
    private bool _stopped;

    /// <param name="capture">Puts the roll-up into the grain's state; called just before each write.</param>
    public PeriodicStateWriter(IGrainBase grain, IStorage state, TimeSpan period, Action capture, ILogger logger)
    {
        _owner = grain;
        _state = state;
        _capture = capture;
        _logger = logger;
        _grain = grain.GrainContext.GrainId;
        _timer = new PulseTimer(grain, period, WriteAsync);
    }

    /// <summary>Something changed: it is stored on the next beat.</summary>
    public void Changed()
    {
        _unsaved = true;
        if (!_stopped)
        {
            _timer.Touch();
        }
    }

    /// <summary>Stores what changed now and stops the beat (before the grain deactivates).</summary>
    public Task FlushAsync()
    {
        _stopped = true;
        _timer.Stop();
        return WriteAsync();
    }

    private async Task WriteAsync()
    {
        if (!_unsaved)
        {
            return;
        }

        _unsaved = false;
        _capture();
        try
        {
            await _state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            if (ex is Orleans.Storage.InconsistentStateException)
            {
                // Every later write would meet the same stale ETag: start again from what is stored.
                _owner.DeactivateOnIdle();
            }

            Changed();
            LogWriteFailed(_logger, ex, _grain);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing the roll-up of {Grain} failed; retrying on the next beat.")]
    private static partial void LogWriteFailed(ILogger logger, Exception ex, GrainId grain);
}
