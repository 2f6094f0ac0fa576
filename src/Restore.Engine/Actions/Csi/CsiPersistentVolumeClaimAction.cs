using System;
using System.Linq;
using System.Text.Json.Nodes;
using Restore.Engine.Velero;

namespace Restore.Engine.Actions.Csi;

/// <summary>
/// <c>velero.io/csi-pvc-restorer</c> (runs when <see cref="RestoreActionOptions.CsiActionsEnabled"/>):
/// <list type="bullet">
/// <item>When the claim already exists in the target namespace (known only when the cluster view
/// implements <see cref="ICsiClusterState"/>) nothing changes.</item>
/// <item>With <c>restorePVs: false</c>, <c>spec.volumeName</c>, <c>spec.dataSource</c> and
/// <c>spec.dataSourceRef</c> are removed: the claim gets a new, empty volume.</item>
/// <item>For a claim backed up with a CSI snapshot (annotation <c>velero.io/volume-snapshot-name</c> on
/// the backup copy) and no data mover, the claim is pointed at the restored VolumeSnapshot
/// (<c>spec.dataSource</c>, named by <see cref="CsiSnapshotNames"/>) and that VolumeSnapshot is
/// restored as an additional item. The CSI driver then provisions the volume from the snapshot: this
/// is ordinary Kubernetes work, so the data does come back without a Velero server. This needs the snapshot,
/// its bound content and that content's snapshot handle in the backup (<see cref="CsiSnapshotChain"/>); when
/// one is missing the claim gets a new, empty volume and a warning naming the Velero server.</item>
/// <item>When the backup moved snapshot data (<see cref="BackupVolumeData.SnapshotMoveData"/>), Velero
/// starts a DataDownload; no data mover runs client-side, so the claim is left for
/// <see cref="PersistentVolumeRestorer"/> to re-provision empty, with a warning there.</item>
/// </list>
/// </summary>
internal sealed class CsiPersistentVolumeClaimAction : IRestoreItemAction
{
    private const string VolumeSnapshotAnnotation = "velero.io/volume-snapshot-name";
    private const string DataUploadAnnotation = "velero.io/data-upload-name";

    /// <inheritdoc />
    public string Name => "velero.io/csi-pvc-restorer";

    /// <inheritdoc />
    public bool AppliesTo(string groupResource) => KnownGroupResources.Is(groupResource, KnownGroupResources.PersistentVolumeClaims);

    /// <inheritdoc />
    public RestoreItemActionResult Execute(RestoreItemActionContext context)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        var options = context.Options;
        if (!options.CsiActionsEnabled
            || context.Item["spec"] is not JsonObject spec
            || (context.Cluster is ICsiClusterState csi && csi.PersistentVolumeClaimExists(context.TargetNamespace, ItemJson.Name(context.Item))))
        {
            return RestoreItemActionResult.Continue;
        }

        if (options.RestorePersistentVolumes == false)
        {
            spec.Remove("volumeName");
            spec.Remove("dataSource");
            spec.Remove("dataSourceRef");
            return RestoreItemActionResult.Continue;
        }

        if (options.BackupVolumes.SnapshotMoveData)
        {
            // The PersistentVolume's decision warns about the data; the plan says it here too, per claim.
            var name = ItemJson.Name(context.Item);
            var upload = options.BackupVolumes.DataUploads.FirstOrDefault(u => u.SourceNamespace == context.SourceNamespace && u.SourcePvc == name);
            if (upload is not null || ItemJson.Annotation(context.ItemFromBackup, VolumeSnapshotAnnotation) is not null || ItemJson.Annotation(context.ItemFromBackup, DataUploadAnnotation) is not null)
            {
                context.AddNote("the claim's data was moved by Velero's data mover" + (upload is null ? string.Empty : $" (DataUpload {upload.Name})")
                    + ", which does not run client-side: the claim gets a new, empty volume; its data needs the Velero server (New-Restore -Server)");
            }

            return RestoreItemActionResult.Continue;
        }

        var snapshotName = ItemJson.Annotation(context.ItemFromBackup, VolumeSnapshotAnnotation);
        if (snapshotName is null)
        {
            return RestoreItemActionResult.Continue;
        }

        // Velero points the claim at the snapshot whatever the backup holds; a snapshot that cannot be restored would
        // leave the claim Pending without a word. Say so, per volume, and give it a new volume as for moved data.
        var chain = CsiSnapshotChain.Resolve(options.BackupVolumes, context.SourceNamespace, snapshotName, options.RestoreUid);
        if (!chain.Usable)
        {
            spec.Remove("volumeName");
            spec.Remove("dataSource");
            spec.Remove("dataSourceRef");
            var claim = $"{context.TargetNamespace}/{ItemJson.Name(context.Item)}";
            context.AddWarning($"volume data not restored for claim {claim}: its CSI snapshot cannot be used client-side because {chain.Problem}; the claim gets a new, empty volume. To restore its data, {CsiSnapshotChain.ServerHint}");
            context.AddNote($"the claim's data is in CSI snapshot {snapshotName}, which cannot be used client-side ({chain.Problem}): the claim gets a new, empty volume; its data needs the Velero server (New-Restore -Server)");
            return RestoreItemActionResult.Continue;
        }

        spec.Remove("volumeName");
        spec.Remove("dataSourceRef");
        spec["dataSource"] = new JsonObject
        {
            ["apiGroup"] = CsiSnapshotNames.SnapshotGroup,
            ["kind"] = "VolumeSnapshot",
            ["name"] = chain.RestoredName,
        };
        context.AddNote(chain.Describe());

        return RestoreItemActionResult.WithAdditionalItems(
            new AdditionalItem(KnownGroupResources.VolumeSnapshots, context.SourceNamespace, snapshotName));
    }
}
