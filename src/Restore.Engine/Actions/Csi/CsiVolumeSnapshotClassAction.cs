using System;

namespace Restore.Engine.Actions.Csi;

/// <summary>
/// <c>velero.io/csi-volumesnapshotclass-restorer</c> (runs when <see cref="RestoreActionOptions.CsiActionsEnabled"/>):
/// skipped with <c>restorePVs: false</c>; otherwise restored unchanged, with the snapshotter list
/// secret named by the annotations <c>csi.storage.k8s.io/snapshotter-list-secret-name</c>/<c>-namespace</c>
/// as an additional item.
/// </summary>
internal sealed class CsiVolumeSnapshotClassAction : IRestoreItemAction
{
    private const string ListSecretNameAnnotation = "csi.storage.k8s.io/snapshotter-list-secret-name";
    private const string ListSecretNamespaceAnnotation = "csi.storage.k8s.io/snapshotter-list-secret-namespace";

    /// <inheritdoc />
    public string Name => "velero.io/csi-volumesnapshotclass-restorer";

    /// <inheritdoc />
    public bool AppliesTo(string groupResource) => KnownGroupResources.Is(groupResource, KnownGroupResources.VolumeSnapshotClasses);

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

        var annotations = ItemJson.Annotations(context.Item);
        if (ItemJson.AsString(annotations?[ListSecretNameAnnotation]) is { } name
            && ItemJson.AsString(annotations?[ListSecretNamespaceAnnotation]) is { } ns)
        {
            return RestoreItemActionResult.WithAdditionalItems(new AdditionalItem(KnownGroupResources.Secrets, ns, name));
        }

        return RestoreItemActionResult.Continue;
    }
}
