using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Records;
using Restore.Engine.Storage;
using Restore.Engine.Velero;

namespace Restore.Engine.Execution;

/// <summary>One New-Restore run: validate, claim, record while running, restore into every target, finish the record.</summary>
internal sealed class RestoreRun
{
    private readonly StorageLocation location;
    private readonly IEngineLog log;
    private readonly IObjectStore recordObjectStore;
    private readonly RunTimings timings;

    public RestoreRun(StorageLocation location, IEngineLog log, IObjectStore recordObjectStore, RunTimings timings)
    {
        this.location = location;
        this.log = log;
        this.recordObjectStore = recordObjectStore;
        this.timings = timings;
    }

    /// <summary>"N errors: first; second" — the reason a PartiallyFailed restore always carries.</summary>
    public static string Summarize(int errors, IReadOnlyList<string> first)
    {
        var count = errors == 1 ? "1 error" : errors.ToString(CultureInfo.InvariantCulture) + " errors";
        var shown = first.Select(e => e.Length > 300 ? e.Substring(0, 297) + "..." : e).ToList();
        var more = errors > shown.Count ? "; ..." : string.Empty;
        return shown.Count == 0 ? count : $"{count}: {string.Join("; ", shown)}{more}";
    }

    public async Task<RestoreRunResult> RunAsync(RestoreRequest request, IProgress<RunProgress>? progress, Action<RestoreItemOutcome>? onItem, CancellationToken cancellationToken)
    {
        var prepared = await new RestorePreparation(location, log).PrepareAsync(request, readConfigMaps: true, forRun: true, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        var record = NewRecord(request, prepared);
        var store = new RestoreRecordStore(recordObjectStore, location.Layout);
        if (!await RestoreNameClaim.TryClaimAsync(store, record, location.Location, prepared.NameIsDefault, cancellationToken).ConfigureAwait(false))
        {
            throw new RestoreNameInUseException(record.Name, location.Location);
        }

        prepared.Name = record.Name;

        // Debug lines are kept: retries of API requests are logged at debug level, as Velero's own debug lines are.
        var restoreLog = new RestoreLogBuffer(record.Namespace, record.Name, log, EngineLogLevel.Debug);

        // From here on every outcome ends in the record, not in an exception.
        var state = new RunState(record, restoreLog, progress, onItem);
        foreach (var t in prepared.Targets)
        {
            var status = record.Targets.First(s => s.Name == t.Name);
            state.Targets.Add(new TargetState(t.Info, status, prepared.Targets.Count > 1 ? new FieldLog(restoreLog, "target", t.Name) : restoreLog));
        }

        var flusher = new RecordFlusher(state, store, timings, location.Location);
        flusher.Start();
        using var runCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (request.Timeout is { } timeout)
        {
            runCts.CancelAfter(timeout);
        }

        string? failure = null;
        try
        {
            restoreLog.Info("starting restore", ("backup", prepared.Backup.Name));
            foreach (var w in prepared.Warnings)
            {
                restoreLog.Warning(w);
            }

            if (BackupPhaseWarning(prepared.Backup) is { } phaseWarning)
            {
                // Velero restores a named backup whatever its phase (docs/velero-compatibility.md#restore-validation step 9); say what that means.
                state.Global.AddWarning(new ResultMessage(ResultBucket.Velero, string.Empty, phaseWarning));
                restoreLog.Warning(phaseWarning);
            }

            failure = await RestoreAsync(request, prepared, state, record.Uid, runCts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (runCts.IsCancellationRequested)
        {
            // Recorded below as canceled or timed out.
        }
        catch (Exception ex)
        {
            // A defect, not a restore outcome: keep the record honest and let the caller see the message.
            failure = "the restore stopped on an unexpected error: " + ex.Message;
            restoreLog.Error(failure);
        }

        var canceled = cancellationToken.IsCancellationRequested;
        var timedOut = !canceled && runCts.IsCancellationRequested;
        await flusher.StopAsync().ConfigureAwait(false);
        if (flusher.IsFailing)
        {
            // One more try before the phase is final, so the log says whether storage came back.
            await flusher.FlushAsync().ConfigureAwait(false);
        }

        Finish(state, request, failure, canceled, timedOut);
        var results = state.MergedResults();
        WriteSummary(restoreLog, results);
        var files = new FinalFiles(results, state.ResourceList, state.Outcomes.ToList(), new JsonArray());
        // Storage problems and a fallback folder were each logged once as they happened.
        var fallback = await flusher.WriteFinalAsync(files).ConfigureAwait(false);

        RestoreRecord final;
        lock (state.RecordGate)
        {
            state.UpdateCounts();
            final = RestoreRecord.FromJson(record.ToJson());
        }

        var targetFailures = state.Targets
            .Where(t => t.Failure is not null && t.Status.Phase == RestorePhase.Failed)
            .ToDictionary(t => t.Info.Name, t => t.Failure!.Value, StringComparer.Ordinal);
        return new RestoreRunResult(final, results, flusher.Problems, fallback, timedOut, targetFailures);
    }

    /// <summary>A warning for a backup that did not complete cleanly: it may not hold everything it was meant to.</summary>
    internal static string? BackupPhaseWarning(Backup backup) => backup.Phase switch
    {
        "" or BackupPhase.Completed => null,
        BackupPhase.PartiallyFailed => $"the backup {backup.Name} is PartiallyFailed ({backup.Errors.ToString(CultureInfo.InvariantCulture)} errors while backing up): items that failed to back up cannot be restored",
        _ => $"the backup {backup.Name} has phase {backup.Phase}, not Completed: it may not hold every item it was meant to",
    };

    /// <summary>Loads the backup and runs every target; returns a failure reason when the restore cannot run at all.</summary>
    private async Task<string?> RestoreAsync(RestoreRequest request, PreparedRestore prepared, RunState state, string uid, CancellationToken ct)
    {
        // Clusters are connected to while the backup is read; a connection nobody used is closed on the way out.
        var connecting = prepared.Targets
            .Select((t, i) => t.Folder is null ? ClusterTargetRun.StartConnecting(state, state.Targets[i], t, request, ct) : null)
            .ToList();
        var handedOver = false;
        try
        {
            var (backup, failure) = await LoadBackupAsync(prepared, state, ct).ConfigureAwait(false);
            if (backup is null)
            {
                return failure;
            }

            foreach (var warning in backup.Contents.Warnings)
            {
                state.Log.Warning(warning);
            }

            var context = new RunContext(state, prepared, backup, request, uid);
            var runs = prepared.Targets.Select((t, i) => RunTargetAsync(context, state.Targets[i], t, connecting[i], ct)).ToList();
            handedOver = true;
            await Task.WhenAll(runs).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            return null;
        }
        finally
        {
            if (!handedOver)
            {
                await ClusterTargetRun.DisposeUnusedAsync(connecting).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Reads the backup. A broken archive is recorded on every target and gives no backup and no failure (the restore
    /// ends PartiallyFailed); an unreadable one gives the restore's failure reason.
    /// </summary>
    private async Task<(LoadedBackup? Backup, string? Failure)> LoadBackupAsync(PreparedRestore prepared, RunState state, CancellationToken ct)
    {
        LoadedBackup backup;
        try
        {
            backup = await BackupLoader.LoadAsync(location, prepared.Backup, state.Log, ct).ConfigureAwait(false);
        }
        catch (BackupLoadException ex) when (ex.IsVeleroError)
        {
            // A broken archive is a Velero error: nothing is restored and the restore ends PartiallyFailed (docs/velero-compatibility.md#restore-run).
            state.Global.AddError(new ResultMessage(ResultBucket.Velero, string.Empty, ex.Message));
            state.Log.Error(ex.Message);
            foreach (var t in state.Targets)
            {
                t.FailureReason = ex.Message;
                state.SetTargetPhase(t, RestorePhase.PartiallyFailed, ex.Message);
            }

            return (null, null);
        }
        catch (BackupLoadException ex)
        {
            state.Log.Error(ex.Message);
            foreach (var t in state.Targets)
            {
                t.FailureReason = ex.Message;
                t.Failure = TargetFailure.Backup;
                state.SetTargetPhase(t, RestorePhase.Failed, ex.Message);
            }

            return (null, ex.Message);
        }

        return (backup, null);
    }

    private static async Task RunTargetAsync(RunContext context, TargetState target, TargetSpec spec, Task<ClusterConnection>? connecting, CancellationToken ct)
    {
        try
        {
            if (connecting is null)
            {
                await new FolderTargetRun(context, target, spec).RunAsync(ct).ConfigureAwait(false);
            }
            else
            {
                await new ClusterTargetRun(context, target, spec, connecting).RunAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            target.Stopped = true;
        }
        catch (Exception ex)
        {
            // One target's defect must not take the fleet down.
            var reason = "the restore into this target stopped on an unexpected error: " + ex.Message;
            target.FailureReason = reason;
            target.Failure = TargetFailure.Other;
            context.Run.Error(target, new ResultMessage(ResultBucket.Velero, string.Empty, reason));
            context.Run.SetTargetPhase(target, RestorePhase.Failed, reason);
        }
    }

    private static RestoreRecord NewRecord(RestoreRequest request, PreparedRestore prepared)
    {
        var record = new RestoreRecord
        {
            Name = prepared.Name,
            Namespace = RestorePreparation.VeleroNamespace,
            Description = string.IsNullOrEmpty(request.Description) ? prepared.StoredSpec.Description : request.Description,
            BackupTimestamp = prepared.Backup.StartTimestamp is { } started ? new DateTimeOffset(DateTime.SpecifyKind(started, DateTimeKind.Utc)) : null,
            Spec = RestoreSpecJson.WriteSpec(prepared.StoredSpec),
            Phase = RestorePhase.InProgress,
            StartTimestamp = DateTimeOffset.UtcNow,
            CreatedBy = prepared.Targets.Any(t => t.Folder is not null) ? request.CreatedBy ?? Environment.UserName : null,
        };
        foreach (var label in request.Labels ?? new Dictionary<string, string>())
        {
            record.Labels[label.Key] = label.Value;
        }

        foreach (var t in prepared.Targets)
        {
            record.Targets.Add(new RestoreTargetStatus { Name = t.Name, Kind = t.Info.Kind, Server = t.Info.Server, Phase = RestorePhase.New });
        }

        return record;
    }

    /// <summary>Sets the final phase and reason (docs/velero-compatibility.md#restore-run steps 7-10: errors make it PartiallyFailed, warnings never matter).</summary>
    private static void Finish(RunState state, RestoreRequest request, string? failure, bool canceled, bool timedOut)
    {
        lock (state.RecordGate)
        {
            state.UpdateCounts();
            var record = state.Record;
            var progress = $"{record.ItemsRestored.ToString(CultureInfo.InvariantCulture)} of {record.TotalItems.ToString(CultureInfo.InvariantCulture)} items";
            foreach (var t in state.Targets.Where(t => !RestorePhase.IsTerminal(t.Status.Phase)))
            {
                t.Status.Phase = RestorePhase.Failed;
                t.Status.FailureReason = canceled ? $"canceled by the user after {t.Done} of {t.Total} items" : timedOut ? $"stopped by the timeout after {t.Done} of {t.Total} items" : failure ?? "the restore did not finish";
            }

            if (failure is not null)
            {
                record.Phase = RestorePhase.Failed;
                record.FailureReason = failure;
            }
            else if (canceled)
            {
                record.Phase = RestorePhase.Failed;
                record.Canceled = true;
                record.FailureReason = $"canceled by the user after {progress}";
            }
            else if (timedOut)
            {
                record.Phase = RestorePhase.Failed;
                record.FailureReason = $"the restore did not finish within {ClusterItemApplier.Describe(request.Timeout!.Value)} (Timeout): stopped after {progress}";
            }
            else if (state.Targets.Count > 0 && state.Targets.All(t => t.Status.Phase == RestorePhase.Failed))
            {
                record.Phase = RestorePhase.Failed;
                record.FailureReason = string.Join("; ", state.Targets.Select(t => state.MultiTarget ? $"{t.Info.Name}: {t.Status.FailureReason}" : t.Status.FailureReason));
            }
            else if (record.Errors > 0)
            {
                record.Phase = RestorePhase.PartiallyFailed;
                record.FailureReason = Summarize(record.Errors, state.MergedResults().Errors.All().Take(3).Select(m => m.ToString()).ToList());
            }
            else
            {
                record.Phase = RestorePhase.Completed;
            }

            record.CompletionTimestamp = DateTimeOffset.UtcNow;
        }

        state.Changed();
        foreach (var t in state.Targets)
        {
            state.Report(t, force: true, t.Status.Phase);
        }
    }

    /// <summary>
    /// Velero's closing lines (docs/velero-compatibility.md#restore-log): errors by bucket, then warnings by bucket, then <c>restore completed</c>.
    /// The summary lines go to the stored log only: the caller's log already had each message when it was raised.
    /// </summary>
    private static void WriteSummary(RestoreLogBuffer log, RestoreResults results)
    {
        foreach (var m in results.Errors.All())
        {
            log.WriteOnlyHere(new EngineLogEntry(DateTimeOffset.UtcNow, EngineLogLevel.Error, RunState.SummaryLine(m, "error")));
        }

        foreach (var m in results.Warnings.All())
        {
            log.WriteOnlyHere(new EngineLogEntry(DateTimeOffset.UtcNow, EngineLogLevel.Warning, RunState.SummaryLine(m, "warning")));
        }

        log.Info("restore completed");
    }
}
