using System.Globalization;

namespace Community.LoadTests.Metrics;

/// <summary>One reading of a process: CPU time used so far and resident memory.</summary>
public readonly record struct ProcessSample(long Timestamp, TimeSpan CpuTime, long ResidentBytes);

/// <summary>
/// Reads the server's CPU time and resident memory from <c>/proc/&lt;pid&gt;/stat</c> and <c>/proc/&lt;pid&gt;/status</c>,
/// the same way for a .NET and a Node.js server. Linux only; elsewhere (or once the process is gone) reads return null.
/// </summary>
public sealed class ServerProcess(int pid)
{
    /// <summary>
    /// The kernel's USER_HZ, the unit of utime/stime in <c>/proc/&lt;pid&gt;/stat</c>: 100 on every Linux ABI .NET runs
    /// on (it is fixed for user space, whatever the kernel's own tick rate is).
    /// </summary>
    public const int ClockTicksPerSecond = 100;

    public int Pid { get; } = pid;

    public ProcessSample? Read()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{Pid}/stat");
            var status = File.ReadAllText($"/proc/{Pid}/status");
            var timestamp = System.Diagnostics.Stopwatch.GetTimestamp();
            return ProcStat.CpuTicks(stat) is { } ticks && ProcStat.ResidentKiB(status) is { } kib
                ? new ProcessSample(timestamp, TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond), kib * 1024)
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>Parsers of the two <c>/proc</c> files, pure so that they can be tested on captured text.</summary>
public static class ProcStat
{
    /// <summary>
    /// utime + stime (fields 14 and 15) of a <c>/proc/&lt;pid&gt;/stat</c> line. The command name (field 2) is in
    /// parentheses and may itself hold spaces and parentheses, so fields are counted after the last ')'.
    /// </summary>
    public static long? CpuTicks(string stat)
    {
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        // After ") " come field 3 (state), 4, 5 …: utime is field 14, i.e. index 11 here.
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 12
            && long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var utime)
            && long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var stime)
                ? utime + stime
                : null;
    }

    /// <summary>The <c>VmRSS:</c> line of <c>/proc/&lt;pid&gt;/status</c>, in KiB.</summary>
    public static long? ResidentKiB(string status)
    {
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var value = line["VmRSS:".Length..].Trim();
                var space = value.IndexOf(' ');
                return long.TryParse(space < 0 ? value : value[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib : null;
            }
        }

        return null;
    }
}
