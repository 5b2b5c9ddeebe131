using Community.Host.Hosting;
using Microsoft.Extensions.Options;

BufferPool.Apply(); // before anything rents from the shared array pool

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

return await BoundedRun.RunAsync(app);

/// <summary>Entry point; visible to tests.</summary>
public partial class Program;
