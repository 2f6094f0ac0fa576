namespace Restore.Engine.Api;

/// <summary>
/// Every kind of failure the engine reports, as data: the <see cref="RestoreEngineException.Kind"/> of a call that
/// failed, the kind of failure of an item (<see cref="RestoreItem.GetFailureKind"/>) and of a target that could not
/// run (<see cref="RestoreRunReport.TargetFailures"/>). Callers choose what to do (error ids, categories, retries) from it, never from messages.
/// </summary>
public enum FailureKind
{
    /// <summary>No failure.</summary>
    None = 0,

    /// <summary>A parameter or the restore spec is invalid (Velero's FailedValidation messages, bad timeouts, bad name).</summary>
    InvalidArgument,

    /// <summary>The Restore manifest given cannot be read or is not a velero.io/v1 Restore.</summary>
    ManifestInvalid,

    /// <summary>The resource modifier document or ConfigMap cannot be read or is invalid.</summary>
    ResourceModifierInvalid,

    /// <summary>The folder target cannot be used (not absolute, not empty without Force, not writable).</summary>
    TargetUnusable,

    /// <summary>Another restore already holds the name; nothing was changed.</summary>
    NameInUse,

    /// <summary>The backup (or a completed backup of the schedule) does not exist.</summary>
    BackupNotFound,

    /// <summary>The kubeconfig does not define the context asked for.</summary>
    ContextNotFound,

    /// <summary>No kubeconfig file: the one given does not exist, or none was found where kubectl looks.</summary>
    KubeConfigNotFound,

    /// <summary>The kubeconfig cannot be used: malformed, no context selected, a missing entry, bad credentials.</summary>
    KubeConfigInvalid,

    /// <summary>A cluster the call needed could not be reached or refused it.</summary>
    ClusterUnreachable,

    /// <summary>The storage location is malformed, or its options do not fit it.</summary>
    StorageLocationInvalid,

    /// <summary>The folder or bucket does not exist.</summary>
    StorageNotFound,

    /// <summary>The storage location refused access.</summary>
    StorageAccessDenied,

    /// <summary>No S3 credentials could be found or used.</summary>
    StorageCredentialsUnavailable,

    /// <summary>The storage location could not be reached.</summary>
    StorageUnreachable,

    /// <summary>The location exists but holds neither <c>backups/</c> nor <c>restores/</c>.</summary>
    NotAVeleroLocation,

    /// <summary>An object the call needed does not exist in the storage location.</summary>
    ObjectNotFound,

    /// <summary>A backup's <c>velero-backup.json</c> (or another of its files) is not what Velero writes.</summary>
    BackupInvalid,

    /// <summary>The backup exists but has no tarball (failed backups may have none).</summary>
    BackupTarballMissing,

    /// <summary>The storage location refused a write of the restore's files.</summary>
    StorageWriteRefused,

    /// <summary>Any other failure of the storage location.</summary>
    StorageFailed,

    /// <summary>The backup tarball is hostile (paths outside the archive, links, devices).</summary>
    ArchiveUnsafe,

    /// <summary>The backup tarball goes beyond a safety limit (size, entries, nesting).</summary>
    ArchiveLimitExceeded,

    /// <summary>The backup tarball is not a readable gzip'd tar.</summary>
    ArchiveInvalid,

    /// <summary>A restore's record, items file or log exists but cannot be read.</summary>
    RecordInvalid,

    /// <summary>The work did not finish in time: the whole restore (-Timeout), or one item (-ItemOperationTimeout).</summary>
    TimedOut,

    /// <summary>An item failed in no particular way (also an unexpected error, or a file that could not be written).</summary>
    Other,

    /// <summary>The plan could not restore the item as backed up (undecodable, a kind no server serves, an action's error).</summary>
    Planning,

    /// <summary>The object exists in the cluster and was left alone.</summary>
    AlreadyExists,

    /// <summary>The cluster refused the request (403).</summary>
    Forbidden,

    /// <summary>The cluster did not accept the credentials, or they could not be obtained (401).</summary>
    Unauthorized,

    /// <summary>The cluster rejected the object as invalid (422), or the request was bad.</summary>
    Invalid,

    /// <summary>The cluster does not serve the item's resource, or something it needs is not there (404).</summary>
    NotFound,

    /// <summary>The cluster could not be reached: connection refused or dropped, TLS failure, client-side timeout.</summary>
    Unreachable,

    /// <summary>The item's namespace could not be made ready (terminating, or its create failed).</summary>
    NamespaceUnavailable,

    /// <summary>A target failed in no particular way (an unexpected error).</summary>
    Unspecified,

    /// <summary>The kubeconfig (or in-cluster configuration) of a target turned out unusable when it was connected.</summary>
    TargetConfigurationInvalid,

    /// <summary>A target's cluster answered, but the state needed to plan the restore could not be read.</summary>
    ClusterStateUnreadable,

    /// <summary>The backup could not be read, so nothing could be restored into a target.</summary>
    BackupUnreadable,

    /// <summary>-Server: a parameter only the client implements was given (the message names every one).</summary>
    ClientOnlyParameter,

    /// <summary>-Server: the cluster has no Velero (its velero.io CRDs or its namespace are missing).</summary>
    VeleroNotInstalled,

    /// <summary>-Server: the cluster's Velero does not know the backup (no synced Backup object).</summary>
    BackupNotSynced,

    /// <summary>-Server: the backup's BackupStorageLocation is missing or points elsewhere than -StorageLocation.</summary>
    StorageLocationMismatch,

    /// <summary>-Server: the backup's BackupStorageLocation is Unavailable, so Velero would refuse the restore.</summary>
    StorageLocationUnavailable,

    /// <summary>-Server: Velero's plugin ConfigMap for a mapping already exists (Velero reads only one per plugin).</summary>
    PluginConfigConflict,

    /// <summary>-Server: the Velero server refused the restore (FailedValidation); the message has Velero's reasons.</summary>
    ServerValidationFailed,
}
