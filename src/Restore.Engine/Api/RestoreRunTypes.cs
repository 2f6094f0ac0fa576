using System;
using System.Collections.Generic;
using System.Linq;
using Restore.Engine.Execution;
using Restore.Engine.Storage;

namespace Restore.Engine.Api;

/// <summary>Where a restore goes: a cluster (kube context) or a folder.</summary>
public sealed class RestoreTargetInfo
{
    private readonly RunTarget target;

    private RestoreTargetInfo(RunTarget target) => this.target = target;

    /// <summary>The context name, or the folder path.</summary>
    public string Name => target.Name;

    /// <summary><c>cluster</c> or <c>directory</c>.</summary>
    public string Kind => target.Kind;

    /// <summary>The API server address for clusters (never credentials); null for folders.</summary>
    public string? Server => target.Server;

    /// <summary>True for a folder target.</summary>
    public bool IsDirectory => target.Kind == RunTarget.DirectoryKind;

    /// <inheritdoc />
    public override string ToString() => target.ToString();

    internal static RestoreTargetInfo From(RunTarget target) => new(target);
}

/// <summary>What <see cref="RestoreEngine.DescribeAsync(RestoreParameters, System.Threading.CancellationToken)"/> says a restore would do (for <c>-WhatIf</c>).</summary>
public sealed class RestoreWhatIf
{
    private RestoreWhatIf(RunDescription description)
    {
        RestoreName = description.RestoreName;
        NameIsDefault = description.NameIsDefault;
        BackupName = description.BackupName;
        ItemCount = description.ItemCount;
        Targets = description.Targets.Select(RestoreTargetInfo.From).ToList();
        Lines = description.Lines;
    }

    /// <summary>The restore's name (the default name when none was given).</summary>
    public string RestoreName { get; }

    /// <summary>
    /// True when <see cref="RestoreName"/> is the default name (<c>&lt;backup-or-schedule&gt;-&lt;yyyyMMddHHmmss&gt;</c>). Pass it
    /// on in <see cref="RestoreParameters.NameIsDefault"/> with the name, so that a run that finds the name taken by
    /// then adds a suffix instead of failing.
    /// </summary>
    public bool NameIsDefault { get; }

    /// <summary>The backup that would be restored (schedules resolved).</summary>
    public string BackupName { get; }

    /// <summary>Items in the backup, as its metadata says; null when the metadata does not say.</summary>
    public int? ItemCount { get; }

    /// <summary>The targets.</summary>
    public IReadOnlyList<RestoreTargetInfo> Targets { get; }

    /// <summary>One line per target: <c>Restore backup 'b' (123 items) into cluster context 'prod' (https://…)</c>.</summary>
    public IReadOnlyList<string> Lines { get; }

    internal static RestoreWhatIf From(RunDescription description) => new(description);
}

/// <summary>Progress of one target, reported while a restore runs.</summary>
public sealed class RestoreProgress
{
    private RestoreProgress(RunProgress progress)
    {
        Target = progress.Target;
        Phase = progress.Phase;
        ItemsDone = progress.ItemsDone;
        TotalItems = progress.TotalItems;
        CurrentTier = progress.CurrentTier;
        CurrentNamespace = progress.CurrentNamespace;
    }

    /// <summary>Target name: the kube context, or the folder for folder restores.</summary>
    public string Target { get; }

    /// <summary>What the target is doing: <c>Connecting</c> (clusters), <c>Planning</c>, <c>InProgress</c>, then its final phase (<c>Completed</c>, <c>PartiallyFailed</c>, <c>Failed</c>).</summary>
    public string Phase { get; }

    /// <summary>Items finished (created, updated, skipped or failed).</summary>
    public int ItemsDone { get; }

    /// <summary>Items the plan restores or records for this target.</summary>
    public int TotalItems { get; }

    /// <summary>The group-resource being restored, when restoring.</summary>
    public string? CurrentTier { get; }

    /// <summary>The namespace of the item finished last, when it has one.</summary>
    public string? CurrentNamespace { get; }

    internal static RestoreProgress From(RunProgress progress) => new(progress);
}

/// <summary>What <see cref="RestoreEngine.RunAsync(RestoreParameters, ILogSink, IProgress{RestoreProgress}, Action{RestoreItem}, System.Threading.CancellationToken)"/> returns once the restore has ended (also after a cancel or timeout).</summary>
public sealed class RestoreRunReport
{
    private RestoreRunReport(RestoreRunResult result, StorageLocationOptions origin, DateTimeOffset now)
    {
        Restore = RestoreInfo.FromRecord(result.Record, origin, now);

        // As Get-Restore shows it: the messages by scope, not only their counts.
        Restore.SetResults(result.Results);
        TimedOut = result.TimedOut;
        TargetFailures = result.TargetFailures.ToDictionary(f => f.Key, f => EngineFailures.KindOf(f.Value), StringComparer.Ordinal);
        StorageProblems = result.StorageProblems;
        FallbackDirectory = result.FallbackDirectory;
    }

    /// <summary>The restore as it ended: its final record, as Get-Restore shows it.</summary>
    public RestoreInfo Restore { get; }

    /// <summary>True when the user canceled the run (an overall timeout ends Failed with its own reason, not canceled).</summary>
    public bool Canceled => Restore.Canceled;

    /// <summary>True when the run was stopped by <see cref="RestoreParameters.Timeout"/> (the record then ends Failed, not canceled).</summary>
    public bool TimedOut { get; }

    /// <summary>
    /// Why each target that could not run ended Failed, by target name (context or folder). Targets that ran, or that
    /// were only stopped by a cancel or the timeout, are not in it.
    /// </summary>
    public IReadOnlyDictionary<string, FailureKind> TargetFailures { get; }

    /// <summary>
    /// Storage write failures met while the restore ran (the restore went on); empty when storage never failed. Each
    /// was also written to the log as a warning when it happened.
    /// </summary>
    public IReadOnlyList<string> StorageProblems { get; }

    /// <summary>
    /// Set when the storage location could not be written at the end: the record, log, results and item outcomes
    /// were saved in this local folder instead. Null when everything reached the storage location.
    /// </summary>
    public string? FallbackDirectory { get; }

    internal static RestoreRunReport From(RestoreRunResult result, StorageLocationOptions origin, DateTimeOffset now) => new(result, origin, now);
}
