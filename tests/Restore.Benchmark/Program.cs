using System;
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
            case "sample":
                return SampleCommand.Run(args);
            default:
                Console.Error.WriteLine("usage: Restore.Benchmark backup-read [--quick] | sample [--out DIR]");
                return 2;
        }
    }
}
