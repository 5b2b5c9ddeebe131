using System.Diagnostics;

namespace Community.IntegrationTests.Deployment;

/// <summary>docker-compose.yml describes Azurite plus two host replicas in one cluster. No Docker engine runs here: the file is validated here and its topology started without Docker by <see cref="ComposeTopologyTests"/>.</summary>
public sealed class ComposeFileTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public async Task The_compose_file_is_valid_and_runs_azurite_and_two_hosts_of_one_cluster()
    {
        var file = Path.Combine(Root, "docker-compose.yml");
        var text = await File.ReadAllTextAsync(file);

        if (FindOnPath("docker-compose") is { } compose)
        {
            var (code, output) = await RunAsync(compose, Root, "-f", file, "config", "-q");
            Assert.True(code == 0, $"docker-compose config -q failed: {output}");
            var (_, services) = await RunAsync(compose, Root, "-f", file, "config", "--services");
            Assert.Equal(["azurite", "host1", "host2"], services.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order());
        }

        foreach (var expected in new[] { "azurite:", "host1:", "host2:", "Cluster__ClusterId: community", "Storage__Provider: AzureStorage", "Cluster__AdvertisedHost: host1", "Cluster__AdvertisedHost: host2" })
        {
            Assert.Contains(expected, text);
        }

        Assert.True(File.Exists(Path.Combine(Root, "Dockerfile")), "docker-compose builds the hosts from the Dockerfile at the root.");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Community.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Community.sln not found above the test binaries.");
    }

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    private static async Task<(int Code, string Output)> RunAsync(string tool, string cwd, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }
}
