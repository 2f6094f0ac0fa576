using System;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;

namespace Restore.Benchmark;

/// <summary>Benchmark entry point: <c>dotnet run --project tests/Restore.Benchmark -- &lt;mode&gt; [options]</c>.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static async Task<int> Main(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : string.Empty;
        switch (mode)
        {
            case "backup-read":
                return await BackupReadBenchmark.RunAsync(args);
            case "backup-read-measure":
                return await BackupReadBenchmark.MeasureAsync(args);
            case "restore":
                return await RestoreBenchmark.RunAsync(args[1..]);
            case "plan-measure":
                return await PlanStage.ChildAsync(args);
            case "api-server":
                return await ApiServerProcess.HostAsync(args);
            case "apply-measure":
                return await EngineApply.ChildAsync(args);
            case "plan-profile":
                return await PlanProfile.RunAsync(args);
            case "apply":
                return await ApplyOnceAsync(args);
            case "generate":
                return await GenerateAsync(args);
            case "sample":
                return SampleCommand.Run(args);
            default:
                Console.Error.WriteLine("usage: Restore.Benchmark restore [--quick] [--no-s3] [--no-kubectl] [--latencies 2,10] [--sample N] [--out FILE | --no-write] | backup-read [--quick] | sample [--out DIR]");
                return 2;
        }
    }

    /// <summary>
    /// <c>apply --scenario mix-10k [--latency-ms 2] [--parallel N] [--qps Q] [--burst B] [--shards S]</c>: one restore of one
    /// generated backup into a fresh server, printed (for exploring settings and profiling).
    /// </summary>
    private static async Task<int> ApplyOnceAsync(string[] args)
    {
        var scenario = Scenario.Parse(ChildProcess.Value(args, "--scenario") ?? "mix-10k");
        var scratch = Path.Combine(Path.GetTempPath(), "restore-bench-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        try
        {
            using var backup = await PreparedBackup.CreateAsync(scenario, scratch, null);
            var settings = new EngineSettings(
                ChildProcess.Value(args, "--parallel") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : null,
                ChildProcess.Value(args, "--qps") is { } q ? double.Parse(q, CultureInfo.InvariantCulture) : null,
                ChildProcess.Value(args, "--burst") is { } b ? int.Parse(b, CultureInfo.InvariantCulture) : null);
            var latency = int.Parse(ChildProcess.Value(args, "--latency-ms") ?? "2", CultureInfo.InvariantCulture);
            var shards = int.Parse(ChildProcess.Value(args, "--shards") ?? "10", CultureInfo.InvariantCulture);
            var run = await EngineApply.RunAsync(backup, latency, settings, shards, scratch);
            Console.WriteLine(run.Result is { } r
                ? $"{r.Created:N0}/{r.Items:N0} in {r.Seconds:F2} s = {r.ItemsPerSecond:N0} items/s, peak {r.PeakWorkingSet / 1048576:N0} MiB ({r.Note}; server: {r.Requests}; {r.Phases})"
                : run.Unavailable);
            return 0;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary><c>generate --scenario mix-100k --out DIR</c>: writes one scenario's backup into a folder (for profiling).</summary>
    private static async Task<int> GenerateAsync(string[] args)
    {
        var scenario = Scenario.Parse(ChildProcess.Value(args, "--scenario") ?? "mix-10k");
        var folder = ChildProcess.Value(args, "--out") ?? throw new ArgumentException("--out is required");
        // Not disposed: the folder is the output.
        var backup = await PreparedBackup.CreateAsync(scenario, folder, null);
        Console.WriteLine($"{scenario.Description}: {backup.Folder} (backup {scenario.Name})");
        return 0;
    }
}
