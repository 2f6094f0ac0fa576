using System;
using System.Threading.Tasks;
using Restore.Engine.Archive;
using Restore.Engine.Cluster;
using Restore.Engine.Execution;
using Restore.Engine.Records;
using Restore.Engine.Storage;

namespace Restore.Engine.Api;

/// <summary>
/// The one place where the failures of the layers below become <see cref="FailureKind"/>s: their exceptions become a
/// <see cref="RestoreEngineException"/> at the door (<see cref="RestoreEngine"/>), their item and target failures
/// become kinds in the views.
/// </summary>
internal static class EngineFailures
{
    /// <summary>Runs <paramref name="call"/>; an engine exception leaves it as a <see cref="RestoreEngineException"/>.</summary>
    public static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RestoreEngineException && Translate(ex) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>Runs <paramref name="call"/>; an engine exception leaves it as a <see cref="RestoreEngineException"/>.</summary>
    public static async Task Guard(Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RestoreEngineException && Translate(ex) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>Runs <paramref name="call"/>; an engine exception leaves it as a <see cref="RestoreEngineException"/>.</summary>
    public static T GuardSync<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception ex) when (ex is not RestoreEngineException && Translate(ex) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>The engine exception as a <see cref="RestoreEngineException"/>; null for exceptions that are not the engine's (bugs, cancellation, I/O).</summary>
    public static RestoreEngineException? Translate(Exception error) => error switch
    {
        RestoreEngineException done => done,
        RestoreValidationException invalid => new RestoreEngineException(KindOf(invalid.Problem), invalid.Message, invalid) { Subject = invalid.Subject },
        RestoreNameInUseException inUse => new RestoreEngineException(FailureKind.NameInUse, inUse.Message, inUse) { Name = inUse.RestoreName },
        StorageException storage => new RestoreEngineException(KindOf(storage.Kind), storage.Message, storage)
        {
            Name = storage switch
            {
                BackupNotFoundException notFound => notFound.BackupName,
                InvalidBackupException invalid => invalid.BackupName,
                _ => null,
            },
            Key = storage.Key,
        },
        InvalidRestoreRecordException record => new RestoreEngineException(FailureKind.RecordInvalid, record.Message, record) { Name = record.RestoreName, Key = record.Key },
        KubeConfigException kubeConfig => new RestoreEngineException(
            kubeConfig.Problem switch
            {
                KubeConfigProblem.NotFound => FailureKind.KubeConfigNotFound,
                KubeConfigProblem.ContextNotFound => FailureKind.ContextNotFound,
                _ => FailureKind.KubeConfigInvalid,
            },
            kubeConfig.Message,
            kubeConfig) { Subject = kubeConfig.Subject },
        KubernetesApiException api => new RestoreEngineException(FailureKind.ClusterUnreachable, api.Message, api),
        ArchiveSecurityException unsafeArchive => new RestoreEngineException(FailureKind.ArchiveUnsafe, unsafeArchive.Message, unsafeArchive),
        ArchiveLimitExceededException limit => new RestoreEngineException(FailureKind.ArchiveLimitExceeded, limit.Message, limit),
        ArchiveException archive => new RestoreEngineException(FailureKind.ArchiveInvalid, archive.Message, archive),
        _ => null,
    };

    /// <summary>The kind of a failed item.</summary>
    public static FailureKind KindOf(ItemFailure failure) => failure switch
    {
        ItemFailure.None => FailureKind.None,
        ItemFailure.Planning => FailureKind.Planning,
        ItemFailure.AlreadyExists => FailureKind.AlreadyExists,
        ItemFailure.Forbidden => FailureKind.Forbidden,
        ItemFailure.Unauthorized => FailureKind.Unauthorized,
        ItemFailure.Invalid => FailureKind.Invalid,
        ItemFailure.NotFound => FailureKind.NotFound,
        ItemFailure.TimedOut => FailureKind.TimedOut,
        ItemFailure.Unreachable => FailureKind.Unreachable,
        ItemFailure.NamespaceUnavailable => FailureKind.NamespaceUnavailable,
        _ => FailureKind.Other,
    };

    /// <summary>The kind of a target that could not run.</summary>
    public static FailureKind KindOf(TargetFailure failure) => failure switch
    {
        TargetFailure.Unreachable => FailureKind.Unreachable,
        TargetFailure.Authentication => FailureKind.Unauthorized,
        TargetFailure.Forbidden => FailureKind.Forbidden,
        TargetFailure.Configuration => FailureKind.TargetConfigurationInvalid,
        TargetFailure.ClusterState => FailureKind.ClusterStateUnreadable,
        TargetFailure.Invalid => FailureKind.InvalidArgument,
        TargetFailure.Backup => FailureKind.BackupUnreadable,
        _ => FailureKind.Unspecified,
    };

    private static FailureKind KindOf(RestoreValidationProblem problem) => problem switch
    {
        RestoreValidationProblem.BackupNotFound => FailureKind.BackupNotFound,
        RestoreValidationProblem.ContextNotFound => FailureKind.ContextNotFound,
        RestoreValidationProblem.KubeConfigNotFound => FailureKind.KubeConfigNotFound,
        RestoreValidationProblem.KubeConfigInvalid => FailureKind.KubeConfigInvalid,
        RestoreValidationProblem.TargetUnusable => FailureKind.TargetUnusable,
        RestoreValidationProblem.ResourceModifier => FailureKind.ResourceModifierInvalid,
        _ => FailureKind.InvalidArgument,
    };

    private static FailureKind KindOf(StorageErrorKind kind) => kind switch
    {
        StorageErrorKind.InvalidLocation => FailureKind.StorageLocationInvalid,
        StorageErrorKind.LocationNotFound => FailureKind.StorageNotFound,
        StorageErrorKind.AccessDenied => FailureKind.StorageAccessDenied,
        StorageErrorKind.CredentialsUnavailable => FailureKind.StorageCredentialsUnavailable,
        StorageErrorKind.Unreachable => FailureKind.StorageUnreachable,
        StorageErrorKind.NotAVeleroLocation => FailureKind.NotAVeleroLocation,
        StorageErrorKind.ObjectNotFound => FailureKind.ObjectNotFound,
        StorageErrorKind.BackupNotFound => FailureKind.BackupNotFound,
        StorageErrorKind.InvalidBackup => FailureKind.BackupInvalid,
        StorageErrorKind.TarballMissing => FailureKind.BackupTarballMissing,
        StorageErrorKind.WriteRefused => FailureKind.StorageWriteRefused,
        _ => FailureKind.StorageFailed,
    };
}
