using System;
using System.Collections.Generic;
using Restore.Engine.Storage;
using Restore.Engine.Velero;

namespace Restore.Engine.Api;

/// <summary>
/// A Velero backup as Get-Backup shows it: <c>backups/&lt;name&gt;/velero-backup.json</c> (docs/velero-compatibility.md#backup-object)
/// and the storage location it was read from, so that it pipes into New-Restore, Get-BackupItem and Get-Restore.
/// Times are UTC. The phase is shown exactly as stored, even a non-terminal one left by a server that died.
/// </summary>
public sealed class BackupInfo
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

    /// <summary>The storage location this backup was read from, as the user gave it (pipes into <c>-StorageLocation</c>).</summary>
    public string StorageLocation { get; set; } = string.Empty;

    /// <summary>S3 endpoint used to read it, if any (pipes into <c>-Endpoint</c>).</summary>
    public string? Endpoint { get; set; }

    /// <summary>S3 region given, if any (pipes into <c>-Region</c>).</summary>
    public string? Region { get; set; }

    /// <summary>AWS profile used, if any (pipes into <c>-ProfileName</c>).</summary>
    public string? ProfileName { get; set; }

    /// <summary>Google credential file used for a gs:// location, if any (pipes into <c>-GoogleCredentialFile</c>); a path, never its content.</summary>
    public string? GoogleCredentialFile { get; set; }

    /// <summary>True for <c>Completed</c>, <c>PartiallyFailed</c>, <c>Failed</c> and <c>FailedValidation</c>.</summary>
    public bool IsTerminal => BackupPhase.IsTerminal(Phase);

    /// <summary>Every phase of Velero's Backup, in lifecycle order (for argument completion and validation).</summary>
    public static IReadOnlyList<string> Phases => BackupPhase.All;

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>The backup as read, for the engine's own rules (<see cref="BackupStore.SelectLatest"/>).</summary>
    internal Backup Source { get; private set; } = new();

    /// <summary>The view of a backup read from the location opened with <paramref name="origin"/>.</summary>
    internal static BackupInfo From(Backup backup, StorageLocationOptions origin) => new()
    {
        Source = backup,
        Name = backup.Name,
        Namespace = backup.Namespace,
        Uid = backup.Uid,
        Phase = backup.Phase,
        Schedule = backup.Schedule,
        CreationTimestamp = backup.CreationTimestamp,
        StartTimestamp = backup.StartTimestamp,
        CompletionTimestamp = backup.CompletionTimestamp,
        Expiration = backup.Expiration,
        Ttl = backup.Ttl,
        ItemsBackedUp = backup.ItemsBackedUp,
        TotalItems = backup.TotalItems,
        Errors = backup.Errors,
        Warnings = backup.Warnings,
        FailureReason = backup.FailureReason,
        ValidationErrors = backup.ValidationErrors,
        IncludedNamespaces = backup.IncludedNamespaces,
        ExcludedNamespaces = backup.ExcludedNamespaces,
        IncludedResources = backup.IncludedResources,
        ExcludedResources = backup.ExcludedResources,
        IncludeClusterResources = backup.IncludeClusterResources,
        BackupStorageLocation = backup.BackupStorageLocation,
        VolumeSnapshotLocations = backup.VolumeSnapshotLocations,
        FormatVersion = backup.FormatVersion,
        Version = backup.Version,
        SourceClusterVersion = backup.SourceClusterVersion,
        Labels = backup.Labels,
        Annotations = backup.Annotations,
        StorageLocation = origin.Location,
        Endpoint = string.IsNullOrEmpty(origin.Endpoint) ? null : origin.Endpoint,
        Region = string.IsNullOrEmpty(origin.Region) ? null : origin.Region,
        ProfileName = string.IsNullOrEmpty(origin.ProfileName) ? null : origin.ProfileName,
        GoogleCredentialFile = string.IsNullOrEmpty(origin.GoogleCredentialFile) ? null : origin.GoogleCredentialFile,
    };
}
