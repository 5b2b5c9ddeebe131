using System.Diagnostics;

namespace Community.IntegrationTests.Deployment;

/// <summary>
/// scripts/run.sh and scripts/azurite.sh report the local Azurite data at start, warn when it has grown past the
/// size where Azurite's whole-file saves stall storage, and delete it on --reset-data (the function both share).
/// </summary>
public sealed class LocalDataTests
{
    [Fact]
    public async Task The_start_report_names_the_size_and_warns_with_the_way_out_past_the_limit()
    {
        var data = Directory.CreateTempSubdirectory("community-data-");
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(data.FullName, "__azurite_db_table__.json"), new byte[3 * 1024 * 1024]);

            var small = await ReportAsync(data.FullName, warnMb: 10);
            var large = await ReportAsync(data.FullName, warnMb: 2);

            Assert.Contains("local data in .data/azurite: 3 MB (warning past 10 MB)", small);
            Assert.DoesNotContain("WARNING", small);
            Assert.Contains("WARNING: .data/azurite is 3 MB", large);
            Assert.Contains("--reset-data", large);
            Assert.True(File.Exists(Path.Combine(data.FullName, "__azurite_db_table__.json")), "A report must never delete anything.");

            var reset = await ReportAsync(data.FullName, warnMb: 2, "--reset-data");

            Assert.Contains("--reset-data: deleting", reset);
            Assert.Contains("local data in .data/azurite: 0 MB", reset);
            Assert.Empty(data.EnumerateFileSystemInfos());
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private static async Task<string> ReportAsync(string dataDir, int warnMb, string argument = "")
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Operations.ApiDocs.Root };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("source scripts/azurite.sh && AZURITE_DATA_DIR=\"$1\" && azurite_local_data $2");
        start.ArgumentList.Add("report");
        start.ArgumentList.Add(dataDir);
        start.ArgumentList.Add(argument);
        start.Environment["COMMUNITY_DATA_WARN_MB"] = warnMb.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, process.ExitCode);
        return await stdout + await stderr;
    }
}
