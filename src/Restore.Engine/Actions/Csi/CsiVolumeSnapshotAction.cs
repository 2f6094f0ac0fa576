using System;
using System.Text.Json.Nodes;

namespace Restore.Engine.Actions.Csi;

/// <summary>
/// <c>velero.io/csi-volumesnapshot-restorer</c> (runs when <see cref="RestoreActionOptions.CsiActionsEnabled"/>):
/// skipped with <c>restorePVs: false</c>. Otherwise the VolumeSnapshot is restored as a pre-provisioned
/// snapshot: renamed per <see cref="CsiSnapshotNames"/>, <c>spec.source</c> set to
/// <c>volumeSnapshotContentName</c> of that same name (instead of the claim, which would take a new
/// snapshot), <c>spec.volumeSnapshotClassName</c> removed, annotation
/// <c>velero.io/csi-vsc-deletion-policy: Retain</c> added, and its backed-up VolumeSnapshotContent
/// (<c>status.boundVolumeSnapshotContentName</c>) restored as an additional item.
/// </summary>
/// <remarks>
/// Velero also creates a stub VolumeGroupSnapshotContent for snapshots taken as part of a volume
/// group; that needs cluster writes from inside an action, so it is not done here (Velero itself
/// only logs when it fails). A backup copy without a bound content fails the item, as in Velero.
/// </remarks>
internal sealed class CsiVolumeSnapshotAction : IRestoreItemAction
{
    /// <summary>The skip reason when <c>restorePVs</c> is false.</summary>
    public const string RestorePvsFalseReason = "restorePVs is false, so CSI snapshots are not restored";

    /// <inheritdoc />
    public string Name => "velero.io/csi-volumesnapshot-restorer";

    /// <inheritdoc />
    public bool AppliesTo(string groupResource) => KnownGroupResources.Is(groupResource, KnownGroupResources.VolumeSnapshots);

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
            return RestoreItemActionResult.SkipItem(RestorePvsFalseReason);
        }

        var backupName = ItemJson.Name(context.ItemFromBackup);
        var boundContent = ItemJson.String(context.ItemFromBackup, "status", "boundVolumeSnapshotContentName");
        if (string.IsNullOrEmpty(boundContent))
        {
            throw new RestoreItemActionException($"VolumeSnapshot {backupName} has no bound VolumeSnapshotContent (status.boundVolumeSnapshotContentName)");
        }

        var item = context.Item;
        var newName = CsiSnapshotNames.ForRestore(context.Options.RestoreUid, backupName);
        var metadata = ItemJson.GetOrAddObject(item, "metadata");
        metadata["name"] = newName;
        ItemJson.GetOrAddObject(metadata, "annotations")["velero.io/csi-vsc-deletion-policy"] = "Retain";

        var spec = ItemJson.GetOrAddObject(item, "spec");
        spec["source"] = new JsonObject { ["volumeSnapshotContentName"] = newName };
        spec.Remove("volumeSnapshotClassName");
        context.AddNote($"restored as VolumeSnapshot {newName}, bound to the pre-provisioned VolumeSnapshotContent {newName} (from the backed-up content {boundContent})");

        return RestoreItemActionResult.WithAdditionalItems(
            new AdditionalItem(KnownGroupResources.VolumeSnapshotContents, string.Empty, boundContent!));
    }
}
