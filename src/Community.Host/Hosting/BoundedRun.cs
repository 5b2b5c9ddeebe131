using Microsoft.Extensions.Options;

namespace Community.Host.Hosting;

/// <summary>
/// Runs the host until it is told to stop, then stops it within <see cref="ClusterHostOptions.ShutdownTimeout"/>.
/// Orleans retries its goodbye to the membership table for minutes when storage is gone (deaf to further signals
/// meanwhile); past the budget the process leaves without it, and the other hosts declare it dead.
/// </summary>
public static class BoundedRun
{
    /// <summary>The process exit code: 0 after a clean stop, 1 after a failed or overlong one (with one line on stderr).</summary>
    public static async Task<int> RunAsync(WebApplication app)
    {
        await app.StartAsync();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (app.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult()))
        {
            await stopping.Task;
        }

        var budget = app.Services.GetRequiredService<IOptions<ClusterHostOptions>>().Value.ShutdownTimeout;
        var lifetime = app.Services.GetService<IHostLifetime>() as IDisposable;
        var shutdown = StopAsync(app);
        if (await Task.WhenAny(shutdown, Task.Delay(budget)) != shutdown)
        {
            await Console.Error.WriteLineAsync($"Community: stopped without finishing its shutdown within Cluster:ShutdownTimeout ({budget.TotalSeconds:0} s); storage may be unreachable, and the other hosts will declare this one dead.");
            // The console lifetime would otherwise hold the exit until the stop it waits for completes.
            lifetime?.Dispose();
            Environment.Exit(1);
        }

        try
        {
            await shutdown;
            return 0;
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"Community: stopped with an error: {ex.Message.Split('\n')[0].Trim()}");
            return 1;
        }
    }

    private static async Task StopAsync(WebApplication app)
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
