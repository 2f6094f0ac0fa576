using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Archive;
using Restore.Engine.Common;
using Restore.Engine.Kubernetes;
using Restore.Engine.Planning;
using Restore.Engine.Storage;
using Restore.Engine.Velero;

namespace Restore.Engine.Execution;

/// <summary>A backup read into memory for one restore: its items, volume data and offline resource catalog.</summary>
internal sealed class LoadedBackup
{
    public LoadedBackup(BackupContents contents, BackupVolumeData volumes, StaticResourceCatalog catalog)
    {
        Contents = contents;
        Volumes = volumes;
        Catalog = catalog;
    }

    public BackupContents Contents { get; }

    public BackupVolumeData Volumes { get; }

    /// <summary>Built-in resources plus the backup's CRDs; the fallback under live discovery and the catalog for folders.</summary>
    public StaticResourceCatalog Catalog { get; }
}

/// <summary>Why a backup could not be loaded, and whether Velero would call that Failed or a Velero error (docs/velero-compatibility.md#restore-run, #restore-passes).</summary>
internal sealed class BackupLoadException : Exception
{
    public BackupLoadException(string message, bool isVeleroError, Exception? inner)
        : base(message, inner)
    {
        IsVeleroError = isVeleroError;
    }

    /// <summary>True for a broken archive (a Velero error; the restore ends PartiallyFailed); false for a missing tarball or unreadable volume data (Failed).</summary>
    public bool IsVeleroError { get; }
}

/// <summary>Reads the tarball and the volume files of docs/velero-compatibility.md#restore-run step 3.</summary>
internal static class BackupLoader
{
    private const string VolumeSnapshotsResource = "volumesnapshots.snapshot.storage.k8s.io";
    private const string VolumeSnapshotContentsResource = "volumesnapshotcontents.snapshot.storage.k8s.io";
    private const string DataUploadsResource = "datauploads.velero.io";

    /// <exception cref="BackupLoadException">The backup cannot be restored.</exception>
    public static async Task<LoadedBackup> LoadAsync(StorageLocation location, Backup backup, IEngineLog log, CancellationToken cancellationToken)
    {
        var store = new BackupStore(location, log);
        BackupContents contents;
        try
        {
            using var tarball = await store.OpenTarballAsync(backup.Name, cancellationToken).ConfigureAwait(false);
            contents = await BackupArchiveReader.LoadAsync(tarball, ArchiveLimits.Default, cancellationToken, log).ConfigureAwait(false);
        }
        catch (StorageException ex)
        {
            // Missing, unreadable, or a download that broke part way: the backup cannot be restored (Failed).
            throw new BackupLoadException(ex.Message, isVeleroError: false, ex);
        }
        catch (System.IO.IOException ex)
        {
            throw new BackupLoadException($"error reading the backup tarball {backup.Name}.tar.gz from {location.Location}: {ex.Message}", isVeleroError: false, ex);
        }
        catch (ArchiveException ex)
        {
            throw new BackupLoadException("error extracting the backup tarball: " + ex.Message, isVeleroError: true, ex);
        }
        catch (System.IO.InvalidDataException ex)
        {
            throw new BackupLoadException("error extracting the backup tarball: " + ex.Message, isVeleroError: true, ex);
        }

        BackupVolumeData volumes;
        try
        {
            volumes = await LoadVolumesAsync(store, backup, contents, log, cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException ex)
        {
            throw new BackupLoadException("error reading the backup's volume information: " + ex.Message, isVeleroError: false, ex);
        }
        catch (StorageException ex)
        {
            throw new BackupLoadException(ex.Message, isVeleroError: false, ex);
        }

        return new LoadedBackup(contents, volumes, BackupResourceCatalog.Create(contents, log));
    }

    private static async Task<BackupVolumeData> LoadVolumesAsync(BackupStore store, Backup backup, BackupContents contents, IEngineLog log, CancellationToken cancellationToken)
    {
        var name = backup.Name;
        var volumeInfo = await store.ReadOptionalBackupFileAsync(name, BackupFile.VolumeInfo, cancellationToken).ConfigureAwait(false);
        var snapshots = await store.ReadOptionalBackupFileAsync(name, BackupFile.VolumeSnapshots, cancellationToken).ConfigureAwait(false);
        var podVolumes = await store.ReadOptionalBackupFileAsync(name, BackupFile.PodVolumeBackups, cancellationToken).ConfigureAwait(false);
        var csiSnapshots = await store.ReadOptionalBackupFileAsync(name, BackupFile.CsiVolumeSnapshots, cancellationToken).ConfigureAwait(false);

        // The legacy CSI file and the VolumeSnapshot items of the tarball both describe CSI snapshots.
        var csi = new List<CsiVolumeSnapshotRecord>();
        if (csiSnapshots is not null)
        {
            csi.AddRange(CsiVolumeSnapshotRecord.ParseList(csiSnapshots));
        }

        foreach (var entry in contents.GetItems(VolumeSnapshotsResource))
        {
            csi.Add(CsiVolumeSnapshotRecord.Parse(Utf8Text.Decode(entry.Content)));
        }

        // The tarball's contents first: only they can be restored; the legacy file fills in what the tarball lacks.
        var contentRecords = new List<CsiVolumeSnapshotContentRecord>();
        foreach (var entry in contents.GetItems(VolumeSnapshotContentsResource))
        {
            contentRecords.Add(CsiVolumeSnapshotContentRecord.Parse(Utf8Text.Decode(entry.Content)));
        }

        var csiContents = await store.ReadOptionalBackupFileAsync(name, BackupFile.CsiVolumeSnapshotContents, cancellationToken).ConfigureAwait(false);
        if (csiContents is not null)
        {
            contentRecords.AddRange(CsiVolumeSnapshotContentRecord.ParseList(csiContents));
        }

        var uploads = new List<DataUploadRecord>();
        foreach (var entry in contents.GetItems(DataUploadsResource))
        {
            uploads.Add(DataUploadRecord.Parse(Utf8Text.Decode(entry.Content)));
        }

        return new BackupVolumeData
        {
            VolumeInfos = volumeInfo is null ? Array.Empty<BackupVolumeInfo>() : BackupVolumeInfo.ParseList(volumeInfo),
            NativeSnapshots = snapshots is null ? Array.Empty<NativeVolumeSnapshot>() : NativeVolumeSnapshot.ParseList(snapshots),
            PodVolumeBackups = podVolumes is null ? Array.Empty<PodVolumeBackup>() : PodVolumeBackup.ParseList(podVolumes),
            CsiVolumeSnapshots = csi,
            CsiVolumeSnapshotContents = contentRecords,
            DataUploads = uploads,
            ItemOperations = await ReadItemOperationsAsync(store, name, log, cancellationToken).ConfigureAwait(false),
            SnapshotMoveData = await ReadSnapshotMoveDataAsync(store, name, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>
    /// The plugins' operations only add warnings to the plan; Velero's restore never reads the file, so one that cannot
    /// be read must not stop a restore.
    /// </summary>
    private static async Task<IReadOnlyList<BackupItemOperation>> ReadItemOperationsAsync(BackupStore store, string name, IEngineLog log, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await store.ReadOptionalBackupFileAsync(name, BackupFile.ItemOperations, cancellationToken).ConfigureAwait(false);
            return bytes is null ? Array.Empty<BackupItemOperation>() : BackupItemOperation.ParseList(bytes);
        }
        catch (Exception ex) when (ex is FormatException or InvalidBackupException)
        {
            log.Warning($"the backup's item operations file cannot be read, so the plugins that acted on its items are not named: {ex.Message}");
            return Array.Empty<BackupItemOperation>();
        }
    }

    private static async Task<bool> ReadSnapshotMoveDataAsync(BackupStore store, string name, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await store.ReadBackupMetadataAsync(name, cancellationToken).ConfigureAwait(false);
            return JsonNode.Parse(bytes) is JsonObject metadata
                && metadata["spec"] is JsonObject spec
                && spec["snapshotMoveData"] is JsonValue value
                && value.TryGetValue<bool>(out var moved)
                && moved;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
