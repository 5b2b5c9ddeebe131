using Community.Grains.Storage;

namespace Community.Host.Hosting;

/// <summary>Fails fast, in one line, when the configured storage cannot be reached at start.</summary>
public static class StorageCheck
{
    public static async Task<bool> IsReachableAsync(WebApplication app, TextWriter error)
    {
        var storage = app.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>();
        if (storage?.Provider != StorageProvider.AzureStorage)
        {
            return true;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await app.Services.GetRequiredService<ILogStoreFactory>().PingAsync(timeout.Token);
            return true;
        }
        catch (Exception ex)
        {
            await error.WriteLineAsync($"Community: storage is unreachable ({(storage.TableServiceUri is { } uri ? $"{uri.Host} with DefaultAzureCredential" : Describe(storage.ConnectionString))}): {ex.Message.Split('\n')[0].Trim()} Start Azurite (scripts/run.sh does) or fix Storage:ConnectionString.");
            return false;
        }
    }

    // Never print the account key: name only where it points.
    private static string Describe(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            return "no connection string";
        }

        if (connectionString.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase))
        {
            return "Azurite at 127.0.0.1:10002";
        }

        var table = connectionString.Split(';').FirstOrDefault(p => p.StartsWith("TableEndpoint=", StringComparison.OrdinalIgnoreCase));
        return table ?? "the configured account";
    }
}
