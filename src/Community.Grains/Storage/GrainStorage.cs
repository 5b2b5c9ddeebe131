using Community.Errors;

namespace Community.Grains.Storage;

/// <summary>Orleans grain-state writes with the project's error model: a failed write leaves the old state in place and reports 503.</summary>
public static class GrainStorage
{
    public const string ProviderName = "store";

    /// <summary>Replaces the state with <paramref name="next"/> and stores it; on failure restores the previous state.</summary>
    public static async Task WriteAsync<T>(IPersistentState<T> state, T next)
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
            throw AzureErrors.Unavailable(ex);
        }
    }
}
