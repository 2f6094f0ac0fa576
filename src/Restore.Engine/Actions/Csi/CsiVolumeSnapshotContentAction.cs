using System;
using System.Text.Json.Nodes;

namespace Restore.Engine.Actions.Csi;

/// <summary>
/// <c>velero.io/csi-volumesnapshotcontent-restorer</c> (runs when <see cref="RestoreActionOptions.CsiActionsEnabled"/>):
/// skipped with <c>restorePVs: false</c>. Otherwise the content is restored as a pre-provisioned
/// snapshot of the backup's storage snapshot: renamed per <see cref="CsiSnapshotNames"/> (from the
/// backed-up <c>spec.volumeSnapshotRef.name</c>), <c>spec.volumeSnapshotRef</c> pointed at that name in
/// the mapped namespace without <c>uid</c>/<c>resourceVersion</c>, <c>spec.deletionPolicy: Retain</c> (so
/// deleting the restored objects never deletes the backup's snapshot), and <c>spec.source</c> replaced by
/// <c>snapshotHandle</c> from the backup copy's status.
/// </summary>
/// <remarks>
/// <c>spec.volumeSnapshotClassName</c> is set to the first class of the same driver when the cluster
/// view implements <see cref="ICsiClusterState"/>, and removed otherwise. The snapshotter secret named
/// by the annotations <c>csi.storage.k8s.io/snapshotter-secret-name</c>/<c>-namespace</c> is restored as
/// an additional item. A backup copy without <c>status.snapshotHandle</c> fails the item, as in Velero.
/// </remarks>
internal sealed class CsiVolumeSnapshotContentAction : IRestoreItemAction
{
    private const string SecretNameAnnotation = "csi.storage.k8s.io/snapshotter-secret-name";
    private const string SecretNamespaceAnnotation = "csi.storage.k8s.io/snapshotter-secret-namespace";

    /// <inheritdoc />
    public string Name => "velero.io/csi-volumesnapshotcontent-restorer";

    /// <inheritdoc />
    public bool AppliesTo(string groupResource) => KnownGroupResources.Is(groupResource, KnownGroupResources.VolumeSnapshotContents);

    /// <inheritdoc />
    public RestoreItemActionResult Execute(RestoreItemActionContext context)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        if (!context.Options.CsiActionsEnabled)
        {
            return RestoreItemActionResult.Continue;
        }

        if (context.Options.RestorePersistentVolumes == false)
        {
            return RestoreItemActionResult.SkipItem(CsiVolumeSnapshotAction.RestorePvsFalseReason);
        }

        var item = context.Item;
        var spec = ItemJson.GetOrAddObject(item, "spec");
        var reference = ItemJson.GetOrAddObject(spec, "volumeSnapshotRef");
        if (ItemJson.AsString(reference["namespace"]) is { } refNamespace
            && context.Options.NamespaceMapping.TryGetValue(refNamespace, out var mapped))
        {
            reference["namespace"] = mapped;
        }

        var snapshotName = ItemJson.String(context.ItemFromBackup, "spec", "volumeSnapshotRef", "name") ?? string.Empty;
        var newName = CsiSnapshotNames.ForRestore(context.Options.RestoreUid, snapshotName);
        ItemJson.GetOrAddObject(item, "metadata")["name"] = newName;
        reference["name"] = newName;
        reference.Remove("resourceVersion");
        reference.Remove("uid");
        spec["deletionPolicy"] = "Retain";

        var handle = ItemJson.String(context.ItemFromBackup, "status", "snapshotHandle");
        if (handle is null)
        {
            throw new RestoreItemActionException($"fail to get snapshot handle from VolumeSnapshotContent {ItemJson.Name(context.ItemFromBackup)} status");
        }

        spec["source"] = new JsonObject { ["snapshotHandle"] = handle };

        spec.Remove("volumeSnapshotClassName");
        var driver = ItemJson.AsString(spec["driver"]) ?? string.Empty;
        if (context.Cluster is ICsiClusterState csi && csi.GetVolumeSnapshotClassNames(driver) is { Count: > 0 } classes)
        {
            spec["volumeSnapshotClassName"] = classes[0];
        }

        var className = ItemJson.AsString(spec["volumeSnapshotClassName"]);
        context.AddNote($"pre-provisioned from snapshot handle {handle} of driver {driver}, bound to VolumeSnapshot {ItemJson.AsString(reference["namespace"])}/{newName}, deletion policy Retain"
            + (className is null ? ", no VolumeSnapshotClass (none of this driver is known)" : $", VolumeSnapshotClass {className}"));

        var annotations = ItemJson.Annotations(item);
        if (ItemJson.AsString(annotations?[SecretNameAnnotation]) is { } secretName
            && ItemJson.AsString(annotations?[SecretNamespaceAnnotation]) is { } secretNamespace)
        {
            return RestoreItemActionResult.WithAdditionalItems(new AdditionalItem(KnownGroupResources.Secrets, secretNamespace, secretName));
        }

        return RestoreItemActionResult.Continue;
    }
}
