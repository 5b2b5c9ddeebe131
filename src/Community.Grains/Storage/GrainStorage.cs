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
    public static async Task WriteAsync<T>(IGrainBase grain, IPersistentState<T> state, T next)
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
}
