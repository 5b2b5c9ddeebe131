using Community.Errors;

namespace Community.Grains.Storage;

/// <summary>
/// Orleans grain-state writes with the project's error model: a failed write leaves the old state in place, reports
/// 503, and retires the activation, so that the next call starts from what is stored.
/// </summary>
public static class GrainStorage
{
    public const string ProviderName = "store";

    /// <summary>Replaces <paramref name="grain"/>'s state with <paramref name="next"/> and stores it; on failure restores the previous state.</summary>
    /// <param name="landed">
    /// For a write whose outcome matters beyond this call: recognizes <paramref name="next"/> in the stored state. When the
    /// write fails, the state is read back, and if it holds the write (its answer was lost, or the SDK's retry of it met its
    /// own ETag) the write counts as done.
    /// </param>
    public static async Task WriteAsync<T>(IGrainBase grain, IPersistentState<T> state, T next, Func<T, bool>? landed = null)
    {
        var previous = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex) when (ex is not CommunityException)
        {
            state.State = previous;
            if (landed is not null && await ReadBackAsync(state, landed))
            {
                return;
            }

            // After an ETag conflict (the state was written elsewhere: another activation, or an earlier write of this one
            // that landed though it failed) this activation's ETag and everything it derived from the state are stale, and
            // every later write would fail the same way; after a timeout the outcome is unknown. Either way memory can no
            // longer be trusted: deactivate once this call ends, and let the next call read the state afresh.
            grain.DeactivateOnIdle();
            throw ex is Orleans.Storage.InconsistentStateException
                ? CommunityException.Unavailable("This was changed elsewhere at the same time; nothing was written. Try again.")
                : AzureErrors.Unavailable(ex);
        }
    }

    /// <summary>Reads the stored state (and its ETag) back; true when it holds the write. On false the state is the stored one, or the previous one when storage did not answer.</summary>
    private static async Task<bool> ReadBackAsync<T>(IPersistentState<T> state, Func<T, bool> landed)
    {
        try
        {
            await state.ReadStateAsync();
            return landed(state.State);
        }
        catch (Exception ex) when (ex is not CommunityException)
        {
            return false;
        }
    }
}
