using System.Diagnostics;
using Community.IntegrationTests.Infrastructure;

namespace Community.IntegrationTests.Durability;

public sealed class StartupTests
{
    [Fact]
    public async Task The_host_says_in_one_line_that_storage_is_unreachable_and_exits_non_zero()
    {
        var closedPort = FreePort.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Community.Host.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{FreePort.Next()}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Storage__Provider"] = "AzureStorage";
        start.Environment["Storage__ConnectionString"] =
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:{closedPort}/devstoreaccount1;";
        start.Environment["Storage__Timeout"] = "00:00:01";
        start.Environment["Auth__SigningKey"] = TestHost.SigningKey;
        start.Environment["Logging__LogLevel__Default"] = "None";

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, process.ExitCode);
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("Community: storage is unreachable", line);
        Assert.Contains($"127.0.0.1:{closedPort}", line);
        Assert.DoesNotContain("AccountKey", line + await stdout);
    }
}
