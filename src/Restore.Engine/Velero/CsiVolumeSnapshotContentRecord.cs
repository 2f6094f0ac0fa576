using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace Restore.Engine.Velero;

/// <summary>
/// The facts a restore needs from a CSI VolumeSnapshotContent of the backup: from a
/// <c>volumesnapshotcontents.snapshot.storage.k8s.io</c> item of the tarball or from the legacy
/// <c>&lt;backup&gt;-csi-volumesnapshotcontents.json.gz</c> (written up to Velero 1.16). Only a content whose
/// storage snapshot handle is known can be pre-provisioned again (docs/velero-compatibility.md#csi-snapshots).
/// </summary>
internal sealed class CsiVolumeSnapshotContentRecord
{
    /// <summary><c>metadata.name</c>.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The CSI driver (<c>spec.driver</c>).</summary>
    public string Driver { get; init; } = string.Empty;

    /// <summary>The storage system's snapshot id (<c>status.snapshotHandle</c>); empty when the backup does not have it.</summary>
    public string SnapshotHandle { get; init; } = string.Empty;

    /// <summary>Namespace of the VolumeSnapshot it was bound to (<c>spec.volumeSnapshotRef.namespace</c>).</summary>
    public string SnapshotNamespace { get; init; } = string.Empty;

    /// <summary>Name of the VolumeSnapshot it was bound to (<c>spec.volumeSnapshotRef.name</c>).</summary>
    public string SnapshotName { get; init; } = string.Empty;

    /// <summary>True when the tarball holds the item, so a restore can read it (the legacy file alone is not enough).</summary>
    public bool InTarball { get; init; }

    /// <summary>Parses a JSON array of VolumeSnapshotContent objects, or the literal <c>null</c>.</summary>
    /// <exception cref="FormatException">The text is not JSON, or not an array of objects.</exception>
    public static IReadOnlyList<CsiVolumeSnapshotContentRecord> ParseList(string json) => VeleroJson.ParseList(json, "CSI volume snapshot contents", obj => FromJson(obj, inTarball: false));

    /// <inheritdoc cref="ParseList(string)"/>
    public static IReadOnlyList<CsiVolumeSnapshotContentRecord> ParseList(byte[] utf8Json) => ParseList(VeleroJson.Utf8(utf8Json));

    /// <summary>Reads one VolumeSnapshotContent item of the tarball.</summary>
    /// <exception cref="FormatException">The text is not a JSON object.</exception>
    public static CsiVolumeSnapshotContentRecord Parse(string json)
    {
        var single = VeleroJson.ParseArray("[" + json + "]", "CSI volume snapshot content");
        return single.Count == 1 ? FromJson(single[0], inTarball: true) : throw new FormatException("CSI volume snapshot content must be a JSON object");
    }

    private static CsiVolumeSnapshotContentRecord FromJson(JsonObject o, bool inTarball)
    {
        var spec = VeleroJson.Object(o, "spec");
        var reference = VeleroJson.Object(spec, "volumeSnapshotRef");
        return new CsiVolumeSnapshotContentRecord
        {
            Name = VeleroJson.String(VeleroJson.Object(o, "metadata"), "name"),
            Driver = VeleroJson.String(spec, "driver"),
            SnapshotHandle = VeleroJson.String(VeleroJson.Object(o, "status"), "snapshotHandle"),
            SnapshotNamespace = VeleroJson.String(reference, "namespace"),
            SnapshotName = VeleroJson.String(reference, "name"),
            InTarball = inTarball,
        };
    }
}
