using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace Restore.Engine.Model;

/// <summary>
/// A PodVolumeBackup (file-system backup of one pod volume), as stored in
/// <c>&lt;backup&gt;-podvolumebackups.json.gz</c>. Only the fields a restore looks at are kept.
/// </summary>
public sealed class PodVolumeBackup
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
    public static IReadOnlyList<PodVolumeBackup> ParseList(string json)
    {
        var list = new List<PodVolumeBackup>();
        foreach (var obj in ModelJson.ParseArray(json, "pod volume backups"))
        {
            list.Add(FromJson(obj));
        }

        return list;
    }

    /// <inheritdoc cref="ParseList(string)"/>
    public static IReadOnlyList<PodVolumeBackup> ParseList(byte[] utf8Json) => ParseList(ModelJson.Utf8(utf8Json));

    private static PodVolumeBackup FromJson(JsonObject o)
    {
        var metadata = ModelJson.Object(o, "metadata");
        var spec = ModelJson.Object(o, "spec");
        var pod = ModelJson.Object(spec, "pod");
        var status = ModelJson.Object(o, "status");
        return new PodVolumeBackup
        {
            Name = ModelJson.String(metadata, "name"),
            Namespace = ModelJson.String(metadata, "namespace"),
            Annotations = ModelJson.StringMap(metadata, "annotations"),
            Node = ModelJson.String(spec, "node"),
            PodNamespace = ModelJson.String(pod, "namespace"),
            PodName = ModelJson.String(pod, "name"),
            PodUid = ModelJson.String(pod, "uid"),
            Volume = ModelJson.String(spec, "volume"),
            BackupStorageLocation = ModelJson.String(spec, "backupStorageLocation"),
            UploaderType = ModelJson.String(spec, "uploaderType"),
            Phase = ModelJson.String(status, "phase"),
            SnapshotId = ModelJson.String(status, "snapshotID"),
            TotalBytes = ModelJson.Int64(ModelJson.Object(status, "progress"), "totalBytes"),
        };
    }
}
