using System.Collections.Generic;
using Restore.Engine.Planning;
using Restore.Engine.Records;
using Restore.Engine.Velero;

namespace Restore.Engine.Execution;

/// <summary>Where a restore goes: a cluster (kube context) or a folder.</summary>
internal sealed class RunTarget
{
    internal RunTarget(string name, string kind, string? server)
    {
        Name = name;
        Kind = kind;
        Server = server;
    }

    /// <summary>The <see cref="Kind"/> of a folder target.</summary>
    public const string DirectoryKind = "directory";

    /// <summary>The context name, or the folder path.</summary>
    public string Name { get; }

    /// <summary><c>cluster</c> or <c>directory</c>.</summary>
    public string Kind { get; }

    /// <summary>The API server address for clusters (never credentials); null for folders.</summary>
    public string? Server { get; }

    /// <inheritdoc />
    public override string ToString() => Kind == DirectoryKind ? $"folder '{Name}'" : $"cluster context '{Name}' ({Server})";
}

/// <summary>What <c>RestoreEngine.DescribeAsync</c> says a restore would do (for <c>-WhatIf</c>).</summary>
internal sealed class RunDescription
{
    internal RunDescription(string restoreName, string backupName, int? itemCount, IReadOnlyList<RunTarget> targets, IReadOnlyList<string> lines)
    {
        RestoreName = restoreName;
        BackupName = backupName;
        ItemCount = itemCount;
        Targets = targets;
        Lines = lines;
    }

    /// <summary>The restore's name (the default name when none was given).</summary>
    public string RestoreName { get; }

    /// <summary>True when <see cref="RestoreName"/> is the default name.</summary>
    public bool NameIsDefault { get; init; }

    /// <summary>The backup that would be restored (schedules resolved).</summary>
    public string BackupName { get; }

    /// <summary>Items in the backup, as its metadata says; null when the metadata does not say.</summary>
    public int? ItemCount { get; }

    /// <summary>The targets.</summary>
    public IReadOnlyList<RunTarget> Targets { get; }

    /// <summary>One line per target: <c>Restore backup 'b' (123 items) into cluster context 'prod' (https://…)</c>.</summary>
    public IReadOnlyList<string> Lines { get; }
}

/// <summary>What would happen to one planned object that is checked against the live cluster.</summary>
internal enum PredictedOutcome
{
    /// <summary>The object does not exist: it would be created.</summary>
    Create,

    /// <summary>The object exists and already matches the backup: skipped (under policy update only the restore labels are patched).</summary>
    AlreadyExistsSkip,

    /// <summary>The object exists and differs: it would be merge-patched (policy update, or a ServiceAccount).</summary>
    Update,

    /// <summary>The check itself failed, or the namespace is terminating: the item would fail.</summary>
    Failed,

    /// <summary>Not checked against a cluster (folder targets, namespaces, items the plan already skips or fails).</summary>
    NotChecked,

    /// <summary>The object exists and differs, and the existing-resource policy None leaves it as it is: skipped, with Velero's warning.</summary>
    DiffersSkip,
}

/// <summary>The live prediction for one planned item.</summary>
internal sealed class ItemPrediction
{
    internal ItemPrediction(PlannedItem item, PredictedOutcome outcome, string? message, IReadOnlyList<FieldDifference> differences, string? warning = null)
    {
        Item = item;
        Outcome = outcome;
        Message = message;
        Differences = differences;
        Warning = warning;
    }

    /// <summary>The planned item.</summary>
    public PlannedItem Item { get; }

    /// <summary>The predicted outcome.</summary>
    public PredictedOutcome Outcome { get; }

    /// <summary>What the restore would say about the item (its outcome's message), or why the check failed; null when there is nothing to say.</summary>
    public string? Message { get; }

    /// <summary>The warning Velero would raise for the item in its namespace (or the cluster), or null.</summary>
    public string? Warning { get; }

    /// <summary>Where the live object differs from the backup (at most a few fields; values hidden for Secrets).</summary>
    public IReadOnlyList<FieldDifference> Differences { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Outcome} {Item.ResourceId}" + (Message is null ? string.Empty : ": " + Message);
}

/// <summary>The plan for one target, with live predictions for clusters.</summary>
internal sealed class TargetPreview
{
    internal TargetPreview(RunTarget target, RestorePlan? plan, IReadOnlyList<ItemPrediction> predictions, string? error)
    {
        Target = target;
        Plan = plan;
        Predictions = predictions;
        Error = error;
    }

    /// <summary>The target.</summary>
    public RunTarget Target { get; }

    /// <summary>The plan; null when the target could not be reached (see <see cref="Error"/>).</summary>
    public RestorePlan? Plan { get; }

    /// <summary>One prediction per planned item that would be created, in plan order (empty for folder targets).</summary>
    public IReadOnlyList<ItemPrediction> Predictions { get; }

    /// <summary>Why the target could not be planned (connection, discovery); null when it was.</summary>
    public string? Error { get; }
}

/// <summary>What <c>RestoreEngine.PlanAsync</c> returns: nothing was written anywhere.</summary>
internal sealed class RestorePreview
{
    internal RestorePreview(string restoreName, string backupName, RestoreSpec spec, IReadOnlyList<TargetPreview> targets)
    {
        RestoreName = restoreName;
        BackupName = backupName;
        Spec = spec;
        Targets = targets;
    }

    /// <summary>The restore's name used in the plan (restore labels).</summary>
    public string RestoreName { get; }

    /// <summary>The backup planned (schedules resolved).</summary>
    public string BackupName { get; }

    /// <summary>The spec as it would be stored (schedule resolved, non-restorable resources appended).</summary>
    public RestoreSpec Spec { get; }

    /// <summary>One entry per target.</summary>
    public IReadOnlyList<TargetPreview> Targets { get; }
}

/// <summary>What <c>RestoreEngine.RunAsync</c> returns once the restore has ended (also after a cancel or timeout).</summary>
internal sealed class RestoreRunResult
{
    internal RestoreRunResult(RestoreRecord record, RestoreResults results, IReadOnlyList<string> storageProblems, string? fallbackDirectory, bool timedOut, IReadOnlyDictionary<string, TargetFailure> targetFailures)
    {
        Record = record;
        Results = results;
        StorageProblems = storageProblems;
        FallbackDirectory = fallbackDirectory;
        TimedOut = timedOut;
        TargetFailures = targetFailures;
    }

    /// <summary>The final record, as stored (phase, counts, per-target outcomes, failure reason).</summary>
    public RestoreRecord Record { get; }

    /// <summary>The restore's name.</summary>
    public string Name => Record.Name;

    /// <summary>The final phase: <c>Completed</c>, <c>PartiallyFailed</c> or <c>Failed</c>.</summary>
    public string Phase => Record.Phase;

    /// <summary>True when the user canceled the run (an overall timeout ends Failed with its own reason, not canceled).</summary>
    public bool Canceled => Record.Canceled;

    /// <summary>True when the run was stopped by <see cref="RestoreRequest.Timeout"/> (the record then ends Failed, not canceled).</summary>
    public bool TimedOut { get; }

    /// <summary>
    /// Why each target that could not run ended Failed, by target name (context or folder). Targets that ran, or that
    /// were only stopped by a cancel or the timeout, are not in it.
    /// </summary>
    public IReadOnlyDictionary<string, TargetFailure> TargetFailures { get; }

    /// <summary>The warnings and errors, as in <c>restore-&lt;r&gt;-results.gz</c>.</summary>
    public RestoreResults Results { get; }

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
}

/// <summary>Why a target could not run; the cmdlets choose the error category from it.</summary>
internal enum TargetFailure
{
    /// <summary>A failure of no particular kind (an unexpected error).</summary>
    Other,

    /// <summary>The cluster could not be reached: connection refused or dropped, TLS failure, client-side timeout.</summary>
    Unreachable,

    /// <summary>The cluster did not accept the credentials, or they could not be obtained.</summary>
    Authentication,

    /// <summary>The cluster refused a request the restore needs before it can start (403).</summary>
    Forbidden,

    /// <summary>The kubeconfig (or in-cluster configuration) for the target is unusable.</summary>
    Configuration,

    /// <summary>The cluster answered, but the state needed to plan the restore could not be read.</summary>
    ClusterState,

    /// <summary>The restore is not valid for this target.</summary>
    Invalid,

    /// <summary>The backup could not be read, so nothing could be restored.</summary>
    Backup,
}
