using System;
using System.Collections.Generic;
using System.Management.Automation;
using Restore.Engine.Api;

namespace Restore.PowerShell.Infrastructure;

/// <summary>
/// The one table from the engine's <see cref="FailureKind"/>s to error ids and categories. A call that fails with a
/// kind gives the error id <c>&lt;Cmdlet&gt;&lt;Suffix&gt;</c> (<c>NewRestoreBackupNotFound</c>); an item or a target
/// that fails inside a run gives <c>&lt;Cmdlet&gt;ItemFailed</c> or <c>&lt;Cmdlet&gt;TargetFailed</c>, with the
/// category of its kind. Every kind has a row (a test checks it).
/// </summary>
internal static class FailureErrors
{
    /// <summary>Kind → (error id suffix, category).</summary>
    internal static readonly IReadOnlyDictionary<FailureKind, (string Suffix, ErrorCategory Category)> Table = new Dictionary<FailureKind, (string, ErrorCategory)>
    {
        // What was asked for.
        [FailureKind.InvalidArgument] = ("InvalidArgument", ErrorCategory.InvalidArgument),
        [FailureKind.ManifestInvalid] = ("ManifestInvalid", ErrorCategory.InvalidArgument),
        [FailureKind.ResourceModifierInvalid] = ("ResourceModifierInvalid", ErrorCategory.InvalidData),
        [FailureKind.TargetUnusable] = ("TargetUnusable", ErrorCategory.InvalidArgument),
        [FailureKind.NameInUse] = ("NameInUse", ErrorCategory.ResourceExists),
        [FailureKind.BackupNotFound] = ("BackupNotFound", ErrorCategory.ObjectNotFound),
        [FailureKind.ContextNotFound] = ("ContextNotFound", ErrorCategory.ObjectNotFound),
        [FailureKind.KubeConfigNotFound] = ("KubeConfigNotFound", ErrorCategory.ObjectNotFound),
        [FailureKind.KubeConfigInvalid] = ("KubeConfigInvalid", ErrorCategory.InvalidArgument),
        [FailureKind.ClusterUnreachable] = ("ClusterUnreachable", ErrorCategory.ConnectionError),

        // The storage location, the backup's files and the restore's record.
        [FailureKind.StorageLocationInvalid] = ("StorageLocationInvalid", ErrorCategory.InvalidArgument),
        [FailureKind.StorageNotFound] = ("StorageNotFound", ErrorCategory.ObjectNotFound),
        [FailureKind.StorageAccessDenied] = ("StorageAccessDenied", ErrorCategory.PermissionDenied),
        [FailureKind.StorageCredentialsUnavailable] = ("StorageCredentialsUnavailable", ErrorCategory.AuthenticationError),
        [FailureKind.StorageUnreachable] = ("StorageUnreachable", ErrorCategory.ConnectionError),
        [FailureKind.NotAVeleroLocation] = ("NotAVeleroLocation", ErrorCategory.InvalidArgument),
        [FailureKind.ObjectNotFound] = ("ObjectNotFound", ErrorCategory.ObjectNotFound),
        [FailureKind.BackupInvalid] = ("BackupInvalid", ErrorCategory.InvalidData),
        [FailureKind.BackupTarballMissing] = ("BackupTarballMissing", ErrorCategory.ObjectNotFound),
        [FailureKind.StorageWriteRefused] = ("StorageWriteRefused", ErrorCategory.PermissionDenied),
        [FailureKind.StorageFailed] = ("StorageFailed", ErrorCategory.ReadError),
        [FailureKind.ArchiveUnsafe] = ("ArchiveUnsafe", ErrorCategory.SecurityError),
        [FailureKind.ArchiveLimitExceeded] = ("ArchiveLimitExceeded", ErrorCategory.LimitsExceeded),
        [FailureKind.ArchiveInvalid] = ("ArchiveInvalid", ErrorCategory.InvalidData),
        [FailureKind.RecordInvalid] = ("InvalidRecord", ErrorCategory.InvalidData),

        // A run: the whole restore, its items and its targets.
        [FailureKind.TimedOut] = ("TimedOut", ErrorCategory.OperationTimeout),
        [FailureKind.Other] = ("Other", ErrorCategory.WriteError),
        [FailureKind.Planning] = ("Planning", ErrorCategory.InvalidData),
        [FailureKind.AlreadyExists] = ("AlreadyExists", ErrorCategory.ResourceExists),
        [FailureKind.Forbidden] = ("Forbidden", ErrorCategory.PermissionDenied),
        [FailureKind.Unauthorized] = ("Unauthorized", ErrorCategory.AuthenticationError),
        [FailureKind.Invalid] = ("Invalid", ErrorCategory.InvalidData),
        [FailureKind.NotFound] = ("NotFound", ErrorCategory.ObjectNotFound),
        [FailureKind.Unreachable] = ("Unreachable", ErrorCategory.ConnectionError),
        [FailureKind.NamespaceUnavailable] = ("NamespaceUnavailable", ErrorCategory.ResourceUnavailable),
        [FailureKind.Unspecified] = ("Unspecified", ErrorCategory.NotSpecified),
        [FailureKind.TargetConfigurationInvalid] = ("TargetConfigurationInvalid", ErrorCategory.InvalidData),
        [FailureKind.ClusterStateUnreadable] = ("ClusterStateUnreadable", ErrorCategory.ReadError),
        [FailureKind.BackupUnreadable] = ("BackupUnreadable", ErrorCategory.ReadError),

        // Restores through the cluster's Velero server (-Server).
        [FailureKind.ClientOnlyParameter] = ("ClientOnlyParameter", ErrorCategory.InvalidArgument),
        [FailureKind.VeleroNotInstalled] = ("VeleroNotInstalled", ErrorCategory.NotInstalled),
        [FailureKind.BackupNotSynced] = ("BackupNotSynced", ErrorCategory.ObjectNotFound),
        [FailureKind.StorageLocationMismatch] = ("StorageLocationMismatch", ErrorCategory.InvalidArgument),
        [FailureKind.StorageLocationUnavailable] = ("StorageLocationUnavailable", ErrorCategory.ResourceUnavailable),
        [FailureKind.PluginConfigConflict] = ("PluginConfigConflict", ErrorCategory.ResourceExists),
        [FailureKind.ServerValidationFailed] = ("FailedValidation", ErrorCategory.InvalidData),
    };

    /// <summary>The row of <paramref name="kind"/>; <c>Failed</c> and NotSpecified for a kind without one.</summary>
    public static (string Suffix, ErrorCategory Category) For(FailureKind kind) =>
        Table.TryGetValue(kind, out var row) ? row : ("Failed", ErrorCategory.NotSpecified);

    /// <summary>The error record of a failed call: id <c>&lt;prefix&gt;&lt;Suffix&gt;</c>, the category of its kind, the given target.</summary>
    public static ErrorRecord Record(RestoreEngineException error, string errorIdPrefix, object? target)
    {
        if (error is null)
        {
            throw new ArgumentNullException(nameof(error));
        }

        var (suffix, category) = For(error.Kind);
        return new ErrorRecord(error, errorIdPrefix + suffix, category, target);
    }
}
