using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Archive;
using Restore.Engine.Common;
using Restore.Engine.Planning;
using Restore.Engine.Storage;
using Restore.Engine.Velero;
using Restore.TestSupport;

namespace Restore.Benchmark;

/// <summary>
/// The plan stage: read a backup from its storage location, filter, transform and order it (the planner), as a
/// restore does before it sends anything. Measured in a child process (<c>plan-measure</c>) so its peak working set is
/// its own. The planned objects are produced one by one and dropped, as the restore streams them to the cluster.
/// </summary>
public static class PlanStage
{
    /// <summary>Measures one backup at one location in a fresh process.</summary>
    public static Task<PlanResult> MeasureAsync(IReadOnlyList<string> target) => ChildProcess.RunAsync<PlanResult>("plan-measure", target);

    /// <summary>The child side: plans the backup twice (first run, then warm) and prints one JSON line.</summary>
    public static async Task<int> ChildAsync(string[] args)
    {
        var options = Location(args);
        var backupName = ChildProcess.Value(args, "--backup")!;

        var first = await RunOnceAsync(options, backupName);
        using (var process = Process.GetCurrentProcess())
        {
            // The peak of the first run alone: what a user's fresh session needs.
            first = first with { PeakWorkingSet = process.PeakWorkingSet64 };
        }

        var warm = await RunOnceAsync(options, backupName);
        Console.WriteLine(JsonSerializer.Serialize(first with { WarmSeconds = warm.Seconds, WarmReadSeconds = warm.ReadSeconds }));
        return 0;
    }

    /// <summary>Storage options from <c>--location</c> and, for s3rver, <c>--endpoint</c>.</summary>
    internal static StorageLocationOptions Location(string[] args)
    {
        var options = new StorageLocationOptions { Location = ChildProcess.Value(args, "--location")! };
        if (ChildProcess.Value(args, "--endpoint") is { } endpoint)
        {
            options.Endpoint = endpoint;
            options.AccessKeyId = S3rverServer.AccessKey;
            options.WithSecretAccessKey(S3rverServer.AccessKey);
        }

        return options;
    }

    /// <summary>Reads the backup into memory: metadata and contents.</summary>
    internal static async Task<(Backup Backup, BackupContents Contents)> ReadAsync(StorageLocationOptions options, string backupName, CancellationToken cancellationToken)
    {
        using var location = StorageLocation.Open(options, NullEngineLog.Instance);
        var store = new BackupStore(location, null);
        var backup = await store.GetBackupAsync(backupName, cancellationToken);
        using var tarball = await store.OpenTarballAsync(backupName, cancellationToken);
        var contents = await BackupArchiveReader.LoadAsync(tarball, null, cancellationToken);
        return (backup, contents);
    }

    /// <summary>The planner request a default restore of the whole backup makes.</summary>
    internal static RestorePlanRequest Request(Backup backup, BackupContents contents, RestoreSpec? spec = null) =>
        new(contents, spec ?? new RestoreSpec { BackupName = backup.Name }, BackupResourceCatalog.Create(contents))
        {
            RestoreName = backup.Name + "-bench",
            BackupFormatVersion = backup.FormatVersion,
            IncludeExcludedItems = false,
        };

    private static async Task<PlanResult> RunOnceAsync(StorageLocationOptions options, string backupName)
    {
        var gcBefore = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var clock = Stopwatch.StartNew();
        var (backup, contents) = await ReadAsync(options, backupName, CancellationToken.None);
        var read = clock.Elapsed.TotalSeconds;

        // Live heap after the read (not timed): the backup held in memory.
        clock.Stop();
        var peakLive = GC.GetTotalMemory(forceFullCollection: true);
        clock.Start();

        var stream = new RestorePlanner().Stream(Request(backup, contents), CancellationToken.None);
        long creates = 0, bytes = 0, seen = 0;
        foreach (var item in stream)
        {
            if (item.Decision == PlanDecision.Create)
            {
                creates++;
                bytes += item.ObjectUtf8?.Length ?? 0;
            }

            if (++seen % 25_000 == 0)
            {
                clock.Stop();
                peakLive = Math.Max(peakLive, GC.GetTotalMemory(forceFullCollection: true));
                clock.Start();
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        if (stream.Plan.FailedValidation || stream.Plan.Summary.Failed > 0)
        {
            throw new InvalidOperationException($"the plan failed: {string.Join("; ", stream.Plan.ValidationErrors)} {stream.Plan.Summary}");
        }

        GC.KeepAlive(contents);
        return new PlanResult(
            contents.ItemCount,
            creates,
            bytes,
            read,
            seconds,
            0,
            0,
            0,
            peakLive,
            GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2) - gcBefore,
            GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore);
    }
}

/// <summary>One plan-stage measurement (first run, unless named warm).</summary>
/// <param name="BackupItems">Items in the backup.</param>
/// <param name="Creates">Planned creates (items plus namespaces to ensure).</param>
/// <param name="ObjectBytes">Bytes of the planned objects.</param>
/// <param name="ReadSeconds">Reading the backup into memory.</param>
/// <param name="Seconds">Read and plan.</param>
/// <param name="WarmReadSeconds">Reading, second run in the same process.</param>
/// <param name="WarmSeconds">Read and plan, second run.</param>
/// <param name="PeakWorkingSet">Peak working set after the first run.</param>
/// <param name="PeakLiveHeap">Largest live managed heap seen (after full collections).</param>
/// <param name="Collections">Garbage collections during the first run.</param>
/// <param name="AllocatedBytes">Bytes allocated during the first run.</param>
public sealed record PlanResult(
    long BackupItems,
    long Creates,
    long ObjectBytes,
    double ReadSeconds,
    double Seconds,
    double WarmReadSeconds,
    double WarmSeconds,
    long PeakWorkingSet,
    long PeakLiveHeap,
    int Collections,
    long AllocatedBytes);
