using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace Restore.Benchmark;

/// <summary>The machine the benchmark ran on, for the report.</summary>
public sealed class MachineInfo
{
    /// <summary>CPU model.</summary>
    public string Cpu { get; init; } = "unknown CPU";

    /// <summary>Logical cores.</summary>
    public int Cores { get; init; }

    /// <summary>Physical memory, GiB (0 when unknown).</summary>
    public double MemoryGiB { get; init; }

    /// <summary>Operating system.</summary>
    public string Os { get; init; } = RuntimeInformation.OSDescription;

    /// <summary>.NET runtime.</summary>
    public string Runtime { get; init; } = RuntimeInformation.FrameworkDescription;

    /// <summary>Load average when the run started (Linux).</summary>
    public string LoadBefore { get; init; } = string.Empty;

    /// <summary>Load average when the run ended (Linux).</summary>
    public string LoadAfter { get; set; } = string.Empty;

    /// <summary>One line.</summary>
    public string Summary => $"{Cores} cores ({Cpu}), {MemoryGiB:F0} GiB, {Os}, {Runtime}" + (LoadBefore.Length == 0 ? string.Empty : $", load average {LoadBefore}");

    /// <summary>Reads what the OS tells.</summary>
    public static MachineInfo Describe()
    {
        var cpu = "unknown CPU";
        double memory = 0;
        if (File.Exists("/proc/cpuinfo"))
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }

        if (File.Exists("/proc/meminfo"))
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (line is not null && long.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], out var kib))
            {
                memory = kib / 1048576.0;
            }
        }

        return new MachineInfo { Cpu = cpu, Cores = Environment.ProcessorCount, MemoryGiB = memory, LoadBefore = LoadAverage() };
    }

    /// <summary>The 1, 5 and 15 minute load averages, or empty.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : string.Empty;
}
