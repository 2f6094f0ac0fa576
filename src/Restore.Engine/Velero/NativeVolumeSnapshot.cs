using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace Restore.Engine.Velero;

/// <summary>
/// One entry of <c>&lt;backup&gt;-volumesnapshots.json.gz</c>: a native (volume snapshotter plugin)
/// snapshot of a PersistentVolume.
/// </summary>
internal sealed class NativeVolumeSnapshot
{
    /// <summary>The backup that took it (<c>spec.backupName</c>).</summary>
    public string BackupName { get; init; } = string.Empty;

    /// <summary>That backup's uid (<c>spec.backupUID</c>).</summary>
    public string BackupUid { get; init; } = string.Empty;

    /// <summary>The VolumeSnapshotLocation name (<c>spec.location</c>).</summary>
    public string Location { get; init; } = string.Empty;

    /// <summary>The PersistentVolume it snapshots (<c>spec.persistentVolumeName</c>).</summary>
    public string PersistentVolumeName { get; init; } = string.Empty;

    /// <summary>The provider's volume id (<c>spec.providerVolumeID</c>).</summary>
    public string ProviderVolumeId { get; init; } = string.Empty;

    /// <summary>Cloud volume type (<c>spec.volumeType</c>).</summary>
    public string VolumeType { get; init; } = string.Empty;

    /// <summary>Availability zone (<c>spec.volumeAZ</c>).</summary>
    public string VolumeAZ { get; init; } = string.Empty;

    /// <summary>Provisioned IOPS (<c>spec.volumeIOPS</c>), when set.</summary>
    public long? VolumeIops { get; init; }

    /// <summary>The provider's snapshot id (<c>status.providerSnapshotID</c>).</summary>
    public string ProviderSnapshotId { get; init; } = string.Empty;

    /// <summary><c>New</c>, <c>Completed</c> or <c>Failed</c> (<c>status.phase</c>).</summary>
    public string Phase { get; init; } = string.Empty;

    /// <summary>Parses the decompressed file: a JSON array or the literal <c>null</c>; null elements are skipped.</summary>
    /// <exception cref="FormatException">The text is not JSON, or not an array of objects.</exception>
    public static IReadOnlyList<NativeVolumeSnapshot> ParseList(string json) => VeleroJson.ParseList(json, "volume snapshots", obj => FromJson(obj));

    /// <inheritdoc cref="ParseList(string)"/>
    public static IReadOnlyList<NativeVolumeSnapshot> ParseList(byte[] utf8Json) => ParseList(VeleroJson.Utf8(utf8Json));

    private static NativeVolumeSnapshot FromJson(JsonObject o)
    {
        var spec = VeleroJson.Object(o, "spec");
        var status = VeleroJson.Object(o, "status");
        return new NativeVolumeSnapshot
        {
            BackupName = VeleroJson.String(spec, "backupName"),
            BackupUid = VeleroJson.String(spec, "backupUID"),
            Location = VeleroJson.String(spec, "location"),
            PersistentVolumeName = VeleroJson.String(spec, "persistentVolumeName"),
            ProviderVolumeId = VeleroJson.String(spec, "providerVolumeID"),
            VolumeType = VeleroJson.String(spec, "volumeType"),
            VolumeAZ = VeleroJson.String(spec, "volumeAZ"),
            VolumeIops = VeleroJson.NullableInt64(spec, "volumeIOPS"),
            ProviderSnapshotId = VeleroJson.String(status, "providerSnapshotID"),
            Phase = VeleroJson.String(status, "phase"),
        };
    }
}
