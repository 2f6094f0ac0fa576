using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace Restore.Engine.Velero;

/// <summary>How a volume's data was backed up (BackupVolumeInfo <c>backupMethod</c>).</summary>
internal enum VolumeBackupMethod
{
    /// <summary>No method recorded: the data was not backed up (for example a skipped volume).</summary>
    None,

    /// <summary><c>NativeSnapshot</c>: a cloud snapshot taken by a Velero volume snapshotter plugin.</summary>
    NativeSnapshot,

    /// <summary><c>PodVolumeBackup</c>: a file-system backup taken by Velero's node agent.</summary>
    PodVolumeBackup,

    /// <summary><c>CSISnapshot</c>: a CSI VolumeSnapshot, possibly moved to the backup storage by a data mover.</summary>
    CsiSnapshot,

    /// <summary>A value this version does not know; see <see cref="BackupVolumeInfo.BackupMethodText"/>.</summary>
    Other,
}

/// <summary>
/// One entry of <c>&lt;backup&gt;-volumeinfo.json.gz</c> (Velero 1.13 and later): what happened to one
/// volume during the backup. Velero keys these by <see cref="PvName"/> when restoring.
/// </summary>
internal sealed class BackupVolumeInfo
{
    /// <summary>Name of the PersistentVolumeClaim (<c>pvcName</c>); empty for pod volumes without one.</summary>
    public string PvcName { get; init; } = string.Empty;

    /// <summary>Namespace of the claim (<c>pvcNamespace</c>).</summary>
    public string PvcNamespace { get; init; } = string.Empty;

    /// <summary>Name of the PersistentVolume (<c>pvName</c>).</summary>
    public string PvName { get; init; } = string.Empty;

    /// <summary>The raw <c>backupMethod</c> text; empty when absent.</summary>
    public string BackupMethodText { get; init; } = string.Empty;

    /// <summary>The backup method, parsed from <see cref="BackupMethodText"/>.</summary>
    public VolumeBackupMethod BackupMethod => ParseMethod(BackupMethodText);

    /// <summary>True when a data mover copied the snapshot data to the backup storage (<c>snapshotDataMoved</c>).</summary>
    public bool SnapshotDataMoved { get; init; }

    /// <summary>True when the local snapshot was kept after the data was moved (<c>preserveLocalSnapshot</c>).</summary>
    public bool PreserveLocalSnapshot { get; init; }

    /// <summary>True when the volume was skipped by the backup (<c>skipped</c>).</summary>
    public bool Skipped { get; init; }

    /// <summary>Why the volume was skipped (<c>skippedReason</c>).</summary>
    public string SkippedReason { get; init; } = string.Empty;

    /// <summary>When the snapshot or copy started (<c>startTimestamp</c>).</summary>
    public DateTimeOffset? StartTimestamp { get; init; }

    /// <summary>When it completed (<c>completionTimestamp</c>).</summary>
    public DateTimeOffset? CompletionTimestamp { get; init; }

    /// <summary><c>succeeded</c>, <c>failed</c> or empty (<c>result</c>).</summary>
    public string Result { get; init; } = string.Empty;

    /// <summary>CSI snapshot details (<c>csiSnapshotInfo</c>).</summary>
    public CsiSnapshotInfo? CsiSnapshotInfo { get; init; }

    /// <summary>Data mover details (<c>snapshotDataMovementInfo</c>).</summary>
    public SnapshotDataMovementInfo? SnapshotDataMovementInfo { get; init; }

    /// <summary>Native snapshot details (<c>nativeSnapshotInfo</c>).</summary>
    public NativeSnapshotInfo? NativeSnapshotInfo { get; init; }

    /// <summary>File-system backup details (<c>pvbInfo</c>).</summary>
    public PodVolumeInfo? PodVolumeBackupInfo { get; init; }

    /// <summary>The PersistentVolume's reclaim policy and labels (<c>pvInfo</c>).</summary>
    public PersistentVolumeInfo? PersistentVolumeInfo { get; init; }

    /// <summary>
    /// Parses the decompressed content of <c>&lt;backup&gt;-volumeinfo.json.gz</c>: a JSON array, or the
    /// literal <c>null</c> (no entries). Null elements are skipped, as a Go slice of pointers allows.
    /// </summary>
    /// <exception cref="FormatException">The text is not JSON, or not an array of objects.</exception>
    public static IReadOnlyList<BackupVolumeInfo> ParseList(string json) => VeleroJson.ParseList(json, "volume info", obj => FromJson(obj));

    /// <inheritdoc cref="ParseList(string)"/>
    public static IReadOnlyList<BackupVolumeInfo> ParseList(byte[] utf8Json) => ParseList(VeleroJson.Utf8(utf8Json));

    /// <summary>Maps <c>backupMethod</c> text to <see cref="VolumeBackupMethod"/>.</summary>
    public static VolumeBackupMethod ParseMethod(string? text) => text switch
    {
        null or "" => VolumeBackupMethod.None,
        "NativeSnapshot" => VolumeBackupMethod.NativeSnapshot,
        "PodVolumeBackup" => VolumeBackupMethod.PodVolumeBackup,
        "CSISnapshot" => VolumeBackupMethod.CsiSnapshot,
        _ => VolumeBackupMethod.Other,
    };

    private static BackupVolumeInfo FromJson(JsonObject o) => new()
    {
        PvcName = VeleroJson.String(o, "pvcName"),
        PvcNamespace = VeleroJson.String(o, "pvcNamespace"),
        PvName = VeleroJson.String(o, "pvName"),
        BackupMethodText = VeleroJson.String(o, "backupMethod"),
        SnapshotDataMoved = VeleroJson.Bool(o, "snapshotDataMoved"),
        PreserveLocalSnapshot = VeleroJson.Bool(o, "preserveLocalSnapshot"),
        Skipped = VeleroJson.Bool(o, "skipped"),
        SkippedReason = VeleroJson.String(o, "skippedReason"),
        StartTimestamp = VeleroJson.Time(o, "startTimestamp"),
        CompletionTimestamp = VeleroJson.Time(o, "completionTimestamp"),
        Result = VeleroJson.String(o, "result"),
        CsiSnapshotInfo = VeleroJson.Object(o, "csiSnapshotInfo") is { } csi ? new CsiSnapshotInfo
        {
            SnapshotHandle = VeleroJson.String(csi, "snapshotHandle"),
            Size = VeleroJson.Int64(csi, "size"),
            Driver = VeleroJson.String(csi, "driver"),
            VolumeSnapshotContentName = VeleroJson.String(csi, "vscName"),
            OperationId = VeleroJson.String(csi, "operationID"),
            ReadyToUse = VeleroJson.NullableBool(csi, "ReadyToUse"),
            VolumeGroupSnapshotHandle = VeleroJson.String(csi, "volumeGroupSnapshotHandle"),
        } : null,
        SnapshotDataMovementInfo = VeleroJson.Object(o, "snapshotDataMovementInfo") is { } dm ? new SnapshotDataMovementInfo
        {
            DataMover = VeleroJson.String(dm, "dataMover"),
            UploaderType = VeleroJson.String(dm, "uploaderType"),
            RetainedSnapshot = VeleroJson.String(dm, "retainedSnapshot"),
            SnapshotHandle = VeleroJson.String(dm, "snapshotHandle"),
            OperationId = VeleroJson.String(dm, "operationID"),
            Size = VeleroJson.Int64(dm, "size"),
            IncrementalSize = VeleroJson.Int64(dm, "incrementalSize"),
            Phase = VeleroJson.String(dm, "Phase"),
        } : null,
        NativeSnapshotInfo = VeleroJson.Object(o, "nativeSnapshotInfo") is { } ns ? new NativeSnapshotInfo
        {
            SnapshotHandle = VeleroJson.String(ns, "snapshotHandle"),
            VolumeType = VeleroJson.String(ns, "volumeType"),
            VolumeAZ = VeleroJson.String(ns, "volumeAZ"),
            Iops = VeleroJson.String(ns, "iops"),
            Phase = VeleroJson.String(ns, "Phase"),
        } : null,
        PodVolumeBackupInfo = VeleroJson.Object(o, "pvbInfo") is { } pvb ? new PodVolumeInfo
        {
            SnapshotHandle = VeleroJson.String(pvb, "snapshotHandle"),
            Size = VeleroJson.Int64(pvb, "size"),
            IncrementalSize = VeleroJson.Int64(pvb, "incrementalSize"),
            UploaderType = VeleroJson.String(pvb, "uploaderType"),
            VolumeName = VeleroJson.String(pvb, "volumeName"),
            PodName = VeleroJson.String(pvb, "podName"),
            PodNamespace = VeleroJson.String(pvb, "podNamespace"),
            NodeName = VeleroJson.String(pvb, "nodeName"),
            Phase = VeleroJson.String(pvb, "Phase"),
        } : null,
        PersistentVolumeInfo = VeleroJson.Object(o, "pvInfo") is { } pv ? new PersistentVolumeInfo
        {
            ReclaimPolicy = VeleroJson.String(pv, "reclaimPolicy"),
            Labels = VeleroJson.StringMap(pv, "labels"),
        } : null,
    };
}

/// <summary>CSI snapshot details of a <see cref="BackupVolumeInfo"/> (<c>csiSnapshotInfo</c>).</summary>
internal sealed class CsiSnapshotInfo
{
    /// <summary>The storage system's snapshot id (<c>snapshotHandle</c>).</summary>
    public string SnapshotHandle { get; init; } = string.Empty;

    /// <summary>Size of the snapshotted volume in bytes (<c>size</c>).</summary>
    public long Size { get; init; }

    /// <summary>CSI driver name (<c>driver</c>).</summary>
    public string Driver { get; init; } = string.Empty;

    /// <summary>Name of the VolumeSnapshotContent (<c>vscName</c>).</summary>
    public string VolumeSnapshotContentName { get; init; } = string.Empty;

    /// <summary>Async operation id (<c>operationID</c>).</summary>
    public string OperationId { get; init; } = string.Empty;

    /// <summary>The VolumeSnapshot's <c>status.readyToUse</c>; stored under the untagged Go key <c>ReadyToUse</c>.</summary>
    public bool? ReadyToUse { get; init; }

    /// <summary>Volume group snapshot handle (<c>volumeGroupSnapshotHandle</c>), when the driver reports one.</summary>
    public string VolumeGroupSnapshotHandle { get; init; } = string.Empty;
}

/// <summary>Data mover details of a <see cref="BackupVolumeInfo"/> (<c>snapshotDataMovementInfo</c>).</summary>
internal sealed class SnapshotDataMovementInfo
{
    /// <summary>Data mover name (<c>dataMover</c>); empty means Velero's own.</summary>
    public string DataMover { get; init; } = string.Empty;

    /// <summary>Uploader, <c>kopia</c> or <c>restic</c> (<c>uploaderType</c>).</summary>
    public string UploaderType { get; init; } = string.Empty;

    /// <summary>The local snapshot kept after the move (<c>retainedSnapshot</c>).</summary>
    public string RetainedSnapshot { get; init; } = string.Empty;

    /// <summary>The repository snapshot id (<c>snapshotHandle</c>).</summary>
    public string SnapshotHandle { get; init; } = string.Empty;

    /// <summary>Async operation id (<c>operationID</c>).</summary>
    public string OperationId { get; init; } = string.Empty;

    /// <summary>Bytes moved (<c>size</c>).</summary>
    public long Size { get; init; }

    /// <summary>Incremental bytes moved (<c>incrementalSize</c>).</summary>
    public long IncrementalSize { get; init; }

    /// <summary>The DataUpload phase; stored under the untagged Go key <c>Phase</c>.</summary>
    public string Phase { get; init; } = string.Empty;
}

/// <summary>Native snapshot details of a <see cref="BackupVolumeInfo"/> (<c>nativeSnapshotInfo</c>).</summary>
internal sealed class NativeSnapshotInfo
{
    /// <summary>The cloud provider's snapshot id (<c>snapshotHandle</c>).</summary>
    public string SnapshotHandle { get; init; } = string.Empty;

    /// <summary>Cloud volume type (<c>volumeType</c>).</summary>
    public string VolumeType { get; init; } = string.Empty;

    /// <summary>Availability zone (<c>volumeAZ</c>).</summary>
    public string VolumeAZ { get; init; } = string.Empty;

    /// <summary>Provisioned IOPS as text (<c>iops</c>).</summary>
    public string Iops { get; init; } = string.Empty;

    /// <summary>The snapshot phase; stored under the untagged Go key <c>Phase</c>.</summary>
    public string Phase { get; init; } = string.Empty;
}

/// <summary>File-system backup details of a <see cref="BackupVolumeInfo"/> (<c>pvbInfo</c>).</summary>
internal sealed class PodVolumeInfo
{
    /// <summary>The uploader's snapshot id (<c>snapshotHandle</c>).</summary>
    public string SnapshotHandle { get; init; } = string.Empty;

    /// <summary>Bytes in the volume (<c>size</c>).</summary>
    public long Size { get; init; }

    /// <summary>Incremental bytes (<c>incrementalSize</c>).</summary>
    public long IncrementalSize { get; init; }

    /// <summary><c>kopia</c> or <c>restic</c> (<c>uploaderType</c>).</summary>
    public string UploaderType { get; init; } = string.Empty;

    /// <summary>The pod's name for the volume (<c>volumeName</c>).</summary>
    public string VolumeName { get; init; } = string.Empty;

    /// <summary>The pod that mounted the volume (<c>podName</c>).</summary>
    public string PodName { get; init; } = string.Empty;

    /// <summary>The pod's namespace (<c>podNamespace</c>).</summary>
    public string PodNamespace { get; init; } = string.Empty;

    /// <summary>Node that ran the backup (<c>nodeName</c>).</summary>
    public string NodeName { get; init; } = string.Empty;

    /// <summary>The PodVolumeBackup phase; stored under the untagged Go key <c>Phase</c>.</summary>
    public string Phase { get; init; } = string.Empty;
}

/// <summary>The PersistentVolume facts kept in a <see cref="BackupVolumeInfo"/> (<c>pvInfo</c>).</summary>
internal sealed class PersistentVolumeInfo
{
    /// <summary>The PV's reclaim policy (<c>reclaimPolicy</c>).</summary>
    public string ReclaimPolicy { get; init; } = string.Empty;

    /// <summary>The PV's labels (<c>labels</c>).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}
