using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Archive;
using Restore.Engine.Common;
using Restore.Engine.Storage;
using Restore.TestSupport;

namespace Restore.Benchmark;

/// <summary>
/// <c>backup-read [--quick]</c>: how fast and in how much memory a backup is read, from a local folder, from
/// s3rver and from Azurite (Azure Blob Storage; <c>--no-azure</c> leaves it out). Each measurement runs in a child process (<c>backup-read-measure</c>) so its peak working set is its own.
/// Modes: <c>scan</c> (Get-BackupItem: stream, decode apiVersion/kind, drop), <c>parse</c> (stream and build a
/// JsonNode per item, as a restore does, then drop), <c>load</c> (everything into BackupContents, for contrast).
/// </summary>
public static class BackupReadBenchmark
{
    private const string BackupName = "bench";

    /// <summary>Runs the whole benchmark and prints a markdown table.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var quick = Array.IndexOf(args, "--quick") >= 0;
        var sizes = Value(args, "--items") is { } list
            ? Array.ConvertAll(list.Split(','), s => int.Parse(s, CultureInfo.InvariantCulture))
            : quick ? new[] { 10_000 } : new[] { 10_000, 100_000 };
        var modes = Value(args, "--modes")?.Split(',') ?? new[] { "scan", "parse", "load" };
        var rows = new List<string>();
        Console.WriteLine($"backup-read{(quick ? " --quick" : string.Empty)}: {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        using var s3 = S3rverServer.UnavailableReason is null && Array.IndexOf(args, "--no-s3") < 0 ? S3rverServer.Start() : null;
        if (s3 is null)
        {
            Console.WriteLine("s3rver skipped: " + S3rverServer.UnavailableReason);
        }

        using var azurite = AzuriteServer.UnavailableReason is null && Array.IndexOf(args, "--no-azure") < 0 ? AzuriteServer.Start() : null;
        if (azurite is null)
        {
            Console.WriteLine("Azurite skipped: " + (AzuriteServer.UnavailableReason ?? "--no-azure"));
        }

        foreach (var size in sizes)
        {
            var folder = Path.Combine(Path.GetTempPath(), "restore-bench-" + Guid.NewGuid().ToString("N"));
            try
            {
                var clock = Stopwatch.StartNew();
                var builder = BenchmarkItems.AddItems(new VeleroBackupBuilder(BackupName), size);
                var built = clock.Elapsed;
                clock.Restart();
                builder.WriteToFolder(folder);
                var written = clock.Elapsed;
                var tarball = new FileInfo(Path.Combine(folder, "backups", BackupName, BackupName + ".tar.gz")).Length;
                Console.WriteLine($"{size} items: built in {built.TotalSeconds:F1} s, written in {written.TotalSeconds:F1} s, tarball {tarball / 1048576.0:F1} MiB");

                var targets = new List<(string Name, string[] Args)> { ("local folder", new[] { "--location", folder }) };
                if (s3 is not null)
                {
                    var bucket = await s3.CreateBucketAsync();
                    using (var store = S3ObjectStore.Create(s3.Options(bucket), NullEngineLog.Instance))
                    {
                        await builder.WriteToAsync(store);
                    }

                    targets.Add(("s3rver", new[] { "--location", "s3://" + bucket, "--endpoint", s3.Endpoint }));
                }

                if (azurite is not null)
                {
                    var container = await azurite.CreateContainerAsync();
                    using (var store = Restore.Engine.Storage.Azure.AzureBlobObjectStore.Create(azurite.Options(container), NullEngineLog.Instance))
                    {
                        await builder.WriteToAsync(store);
                    }

                    targets.Add(("Azurite", new[] { "--location", $"{azurite.ServiceUrl}/{container}", "--azurite-key" }));
                }

                foreach (var (name, target) in targets)
                {
                    foreach (var mode in modes)
                    {
                        var result = Measure(target, mode);
                        var line = $"| {name} | {size:N0} | {mode} | {result.ColdSeconds:F2} s | {result.Items / result.ColdSeconds:N0} | {result.Seconds:F2} s | {result.Items / result.Seconds:N0} | {result.PeakWorkingSet / 1048576.0:F0} MiB | {result.PeakManaged / 1048576.0:F1} MiB |";
                        rows.Add(line);
                        Console.WriteLine(line);
                    }
                }
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        Console.WriteLine();
        Console.WriteLine("| Location | Items | Mode | First run | Items/s | Warm run | Items/s | Peak working set | Peak live heap |");
        Console.WriteLine("|---|---:|---|---:|---:|---:|---:|---:|---:|");
        rows.ForEach(Console.WriteLine);
        return 0;
    }

    /// <summary>The child side: measures one mode against one location and prints one JSON line.</summary>
    public static async Task<int> MeasureAsync(string[] args)
    {
        var options = new StorageLocationOptions { Location = Value(args, "--location")! };
        if (Value(args, "--endpoint") is { } endpoint)
        {
            options.Endpoint = endpoint;
            options.AccessKeyId = S3rverServer.AccessKey;
            options.WithSecretAccessKey(S3rverServer.AccessKey);
        }

        if (Array.IndexOf(args, "--azurite-key") >= 0)
        {
            options.AccessKeyId = AzuriteServer.Account;
            options.WithSecretAccessKey(AzuriteServer.AccountKey);
        }

        var mode = Value(args, "--mode") ?? "scan";
        var peakManaged = 0L;
        var clock = new Stopwatch();
        void Sample(long count)
        {
            // The live heap after a full collection, every 10,000 items; the collection is not timed.
            if (count % 10_000 == 0)
            {
                clock.Stop();
                peakManaged = Math.Max(peakManaged, GC.GetTotalMemory(forceFullCollection: true));
                clock.Start();
            }
        }

        async Task<long> Once()
        {
            using var location = StorageLocation.Open(options, NullEngineLog.Instance);
            var store = new BackupStore(location, null);
            long items = 0;
            using var tarball = await store.OpenTarballAsync(BackupName, CancellationToken.None);
            switch (mode)
            {
                case "scan":
                    await BackupItemScanner.ScanAsync(tarball, null, null, _ => Sample(++items), null, null, CancellationToken.None);
                    break;
                case "parse":
                    using (var reader = await BackupArchiveReader.OpenAsync(tarball, null, null, CancellationToken.None))
                    {
                        while (await reader.ReadNextAsync(CancellationToken.None) is { } entry)
                        {
                            if (BackupItemPath.TryParse(entry.Path, out _, out _, out _))
                            {
                                var node = JsonNode.Parse(await entry.ReadContentAsync(CancellationToken.None));
                                if (node is not JsonObject)
                                {
                                    throw new InvalidDataException(entry.Path);
                                }

                                Sample(++items);
                            }
                        }
                    }

                    break;
                default:
                    var contents = await BackupArchiveReader.LoadAsync(tarball, null, CancellationToken.None);
                    items = contents.ItemCount;
                    clock.Stop();
                    peakManaged = Math.Max(peakManaged, GC.GetTotalMemory(forceFullCollection: true));
                    clock.Start();
                    GC.KeepAlive(contents);
                    break;
            }

            return items;
        }

        // First run: a fresh process, as a user's first command in a new PowerShell session. Second run: warm.
        clock.Start();
        var items = await Once();
        var cold = clock.Elapsed.TotalSeconds;
        clock.Restart();
        await Once();
        var seconds = clock.Elapsed.TotalSeconds;
        using var process = Process.GetCurrentProcess();
        Console.WriteLine(JsonSerializer.Serialize(new MeasureResult(items, cold, seconds, process.PeakWorkingSet64, peakManaged)));
        return 0;
    }

    private static MeasureResult Measure(string[] target, string mode)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(BackupReadBenchmark).Assembly.Location);
        }

        start.ArgumentList.Add("backup-read-measure");
        foreach (var argument in target)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--mode");
        start.ArgumentList.Add(mode);
        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"backup-read-measure {mode} failed ({child.ExitCode}): {output}");
        }

        var last = output.TrimEnd().Split('\n')[^1];
        return JsonSerializer.Deserialize<MeasureResult>(last) ?? throw new InvalidOperationException("no result: " + output);
    }

    private static string? Value(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    /// <summary>One measurement.</summary>
    public sealed record MeasureResult(long Items, double ColdSeconds, double Seconds, long PeakWorkingSet, long PeakManaged);
}

/// <summary><c>sample [--out DIR]</c>: regenerates examples/backups.</summary>
public static class SampleCommand
{
    /// <summary>Writes the sample backup.</summary>
    public static int Run(string[] args)
    {
        var at = Array.IndexOf(args, "--out");
        var folder = at >= 0 && at + 1 < args.Length ? args[at + 1] : SampleBackup.CommittedLocation;
        SampleBackup.Write(folder);
        Console.WriteLine($"Wrote the '{SampleBackup.Name}' backup to {Path.GetFullPath(folder)}");
        return 0;
    }
}
