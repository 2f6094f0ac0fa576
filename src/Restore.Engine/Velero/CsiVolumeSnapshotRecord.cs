using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace Restore.Engine.Velero;

/// <summary>
/// The facts a restore needs from a CSI VolumeSnapshot of the backup: from the legacy
/// <c>&lt;backup&gt;-csi-volumesnapshots.json.gz</c> (written up to Velero 1.16) or from a
/// <c>volumesnapshots.snapshot.storage.k8s.io</c> item of the tarball.
/// </summary>
internal sealed class CsiVolumeSnapshotRecord
{
    /// <summary><c>metadata.namespace</c>.</summary>
    public string Namespace { get; init; } = string.Empty;

    /// <summary><c>metadata.name</c>.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The claim it snapshots (<c>spec.source.persistentVolumeClaimName</c>); null when absent.</summary>
    public string? SourcePersistentVolumeClaimName { get; init; }

    /// <summary>The bound VolumeSnapshotContent (<c>status.boundVolumeSnapshotContentName</c>).</summary>
    public string BoundVolumeSnapshotContentName { get; init; } = string.Empty;

    /// <summary><c>status.readyToUse</c>.</summary>
    public bool? ReadyToUse { get; init; }

    /// <summary>True when the tarball holds the item, so a restore can read it (the legacy file alone is not enough).</summary>
    public bool InTarball { get; init; }

    /// <summary>Parses a JSON array of VolumeSnapshot objects, or the literal <c>null</c>.</summary>
    /// <exception cref="FormatException">The text is not JSON, or not an array of objects.</exception>
    public static IReadOnlyList<CsiVolumeSnapshotRecord> ParseList(string json) => VeleroJson.ParseList(json, "CSI volume snapshots", obj => FromJson(obj, inTarball: false));

    /// <inheritdoc cref="ParseList(string)"/>
    public static IReadOnlyList<CsiVolumeSnapshotRecord> ParseList(byte[] utf8Json) => ParseList(VeleroJson.Utf8(utf8Json));

    /// <summary>Reads one VolumeSnapshot item (for example from the backup tarball).</summary>
    /// <exception cref="FormatException">The text is not a JSON object.</exception>
    public static CsiVolumeSnapshotRecord Parse(string json)
    {
        var single = VeleroJson.ParseArray("[" + json + "]", "CSI volume snapshot");
        return single.Count == 1 ? FromJson(single[0], inTarball: true) : throw new FormatException("CSI volume snapshot must be a JSON object");
    }

    private static CsiVolumeSnapshotRecord FromJson(JsonObject o, bool inTarball)
    {
        var metadata = VeleroJson.Object(o, "metadata");
        var source = VeleroJson.Object(VeleroJson.Object(o, "spec"), "source");
        var status = VeleroJson.Object(o, "status");
        var pvc = VeleroJson.Get(source, "persistentVolumeClaimName");
        return new CsiVolumeSnapshotRecord
        {
            Namespace = VeleroJson.String(metadata, "namespace"),
            Name = VeleroJson.String(metadata, "name"),
            SourcePersistentVolumeClaimName = pvc is null ? null : VeleroJson.String(source, "persistentVolumeClaimName"),
            BoundVolumeSnapshotContentName = VeleroJson.String(status, "boundVolumeSnapshotContentName"),
            ReadyToUse = VeleroJson.NullableBool(status, "readyToUse"),
            InTarball = inTarball,
        };
    }
}
