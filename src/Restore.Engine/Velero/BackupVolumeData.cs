using System;
using System.Collections.Generic;

namespace Restore.Engine.Velero;

/// <summary>
/// Everything a backup says about its volumes, gathered for one restore: the volume info file,
/// native snapshots, pod volume backups, CSI VolumeSnapshots and DataUploads. Each list may be
/// empty (old backups lack the volume info file; Velero then falls back to the other lists).
/// </summary>
internal sealed class BackupVolumeData
{
    private Dictionary<string, BackupVolumeInfo>? byPvName;

    /// <summary>A backup without any volume data.</summary>
    public static BackupVolumeData Empty { get; } = new();

    /// <summary>Entries of <c>&lt;backup&gt;-volumeinfo.json.gz</c>.</summary>
    public IReadOnlyList<BackupVolumeInfo> VolumeInfos { get; init; } = Array.Empty<BackupVolumeInfo>();

    /// <summary>Entries of <c>&lt;backup&gt;-volumesnapshots.json.gz</c>.</summary>
    public IReadOnlyList<NativeVolumeSnapshot> NativeSnapshots { get; init; } = Array.Empty<NativeVolumeSnapshot>();

    /// <summary>Entries of <c>&lt;backup&gt;-podvolumebackups.json.gz</c>.</summary>
    public IReadOnlyList<PodVolumeBackup> PodVolumeBackups { get; init; } = Array.Empty<PodVolumeBackup>();

    /// <summary>CSI VolumeSnapshots: the legacy <c>&lt;backup&gt;-csi-volumesnapshots.json.gz</c> list.</summary>
    public IReadOnlyList<CsiVolumeSnapshotRecord> CsiVolumeSnapshots { get; init; } = Array.Empty<CsiVolumeSnapshotRecord>();

    /// <summary>CSI VolumeSnapshotContents: the tarball's items, then the legacy <c>&lt;backup&gt;-csi-volumesnapshotcontents.json.gz</c> list.</summary>
    public IReadOnlyList<CsiVolumeSnapshotContentRecord> CsiVolumeSnapshotContents { get; init; } = Array.Empty<CsiVolumeSnapshotContentRecord>();

    /// <summary>DataUpload items of the backup (<c>datauploads.velero.io</c>).</summary>
    public IReadOnlyList<DataUploadRecord> DataUploads { get; init; } = Array.Empty<DataUploadRecord>();

    /// <summary>
    /// Entries of <c>&lt;backup&gt;-itemoperations.json.gz</c>: asynchronous operations of backup item actions
    /// (plugins). Not volume data as such, but read with it: the plan names the plugins that acted on items.
    /// </summary>
    public IReadOnlyList<BackupItemOperation> ItemOperations { get; init; } = Array.Empty<BackupItemOperation>();

    /// <summary>The backup's <c>spec.snapshotMoveData</c>: CSI snapshots were moved by a data mover.</summary>
    public bool SnapshotMoveData { get; init; }

    /// <summary>
    /// The volume info entry for a PersistentVolume, or null. As in Velero's map keyed by
    /// <c>pvName</c>, a later entry for the same name wins.
    /// </summary>
    public BackupVolumeInfo? FindVolumeInfo(string pvName)
    {
        var index = byPvName;
        if (index is null)
        {
            index = new Dictionary<string, BackupVolumeInfo>(StringComparer.Ordinal);
            foreach (var info in VolumeInfos)
            {
                index[info.PvName] = info;
            }

            byPvName = index;
        }

        return index.TryGetValue(pvName ?? string.Empty, out var found) ? found : null;
    }
}
