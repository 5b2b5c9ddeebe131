using Community.Host.Hosting;
using Microsoft.Extensions.Options;

WebApplication app;
try
{
    app = CommunityApp.Build(args);
    // Settings are checked before anything starts (storage included), and a refusal reads as one line.
    app.Services.GetService<IStartupValidator>()?.Validate();
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync($"Community: refusing to start: {string.Join(" ", ex.Failures)}");
    return 1;
}

if (!await StorageCheck.IsReachableAsync(app, Console.Error))
{
    return 1;
}

await app.StartAsync();
var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
using (app.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult()))
{
    await stopping.Task;
}

// Orleans retries its goodbye to the membership table for minutes when storage is gone (deaf to further signals
// meanwhile); past Cluster:ShutdownTimeout the process leaves without it, and the other hosts declare it dead.
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

static async Task StopAsync(WebApplication app)
{
    await app.StopAsync();
    await app.DisposeAsync();
}

/// <summary>Entry point; visible to tests.</summary>
public partial class Program;
