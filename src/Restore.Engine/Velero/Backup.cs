using System;
using System.Collections.Generic;

namespace Restore.Engine.Velero;

/// <summary>Velero's Backup phases (docs/velero-compatibility.md#backup-object), exact strings.</summary>
internal static class BackupPhase
{
    /// <summary><c>New</c>.</summary>
    public const string New = "New";

    /// <summary><c>Queued</c> (Velero 1.18 and later).</summary>
    public const string Queued = "Queued";

    /// <summary><c>ReadyToStart</c> (Velero 1.18 and later).</summary>
    public const string ReadyToStart = "ReadyToStart";

    /// <summary><c>FailedValidation</c>.</summary>
    public const string FailedValidation = "FailedValidation";

    /// <summary><c>InProgress</c>.</summary>
    public const string InProgress = "InProgress";

    /// <summary><c>WaitingForPluginOperations</c>.</summary>
    public const string WaitingForPluginOperations = "WaitingForPluginOperations";

    /// <summary><c>WaitingForPluginOperationsPartiallyFailed</c>.</summary>
    public const string WaitingForPluginOperationsPartiallyFailed = "WaitingForPluginOperationsPartiallyFailed";

    /// <summary><c>Finalizing</c>.</summary>
    public const string Finalizing = "Finalizing";

    /// <summary><c>FinalizingPartiallyFailed</c>.</summary>
    public const string FinalizingPartiallyFailed = "FinalizingPartiallyFailed";

    /// <summary><c>Completed</c>.</summary>
    public const string Completed = "Completed";

    /// <summary><c>PartiallyFailed</c>.</summary>
    public const string PartiallyFailed = "PartiallyFailed";

    /// <summary><c>Failed</c>.</summary>
    public const string Failed = "Failed";

    /// <summary><c>Deleting</c>.</summary>
    public const string Deleting = "Deleting";

    /// <summary>Every phase, in lifecycle order (for argument completion and validation).</summary>
    public static IReadOnlyList<string> All { get; } = new[]
    {
        New, Queued, ReadyToStart, FailedValidation, InProgress, WaitingForPluginOperations,
        WaitingForPluginOperationsPartiallyFailed, Finalizing, FinalizingPartiallyFailed, Completed,
        PartiallyFailed, Failed, Deleting,
    };

    /// <summary>True for <c>Completed</c>, <c>PartiallyFailed</c>, <c>Failed</c> and <c>FailedValidation</c>.</summary>
    public static bool IsTerminal(string phase) => phase is Completed or PartiallyFailed or Failed or FailedValidation;
}

/// <summary>
/// A Velero backup as stored in <c>backups/&lt;name&gt;/velero-backup.json</c> (docs/velero-compatibility.md#backup-object). Read-only.
/// Times are UTC. The phase is shown exactly as stored, even a non-terminal one left by a server that died.
/// </summary>
internal sealed class Backup
{
    /// <summary>Backup name (<c>metadata.name</c>; the folder name when the file lacks it).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Velero namespace the Backup object lived in (normally <c>velero</c>).</summary>
    public string? Namespace { get; set; }

    /// <summary><c>metadata.uid</c>.</summary>
    public string? Uid { get; set; }

    /// <summary><c>status.phase</c> verbatim; empty when absent.</summary>
    public string Phase { get; set; } = string.Empty;

    /// <summary>Creating schedule: the label <c>velero.io/schedule-name</c>; null for manual backups.</summary>
    public string? Schedule { get; set; }

    /// <summary><c>metadata.creationTimestamp</c>.</summary>
    public DateTime? CreationTimestamp { get; set; }

    /// <summary><c>status.startTimestamp</c>.</summary>
    public DateTime? StartTimestamp { get; set; }

    /// <summary><c>status.completionTimestamp</c>.</summary>
    public DateTime? CompletionTimestamp { get; set; }

    /// <summary><c>status.expiration</c>: when Velero garbage-collects the backup.</summary>
    public DateTime? Expiration { get; set; }

    /// <summary><c>spec.ttl</c> as a Go duration string (<c>720h0m0s</c>).</summary>
    public string? Ttl { get; set; }

    /// <summary><c>status.progress.itemsBackedUp</c>.</summary>
    public int? ItemsBackedUp { get; set; }

    /// <summary><c>status.progress.totalItems</c>.</summary>
    public int? TotalItems { get; set; }

    /// <summary><c>status.errors</c>.</summary>
    public int Errors { get; set; }

    /// <summary><c>status.warnings</c>.</summary>
    public int Warnings { get; set; }

    /// <summary><c>status.failureReason</c>.</summary>
    public string? FailureReason { get; set; }

    /// <summary><c>status.validationErrors</c>.</summary>
    public IReadOnlyList<string> ValidationErrors { get; set; } = Array.Empty<string>();

    /// <summary><c>spec.includedNamespaces</c> (empty means all).</summary>
    public IReadOnlyList<string> IncludedNamespaces { get; set; } = Array.Empty<string>();

    /// <summary><c>spec.excludedNamespaces</c>.</summary>
    public IReadOnlyList<string> ExcludedNamespaces { get; set; } = Array.Empty<string>();

    /// <summary><c>spec.includedResources</c> (empty means all).</summary>
    public IReadOnlyList<string> IncludedResources { get; set; } = Array.Empty<string>();

    /// <summary><c>spec.excludedResources</c>.</summary>
    public IReadOnlyList<string> ExcludedResources { get; set; } = Array.Empty<string>();

    /// <summary><c>spec.includeClusterResources</c>: null is "auto".</summary>
    public bool? IncludeClusterResources { get; set; }

    /// <summary><c>spec.storageLocation</c>: the BackupStorageLocation name on the Velero server.</summary>
    public string? BackupStorageLocation { get; set; }

    /// <summary><c>spec.volumeSnapshotLocations</c>.</summary>
    public IReadOnlyList<string> VolumeSnapshotLocations { get; set; } = Array.Empty<string>();

    /// <summary><c>status.formatVersion</c> (<c>1.1.0</c>); drives API group version selection (docs/velero-compatibility.md#api-group-versions).</summary>
    public string? FormatVersion { get; set; }

    /// <summary>
    /// <c>status.version</c>, the deprecated backup version number (1). Velero does not record its own
    /// release version in the Backup; <see cref="FormatVersion"/> and <see cref="SourceClusterVersion"/> are the closest facts.
    /// </summary>
    public int? Version { get; set; }

    /// <summary>Kubernetes version of the backed-up cluster (annotation <c>velero.io/source-cluster-k8s-gitversion</c>).</summary>
    public string? SourceClusterVersion { get; set; }

    /// <summary><c>metadata.labels</c>.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; set; } = new Dictionary<string, string>();

    /// <summary><c>metadata.annotations</c>.</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; set; } = new Dictionary<string, string>();

    /// <summary>True for <c>Completed</c>, <c>PartiallyFailed</c>, <c>Failed</c> and <c>FailedValidation</c>.</summary>
    public bool IsTerminal => BackupPhase.IsTerminal(Phase);

    /// <inheritdoc />
    public override string ToString() => Name;
}
