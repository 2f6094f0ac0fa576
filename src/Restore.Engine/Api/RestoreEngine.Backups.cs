using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Archive;
using Restore.Engine.Common;
using Restore.Engine.Storage;

namespace Restore.Engine.Api;

/// <summary>The backups of the location and the items inside them (Get-Backup, Get-BackupItem, completion).</summary>
public sealed partial class RestoreEngine
{
    /// <summary>Names of the backup folders, in ordinal order. Cheap: one listing.</summary>
    /// <exception cref="RestoreEngineException">The location cannot be read.</exception>
    public Task<IReadOnlyList<string>> ListBackupNamesAsync(CancellationToken cancellationToken) =>
        EngineFailures.Guard(() => new BackupStore(location, log).ListBackupNamesAsync(cancellationToken));

    /// <summary>Distinct schedule names (label <c>velero.io/schedule-name</c>) over all backups, sorted.</summary>
    /// <exception cref="RestoreEngineException">The location cannot be read.</exception>
    public Task<IReadOnlyList<string>> ListScheduleNamesAsync(CancellationToken cancellationToken) =>
        EngineFailures.Guard(() => new BackupStore(location, log).ListScheduleNamesAsync(cancellationToken));

    /// <summary>
    /// Reads these backups, newest first. A backup that cannot be read (no <c>velero-backup.json</c>:
    /// <see cref="FailureKind.BackupNotFound"/>; not a Velero Backup: <see cref="FailureKind.BackupInvalid"/>) goes to
    /// <paramref name="onProblem"/> (from any thread) and is left out.
    /// </summary>
    /// <exception cref="RestoreEngineException">The location itself failed.</exception>
    public Task<IReadOnlyList<BackupInfo>> GetBackupsAsync(IEnumerable<string> names, Action<RestoreEngineException>? onProblem, CancellationToken cancellationToken) =>
        EngineFailures.Guard(async () =>
        {
            var backups = await new BackupStore(location, log).GetBackupsAsync(
                names ?? throw new ArgumentNullException(nameof(names)),
                cancellationToken,
                onProblem is null ? null : problem => onProblem(EngineFailures.Translate(problem)!)).ConfigureAwait(false);
            return (IReadOnlyList<BackupInfo>)backups.Select(b => BackupInfo.From(b, location.Options)).ToList();
        });

    /// <summary>
    /// The newest backup by start time among <paramref name="backups"/> whose phase is <c>Completed</c>, or also
    /// <c>PartiallyFailed</c> when <paramref name="allowPartiallyFailed"/>, or any phase when <paramref name="anyPhase"/>:
    /// the rule Velero uses to restore from a schedule. Null when none qualifies.
    /// </summary>
    public static BackupInfo? SelectLatest(IEnumerable<BackupInfo> backups, bool allowPartiallyFailed, bool anyPhase)
    {
        var views = (backups ?? throw new ArgumentNullException(nameof(backups))).ToList();
        var latest = BackupStore.SelectLatest(views.Select(b => b.Source), allowPartiallyFailed, anyPhase);
        return latest is null ? null : views.First(b => ReferenceEquals(b.Source, latest));
    }

    /// <summary>
    /// Streams the backup's tarball and reports its items without keeping them: <paramref name="filter"/> (group-resource,
    /// namespace or "" for cluster scope, name; optional) is asked before an item is read; <paramref name="onItem"/> gets
    /// each matching item, with <see cref="BackupItem.DecodeError"/> set when its JSON is broken (the scan goes on).
    /// </summary>
    /// <exception cref="RestoreEngineException">The backup or its tarball is missing, or the tarball is hostile or broken.</exception>
    public Task<BackupScanResult> ScanBackupItemsAsync(
        string backup,
        Func<string, string, string, bool>? filter,
        Action<BackupItem> onItem,
        IProgress<BackupScanProgress>? progress,
        CancellationToken cancellationToken)
    {
        if (onItem is null)
        {
            throw new ArgumentNullException(nameof(onItem));
        }

        return EngineFailures.Guard(async () =>
        {
            using var tarball = await new BackupStore(location, log).OpenTarballAsync(backup, cancellationToken).ConfigureAwait(false);
            var result = await BackupItemScanner.ScanAsync(
                tarball,
                null,
                filter is null ? null : (groupResource, ns, name) => filter(groupResource, ns, name),
                item => onItem(BackupItem.From(backup, item)),
                log,
                progress is null ? null : new CallbackProgress<ScanProgress>(p => progress.Report(BackupScanProgress.From(p))),
                cancellationToken).ConfigureAwait(false);
            return BackupScanResult.From(result);
        });
    }
}
