using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Records;
using Restore.Engine.Storage;
using Restore.Engine.Velero;

namespace Restore.Engine.Execution;

/// <summary>Timings of the record writes; tests shorten them.</summary>
internal sealed class RunTimings
{
    /// <summary>How often the record and log are written while the restore runs (when they changed).</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The record is rewritten at least this often as a heartbeat, changed or not.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest time one storage write may take before it counts as failed.</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Tries for each final file before falling back to a local folder.</summary>
    public int FinalWriteAttempts { get; set; } = 4;

    /// <summary>Wait before the second try of a final write; doubles for each later try.</summary>
    public TimeSpan FinalWriteRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Where fallback copies go; null for the system temp folder.</summary>
    public string? FallbackRoot { get; set; }
}

/// <summary>The files written when a restore ends, in Velero's order (docs/velero-compatibility.md#restore-files) and then ours.</summary>
internal sealed class FinalFiles
{
    public FinalFiles(RestoreResults results, RestoredResourceList resourceList, IReadOnlyList<RestoreItemOutcome> outcomes, JsonArray volumeInfo)
    {
        Results = results;
        ResourceList = resourceList;
        Outcomes = outcomes;
        VolumeInfo = volumeInfo;
    }

    public RestoreResults Results { get; }

    public RestoredResourceList ResourceList { get; }

    public IReadOnlyList<RestoreItemOutcome> Outcomes { get; }

    public JsonArray VolumeInfo { get; }
}

/// <summary>
/// Writes the record and the log while the restore runs (every <see cref="RunTimings.FlushInterval"/>, only when they
/// changed; the record also as a heartbeat), and everything at the end. Storage failures never stop the restore: they
/// are reported, later flushes try again, and if the final files still cannot be written they go to a local folder.
/// </summary>
internal sealed class RecordFlusher
{
    private readonly RunState state;
    private readonly RestoreRecordStore store;
    private readonly RunTimings timings;
    private readonly string location;
    private readonly List<string> problems = new();
    private readonly CancellationTokenSource stop = new();
    private readonly SemaphoreSlim writing = new(1, 1);
    private Task loop = Task.CompletedTask;
    private int writtenVersion = -1;
    private int writtenLogVersion = -1;
    private int writtenItemsVersion = -1;
    private DateTime nextItemsWrite = DateTime.MinValue;
    private DateTime lastRecordWrite = DateTime.MinValue;
    private DateTime nextLogWrite = DateTime.MinValue;
    private bool failing;

    public RecordFlusher(RunState state, RestoreRecordStore store, RunTimings timings, string location)
    {
        this.state = state;
        this.store = store;
        this.timings = timings;
        this.location = location;
    }

    /// <summary>Storage failures met so far (one line per failure episode).</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (problems)
            {
                return problems.ToArray();
            }
        }
    }

    /// <summary>True while the last write attempt failed.</summary>
    public bool IsFailing => Volatile.Read(ref failing);

    public void Start() => loop = Task.Run(LoopAsync);

    public async Task StopAsync()
    {
        stop.Cancel();
        await loop.ConfigureAwait(false);
    }

    /// <summary>Writes the record and log now if they changed (also used for the first InProgress state).</summary>
    public async Task FlushAsync()
    {
        await writing.WaitAsync().ConfigureAwait(false);
        try
        {
            var version = state.Version;
            var now = DateTime.UtcNow;
            if (version != writtenVersion || now - lastRecordWrite >= timings.HeartbeatInterval)
            {
                await WithTimeoutAsync(ct => store.WriteRecordAsync(state.SnapshotRecord(), ct)).ConfigureAwait(false);
                writtenVersion = version;
                lastRecordWrite = now;
            }

            var logVersion = state.Log.Version;
            if (logVersion != writtenLogVersion && DateTime.UtcNow >= nextLogWrite)
            {
                // A long log costs more to gzip and upload; space the uploads so that they stay a small share of the run.
                var watch = Stopwatch.StartNew();
                var gzip = state.Log.GetGzip();
                await WithTimeoutAsync(ct => store.WriteLogAsync(state.Record.Name, gzip, ct)).ConfigureAwait(false);
                writtenLogVersion = logVersion;
                var pause = TimeSpan.FromTicks(Math.Max(timings.FlushInterval.Ticks, watch.Elapsed.Ticks * 10));
                nextLogWrite = DateTime.UtcNow + pause - timings.FlushInterval;
            }

            // Item outcomes and results so far, so Get-RestoreItem and Get-Restore show what is done while the restore runs;
            // spaced like the log, as both grow with the run.
            var itemsVersion = state.Version;
            if (itemsVersion != writtenItemsVersion && DateTime.UtcNow >= nextItemsWrite)
            {
                var watch = Stopwatch.StartNew();
                var outcomes = state.Outcomes.ToList();
                var results = state.MergedResults();
                await WithTimeoutAsync(ct => store.WriteItemOutcomesAsync(state.Record.Name, outcomes, ct)).ConfigureAwait(false);
                await WithTimeoutAsync(ct => store.WriteResultsAsync(state.Record.Name, results, ct)).ConfigureAwait(false);
                writtenItemsVersion = itemsVersion;
                var pause = TimeSpan.FromTicks(Math.Max(timings.FlushInterval.Ticks, watch.Elapsed.Ticks * 10));
                nextItemsWrite = DateTime.UtcNow + pause - timings.FlushInterval;
            }

            if (failing)
            {
                failing = false;
                state.Log.Info($"The storage location {location} can be written again; the record and log are up to date");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            NoteFailure(ex);
        }
        finally
        {
            writing.Release();
        }
    }

    /// <summary>
    /// Writes the final files, each retried a few times. Returns null when everything reached the storage location,
    /// otherwise the local folder that now holds the complete set.
    /// </summary>
    public async Task<string?> WriteFinalAsync(FinalFiles files)
    {
        var name = state.Record.Name;
        var failed = false;
        await writing.WaitAsync().ConfigureAwait(false);
        try
        {
            failed |= !await TryFinalAsync("log", ct => store.WriteLogAsync(name, state.Log.GetGzip(), ct)).ConfigureAwait(false);
            failed |= !await TryFinalAsync("results", ct => store.WriteResultsAsync(name, files.Results, ct)).ConfigureAwait(false);
            failed |= !await TryFinalAsync("resource list", ct => store.WriteResourceListAsync(name, files.ResourceList, ct)).ConfigureAwait(false);
            failed |= !await TryFinalAsync("item operations and volume info", ct => store.WriteOperationsAndVolumeInfoAsync(name, files.VolumeInfo, ct)).ConfigureAwait(false);
            failed |= !await TryFinalAsync("item outcomes", ct => store.WriteItemOutcomesAsync(name, files.Outcomes, ct)).ConfigureAwait(false);

            // The record goes last, so a terminal phase means every other file is there.
            failed |= !await TryFinalAsync("record", ct => store.WriteRecordAsync(state.SnapshotRecord(), ct)).ConfigureAwait(false);
        }
        finally
        {
            writing.Release();
        }

        return failed ? await WriteFallbackAsync(files).ConfigureAwait(false) : null;
    }

    private async Task LoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(timings.FlushInterval, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await FlushAsync().ConfigureAwait(false);
        }
    }

    private async Task<bool> TryFinalAsync(string what, Func<CancellationToken, Task> write)
    {
        var delay = timings.FinalWriteRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await WithTimeoutAsync(write).ConfigureAwait(false);
                return true;
            }
            catch (Exception ex)
            {
                if (attempt >= Math.Max(1, timings.FinalWriteAttempts))
                {
                    NoteFailure(ex, what);
                    return false;
                }
            }

            await Task.Delay(delay).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(delay.Ticks * 2);
        }
    }

    private async Task<string?> WriteFallbackAsync(FinalFiles files)
    {
        var root = timings.FallbackRoot ?? Path.GetTempPath();
        var folder = Path.Combine(root, "restore-" + state.Record.Name + "-" + state.Record.Uid.Substring(0, Math.Min(8, state.Record.Uid.Length)));
        var message = $"The storage location {location} could not be written; the record, log and results of restore {state.Record.Name} are kept in {folder}";
        state.Log.Warning(message);
        lock (problems)
        {
            problems.Add(message);
        }

        try
        {
            Directory.CreateDirectory(folder);
            using var local = new LocalFolderObjectStore(folder);
            var localStore = new RestoreRecordStore(local, new ObjectStoreLayout(string.Empty));
            var name = state.Record.Name;
            await localStore.WriteLogAsync(name, state.Log.GetGzip(), CancellationToken.None).ConfigureAwait(false);
            await localStore.WriteResultsAsync(name, files.Results, CancellationToken.None).ConfigureAwait(false);
            await localStore.WriteResourceListAsync(name, files.ResourceList, CancellationToken.None).ConfigureAwait(false);
            await localStore.WriteOperationsAndVolumeInfoAsync(name, files.VolumeInfo, CancellationToken.None).ConfigureAwait(false);
            await localStore.WriteItemOutcomesAsync(name, files.Outcomes, CancellationToken.None).ConfigureAwait(false);
            await localStore.WriteRecordAsync(state.SnapshotRecord(), CancellationToken.None).ConfigureAwait(false);
            return folder;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or StorageException)
        {
            var lost = $"The record of restore {state.Record.Name} could not be saved anywhere: {location} failed and so did {folder} ({ex.Message})";
            lock (problems)
            {
                problems.Add(lost);
            }

            state.Log.Warning(lost);

            return null;
        }
    }

    private async Task WithTimeoutAsync(Func<CancellationToken, Task> write)
    {
        using var timeout = new CancellationTokenSource(timings.WriteTimeout);
        try
        {
            await write(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"writing to {location} took longer than {timings.WriteTimeout.TotalSeconds:0} seconds");
        }
    }

    private void NoteFailure(Exception ex, string? what = null)
    {
        if (failing && what is null)
        {
            return;
        }

        failing = true;
        var message = what is null
            ? $"Could not write the restore record or log to {location}; the restore goes on and tries again: {ex.Message}"
            : $"Could not write the restore's {what} to {location}: {ex.Message}";
        lock (problems)
        {
            problems.Add(message);
        }

        state.Log.Warning(message);
    }
}
