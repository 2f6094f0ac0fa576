using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Api;
using Restore.Engine.Common;
using Restore.Engine.Execution;
using Restore.Engine.Records;
using Restore.Engine.Storage;
using Restore.Engine.Velero;

namespace Restore.Benchmark;

/// <summary>How our restore is run: null leaves the engine's default.</summary>
/// <param name="Parallel">Items in flight (<c>-Parallel</c>).</param>
/// <param name="Qps">Client-side requests per second (<c>-Qps</c>).</param>
/// <param name="Burst">Client-side burst (<c>-Burst</c>).</param>
public sealed record EngineSettings(int? Parallel, double? Qps, int? Burst)
{
    /// <summary>Velero's strategy: one item at a time.</summary>
    public static EngineSettings OneAtATime { get; } = new(1, null, null);

    /// <summary>One item at a time without the client-side rate limit in the way: the strategy alone.</summary>
    public static EngineSettings OneAtATimeUnlimited { get; } = new(1, 5000, 10000);

    /// <summary>Everything at its default.</summary>
    public static EngineSettings Default { get; } = new(null, null, null);

    /// <summary>The arguments for <c>apply-measure</c>.</summary>
    public IEnumerable<string> Arguments()
    {
        if (Parallel is { } p)
        {
            yield return "--parallel";
            yield return p.ToString(CultureInfo.InvariantCulture);
        }

        if (Qps is { } q)
        {
            yield return "--qps";
            yield return q.ToString(CultureInfo.InvariantCulture);
        }

        if (Burst is { } b)
        {
            yield return "--burst";
            yield return b.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = (Parallel is { } p ? $"-Parallel {p} " : string.Empty)
            + (Qps is { } q ? $"-Qps {q.ToString(CultureInfo.InvariantCulture)} " : string.Empty)
            + (Burst is { } b ? $"-Burst {b} " : string.Empty);
        return text.Length == 0 ? "defaults" : text.TrimEnd();
    }
}

/// <summary>One run of our restore: the result, or why it could not run.</summary>
/// <param name="Settings">The settings used.</param>
/// <param name="Result">The measurement.</param>
/// <param name="Unavailable">Why there is no measurement.</param>
public sealed record EngineRun(EngineSettings Settings, ApplyResult? Result, string? Unavailable);

/// <summary>
/// Our restore, <c>RestoreEngine.RunAsync</c> as New-Restore calls it (read the backup, plan, create, write the
/// record into the storage location), into a fresh test API server. Measured in a child process (<c>apply-measure</c>)
/// so its JIT, GC and peak working set are its own, as in a new PowerShell session.
/// </summary>
public static class EngineApply
{
    /// <summary>Restores the backup (the first <paramref name="shards"/> shards of it) into a fresh server with <paramref name="latencyMs"/>.</summary>
    public static async Task<EngineRun> RunAsync(PreparedBackup backup, int latencyMs, EngineSettings settings, int shards, string scratch)
    {
        var server = await ApiServerProcess.StartAsync(latencyMs, scratch);
        var args = new List<string> { "--location", backup.Folder, "--backup", backup.Scenario.Name, "--kubeconfig", server.Kubeconfig, "--shards", shards.ToString(CultureInfo.InvariantCulture) };
        args.AddRange(settings.Arguments());
        ApplyResult result;
        try
        {
            result = await ChildProcess.RunAsync<ApplyResult>("apply-measure", args);
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains(nameof(NotImplementedException), StringComparison.Ordinal))
        {
            return new EngineRun(settings, null, "RestoreEngine.RunAsync is not implemented yet on this branch (the execution helper's facade has no body)");
        }
        finally
        {
            await server.DisposeAsync();
        }

        return new EngineRun(settings, result with { Requests = server.Requests }, null);
    }

    /// <summary>Writes the restore into <paramref name="directory"/> with the engine's folder target (the manifests kubectl gets).</summary>
    public static async Task<int> ToDirectoryAsync(PreparedBackup backup, int shards, string directory)
    {
        using var location = StorageLocation.Open(new StorageLocationOptions { Location = backup.Folder }, NullEngineLog.Instance);
        var request = new RestoreRequest
        {
            Name = UniqueName(backup.Scenario.Name),
            Spec = PlannedObjects.Spec(backup.Scenario.Name, shards),
            ToDirectory = directory,
        };
        var result = await new RestoreEngine(location, NullEngineLog.Instance).RunAsync(request, null, null, CancellationToken.None);
        if (result.Phase != "Completed")
        {
            throw new InvalidOperationException($"the restore into {directory} ended {result.Phase}: {result.Record.FailureReason}");
        }

        return result.Record.ItemsRestored;
    }

    /// <summary>The child side: one restore, then one JSON line with the result.</summary>
    public static async Task<int> ChildAsync(string[] args)
    {
        var backupName = ChildProcess.Value(args, "--backup")!;
        var shards = int.Parse(ChildProcess.Value(args, "--shards") ?? "10", CultureInfo.InvariantCulture);
        var request = new RestoreRequest
        {
            Name = UniqueName(backupName),
            Spec = PlannedObjects.Spec(backupName, shards),
            KubeConfig = ChildProcess.Value(args, "--kubeconfig"),
        };
        var settings = new EngineSettings(
            ChildProcess.Value(args, "--parallel") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : null,
            ChildProcess.Value(args, "--qps") is { } q ? double.Parse(q, CultureInfo.InvariantCulture) : null,
            ChildProcess.Value(args, "--burst") is { } b ? int.Parse(b, CultureInfo.InvariantCulture) : null);
        request.Parallel = settings.Parallel ?? request.Parallel;
        request.Qps = settings.Qps ?? request.Qps;
        request.Burst = settings.Burst ?? request.Burst;

        long created = 0, failed = 0, other = 0;
        string? firstFailure = null;
        void OnItem(RestoreItemOutcome outcome)
        {
            switch (outcome.Action)
            {
                case ItemRestoreAction.Created:
                    Interlocked.Increment(ref created);
                    break;
                case ItemRestoreAction.Failed:
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstFailure, $"{outcome.Resource}/{outcome.Namespace}/{outcome.Name}: {outcome.Message}", null);
                    break;
                default:
                    Interlocked.Increment(ref other);
                    break;
            }
        }

        var clock = Stopwatch.StartNew();
        var phases = new PhaseClock(clock);
        using var location = StorageLocation.Open(new StorageLocationOptions { Location = ChildProcess.Value(args, "--location")! }, NullEngineLog.Instance);
        var result = await new RestoreEngine(location, NullEngineLog.Instance).RunAsync(request, phases, outcome => { OnItem(outcome); phases.ItemDone(); }, CancellationToken.None);
        var seconds = clock.Elapsed.TotalSeconds;
        using var process = Process.GetCurrentProcess();
        var note = $"{settings}, {result.Phase}" + (firstFailure is null ? string.Empty : $", first failure: {firstFailure}") + (other > 0 ? $", {other} skipped or updated" : string.Empty);
        Console.WriteLine(JsonSerializer.Serialize(new ApplyResult(created + failed + other, created, seconds, note, process.PeakWorkingSet64, null, phases.Describe(seconds))));
        return 0;
    }

    /// <summary>
    /// Timestamps the engine's progress phases, synchronously on the reporting thread: start to Connecting (validate,
    /// claim the name, load the backup), Connecting to Planning (kubeconfig, discovery, identity), Planning to the first
    /// tier (cluster state and the planner), then to the last item (creates), then to the end (final record and files).
    /// </summary>
    private sealed class PhaseClock : IProgress<RunProgress>
    {
        private readonly Stopwatch clock;
        private double connecting = -1, planning = -1, restoring = -1, lastItem = -1;

        public PhaseClock(Stopwatch clock) => this.clock = clock;

        public void Report(RunProgress value)
        {
            var now = clock.Elapsed.TotalSeconds;
            lock (this)
            {
                switch (value.Phase)
                {
                    case "Connecting" when connecting < 0:
                        connecting = now;
                        break;
                    case "Planning" when planning < 0:
                        planning = now;
                        break;
                    case "InProgress" or "Restoring" when planning >= 0 && restoring < 0:
                        restoring = now;
                        break;
                }
            }
        }

        public void ItemDone()
        {
            var now = clock.Elapsed.TotalSeconds;
            lock (this)
            {
                lastItem = Math.Max(lastItem, now);
            }
        }

        public string Describe(double end)
        {
            lock (this)
            {
                if (connecting < 0 || planning < 0 || restoring < 0 || lastItem < 0)
                {
                    return "phases not reported";
                }

                return string.Create(CultureInfo.InvariantCulture, $"load backup {connecting:F2} s, connect {planning - connecting:F2} s, plan {restoring - planning:F2} s, create {lastItem - restoring:F2} s, finish {end - lastItem:F2} s");
            }
        }
    }

    private static string UniqueName(string backupName) => backupName + "-" + Guid.NewGuid().ToString("N").Substring(0, 10);

    /// <summary>The sweep candidates worth trying, strongest last.</summary>
    public static IReadOnlyList<EngineSettings> SweepCandidates(bool quick) => quick
        ? new[] { new EngineSettings(64, 5000, 10000) }
        : new[] { new EngineSettings(16, 5000, 10000), new EngineSettings(32, 5000, 10000), new EngineSettings(64, 5000, 10000), new EngineSettings(128, 5000, 10000) }.ToArray();
}
