using Community.LoadTests.Metrics;

namespace Community.LoadTests.Tests.Metrics;

public class ProcStatTests
{
    [Fact]
    public void Cpu_ticks_are_utime_plus_stime_even_when_the_command_name_holds_spaces_and_parentheses()
    {
        // Field 2 is "(my (odd) server)"; utime (field 14) = 1500, stime (field 15) = 250.
        const string stat = "4242 (my (odd) server) S 1 4242 4242 0 -1 4194560 9000 0 0 0 1500 250 0 0 20 0 12 0 123456 1000000 5000 18446744073709551615";

        Assert.Equal(1750, ProcStat.CpuTicks(stat));
    }

    [Fact]
    public void A_truncated_stat_line_reads_as_unknown()
    {
        Assert.Null(ProcStat.CpuTicks("4242 (dotnet) S 1 2 3"));
        Assert.Null(ProcStat.CpuTicks("garbage"));
    }

    [Fact]
    public void Resident_memory_is_the_VmRSS_line_in_KiB()
    {
        const string status = "Name:\tdotnet\nVmPeak:\t 9999 kB\nVmRSS:\t  123456 kB\nThreads:\t20\n";

        Assert.Equal(123456, ProcStat.ResidentKiB(status));
    }

    [Fact]
    public void A_status_without_VmRSS_reads_as_unknown()
    {
        Assert.Null(ProcStat.ResidentKiB("Name:\tzombie\nState:\tZ (zombie)\n"));
    }

    [Fact]
    public void The_driver_can_read_its_own_process()
    {
        var sample = new ServerProcess(Environment.ProcessId).Read();

        Assert.NotNull(sample);
        Assert.True(sample.Value.ResidentBytes > 1024 * 1024);
        Assert.True(sample.Value.CpuTime > TimeSpan.Zero);
    }
}
