using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace Restore.Engine.Velero;

/// <summary>
/// A PodVolumeBackup (file-system backup of one pod volume), as stored in
/// <c>&lt;backup&gt;-podvolumebackups.json.gz</c>. Only the fields a restore looks at are kept.
/// </summary>
internal sealed class PodVolumeBackup
{
    /// <summary>The annotation naming the claim behind the volume (<c>velero.io/pvc-name</c>).</summary>
    public const string PvcNameAnnotation = "velero.io/pvc-name";

    /// <summary><c>metadata.name</c>.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary><c>metadata.namespace</c> (Velero's namespace).</summary>
    public string Namespace { get; init; } = string.Empty;

    /// <summary><c>metadata.annotations</c>.</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    /// <summary>Node that ran the backup (<c>spec.node</c>).</summary>
    public string Node { get; init; } = string.Empty;

    /// <summary>The pod's namespace in the backup (<c>spec.pod.namespace</c>).</summary>
    public string PodNamespace { get; init; } = string.Empty;

    /// <summary>The pod's name (<c>spec.pod.name</c>).</summary>
    public string PodName { get; init; } = string.Empty;

    /// <summary>The pod's uid (<c>spec.pod.uid</c>).</summary>
    public string PodUid { get; init; } = string.Empty;

    /// <summary>The pod's name for the volume (<c>spec.volume</c>).</summary>
    public string Volume { get; init; } = string.Empty;

    /// <summary>Backup storage location (<c>spec.backupStorageLocation</c>).</summary>
    public string BackupStorageLocation { get; init; } = string.Empty;

    /// <summary><c>kopia</c> or <c>restic</c>; empty means restic for old backups (<c>spec.uploaderType</c>).</summary>
    public string UploaderType { get; init; } = string.Empty;

    /// <summary><c>status.phase</c>, such as <c>Completed</c> or <c>Failed</c>.</summary>
    public string Phase { get; init; } = string.Empty;

    /// <summary>The repository snapshot id (<c>status.snapshotID</c>); empty when nothing was stored.</summary>
    public string SnapshotId { get; init; } = string.Empty;

    /// <summary>Bytes in the volume (<c>status.progress.totalBytes</c>).</summary>
    public long TotalBytes { get; init; }

    /// <summary>The claim name from <see cref="PvcNameAnnotation"/>, or empty.</summary>
    public string PvcName => Annotations.TryGetValue(PvcNameAnnotation, out var name) ? name : string.Empty;

    /// <summary>Parses the decompressed file: a JSON array of PodVolumeBackup objects or the literal <c>null</c>.</summary>
    /// <exception cref="FormatException">The text is not JSON, or not an array of objects.</exception>
    public static IReadOnlyList<PodVolumeBackup> ParseList(string json) => VeleroJson.ParseList(json, "pod volume backups", obj => FromJson(obj));

    /// <inheritdoc cref="ParseList(string)"/>
    public static IReadOnlyList<PodVolumeBackup> ParseList(byte[] utf8Json) => ParseList(VeleroJson.Utf8(utf8Json));

    private static PodVolumeBackup FromJson(JsonObject o)
    {
        var metadata = VeleroJson.Object(o, "metadata");
        var spec = VeleroJson.Object(o, "spec");
        var pod = VeleroJson.Object(spec, "pod");
        var status = VeleroJson.Object(o, "status");
        return new PodVolumeBackup
        {
            Name = VeleroJson.String(metadata, "name"),
            Namespace = VeleroJson.String(metadata, "namespace"),
            Annotations = VeleroJson.StringMap(metadata, "annotations"),
            Node = VeleroJson.String(spec, "node"),
            PodNamespace = VeleroJson.String(pod, "namespace"),
            PodName = VeleroJson.String(pod, "name"),
            PodUid = VeleroJson.String(pod, "uid"),
            Volume = VeleroJson.String(spec, "volume"),
            BackupStorageLocation = VeleroJson.String(spec, "backupStorageLocation"),
            UploaderType = VeleroJson.String(spec, "uploaderType"),
            Phase = VeleroJson.String(status, "phase"),
            SnapshotId = VeleroJson.String(status, "snapshotID"),
            TotalBytes = VeleroJson.Int64(VeleroJson.Object(status, "progress"), "totalBytes"),
        };
    }
}
