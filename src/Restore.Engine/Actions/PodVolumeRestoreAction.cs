using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace Restore.Engine.Actions;

/// <summary>
/// <c>velero.io/pod-volume-restore</c>, client-side. Velero removes any <c>restore-wait</c> (or legacy
/// <c>restic-wait</c>) init container left from an earlier restore and, for pods with file-system
/// backups, adds a fresh one that waits for its node agent to write the data back. No node agent
/// runs client-side, so we only remove the old init containers (a leftover one would keep the pod in
/// <c>Init</c> forever) and warn, per volume, that the file-system backup data is not restored.
/// </summary>
/// <remarks>
/// The warning covers volumes that are not PersistentVolumeClaims (for example <c>emptyDir</c>); the
/// data of claim-backed volumes is reported once, for the PersistentVolume, by
/// <see cref="PersistentVolumeRestorer"/>. Volumes are found as Velero finds them: PodVolumeBackups of
/// this pod (by name and backup namespace) with a snapshot id, except projected and downward API
/// volumes; when there are none, the legacy <c>snapshot.velero.io/&lt;volume&gt;</c> pod annotations.
/// </remarks>
internal sealed class PodVolumeRestoreAction : IRestoreItemAction
{
    private const string LegacySnapshotAnnotationPrefix = "snapshot.velero.io/";

    /// <inheritdoc />
    public string Name => "velero.io/pod-volume-restore";

    /// <inheritdoc />
    public bool AppliesTo(string groupResource) => KnownGroupResources.Is(groupResource, KnownGroupResources.Pods);

    /// <inheritdoc />
    public RestoreItemActionResult Execute(RestoreItemActionContext context)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        var spec = ItemJson.Object(context.Item, "spec");
        if (spec?["initContainers"] is JsonArray initContainers)
        {
            ItemJson.RemoveWhere(initContainers, c => ItemJson.AsString((c as JsonObject)?["name"]) is "restore-wait" or "restic-wait");
            ItemJson.RemoveIfEmpty(spec, "initContainers");
        }

        var podName = ItemJson.Name(context.Item);
        var volumes = IndexVolumes(spec);
        foreach (var backedUp in FileSystemBackedVolumes(context, podName, volumes))
        {
            if (volumes.TryGetValue(backedUp.Volume, out var volume) && volume["persistentVolumeClaim"] is JsonObject)
            {
                continue;
            }

            var uploader = backedUp.UploaderType.Length > 0 ? $", uploader {backedUp.UploaderType}" : string.Empty;
            context.AddWarning(
                $"volume data not restored for pod {context.SourceNamespace}/{podName} volume \"{backedUp.Volume}\": " +
                $"backup method PodVolumeBackup (file-system backup{uploader}) needs Velero's node agent; the volume starts empty (New-Restore -Server lets the cluster's Velero restore it)");
        }

        return RestoreItemActionResult.Continue;
    }

    private static Dictionary<string, JsonObject> IndexVolumes(JsonObject? spec)
    {
        var volumes = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var node in spec?["volumes"] as JsonArray ?? new JsonArray())
        {
            if (node is JsonObject volume && ItemJson.AsString(volume["name"]) is { } name && !volumes.ContainsKey(name))
            {
                volumes[name] = volume;
            }
        }

        return volumes;
    }

    private static List<(string Volume, string UploaderType)> FileSystemBackedVolumes(RestoreItemActionContext context, string podName, Dictionary<string, JsonObject> volumes)
    {
        var found = new List<(string, string)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pvb in context.Options.BackupVolumes.PodVolumeBackups)
        {
            if (pvb.PodName != podName || pvb.PodNamespace != context.SourceNamespace || pvb.SnapshotId.Length == 0)
            {
                continue;
            }

            if (volumes.TryGetValue(pvb.Volume, out var volume) && (volume["projected"] is not null || volume["downwardAPI"] is not null))
            {
                continue;
            }

            if (seen.Add(pvb.Volume))
            {
                found.Add((pvb.Volume, pvb.UploaderType));
            }
        }

        if (found.Count > 0)
        {
            return found;
        }

        foreach (var pair in ItemJson.Annotations(context.ItemFromBackup) ?? new JsonObject())
        {
            if (pair.Key.StartsWith(LegacySnapshotAnnotationPrefix, StringComparison.Ordinal) && pair.Key.Length > LegacySnapshotAnnotationPrefix.Length)
            {
                found.Add((pair.Key.Substring(LegacySnapshotAnnotationPrefix.Length), string.Empty));
            }
        }

        return found;
    }
}
