using System;

namespace Restore.Engine.Actions;

/// <summary>
/// <c>velero.io/pvc</c>: removes the binding and provisioning annotations the target cluster must
/// set again (<c>pv.kubernetes.io/bind-completed</c>, <c>pv.kubernetes.io/bound-by-controller</c>,
/// <c>volume.kubernetes.io/storage-provisioner</c>, <c>volume.beta.kubernetes.io/storage-provisioner</c>,
/// <c>volume.kubernetes.io/selected-node</c>, <c>velero.io/volume-snapshot-name</c>,
/// <c>velero.io/data-upload-name</c>). When the backup copy was <c>Bound</c> with a
/// <c>spec.volumeName</c>, that PersistentVolume is restored too.
/// </summary>
/// <remarks>
/// <c>volume.kubernetes.io/selected-node</c> is rewritten instead of removed when
/// <see cref="RestoreActionOptions.NodeMapping"/> maps the node, as Velero 1.14-1.17 did with its
/// <c>velero.io/change-pvc-node-selector</c> ConfigMap; the mapped node is not checked for existence.
/// Velero 1.18 always removes the annotation, which is what an empty mapping gives.
/// </remarks>
internal sealed class PersistentVolumeClaimAction : IRestoreItemAction
{
    private const string SelectedNodeAnnotation = "volume.kubernetes.io/selected-node";

    private static readonly string[] RemovedAnnotations =
    {
        "pv.kubernetes.io/bind-completed",
        "pv.kubernetes.io/bound-by-controller",
        "volume.kubernetes.io/storage-provisioner",
        "volume.beta.kubernetes.io/storage-provisioner",
        "velero.io/volume-snapshot-name",
        "velero.io/data-upload-name",
    };

    /// <inheritdoc />
    public string Name => "velero.io/pvc";

    /// <inheritdoc />
    public bool AppliesTo(string groupResource) => KnownGroupResources.Is(groupResource, KnownGroupResources.PersistentVolumeClaims);

    /// <inheritdoc />
    public RestoreItemActionResult Execute(RestoreItemActionContext context)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        var metadata = ItemJson.Object(context.Item, "metadata");
        var annotations = ItemJson.Object(metadata, "annotations");
        if (annotations is not null)
        {
            var node = ItemJson.AsString(annotations[SelectedNodeAnnotation]);
            if (node is not null && context.Options.NodeMapping.TryGetValue(node, out var newNode) && !string.IsNullOrEmpty(newNode))
            {
                annotations[SelectedNodeAnnotation] = newNode;
            }
            else
            {
                annotations.Remove(SelectedNodeAnnotation);
            }

            ItemJson.RemoveKeys(metadata, "annotations", RemovedAnnotations);
        }

        var backup = context.ItemFromBackup;
        var volumeName = ItemJson.String(backup, "spec", "volumeName");
        if (ItemJson.String(backup, "status", "phase") != "Bound" || string.IsNullOrEmpty(volumeName))
        {
            return RestoreItemActionResult.Continue;
        }

        return RestoreItemActionResult.WithAdditionalItems(new AdditionalItem(KnownGroupResources.PersistentVolumes, string.Empty, volumeName!));
    }
}
