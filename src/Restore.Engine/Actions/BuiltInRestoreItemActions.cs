using System.Collections.Generic;
using Restore.Engine.Actions.Csi;

namespace Restore.Engine.Actions;

/// <summary>
/// The built-in restore item actions in the order Velero runs them. Velero's plugin server lists the
/// names of each plugin kind sorted (<c>ServerMux.Names</c> uses a sorted set), and its registry puts the
/// v1 restore item actions before the v2 (CSI) ones; so the run order is alphabetical by name within
/// each group, not the order of the registration calls in <c>plugin.go</c>.
/// </summary>
internal static class BuiltInRestoreItemActions
{
    /// <summary>Velero's names in run order.</summary>
    public static IReadOnlyList<string> RunOrder { get; } = new[]
    {
        "velero.io/add-pvc-from-pod",
        "velero.io/admission-webhook-configuration",
        "velero.io/apiservice",
        "velero.io/change-image-name",
        "velero.io/change-storage-class",
        "velero.io/cluster-role-bindings",
        "velero.io/crd-preserve-fields",
        "velero.io/dataupload",
        "velero.io/init-restore-hook",
        "velero.io/job",
        "velero.io/pod",
        "velero.io/pod-volume-restore",
        "velero.io/pvc",
        "velero.io/role-bindings",
        "velero.io/secret",
        "velero.io/service",
        "velero.io/service-account",
        "velero.io/csi-pvc-restorer",
        "velero.io/csi-volumesnapshot-restorer",
        "velero.io/csi-volumesnapshotclass-restorer",
        "velero.io/csi-volumesnapshotcontent-restorer",
    };

    /// <summary>A new instance of every built-in action, in <see cref="RunOrder"/>. The actions are stateless.</summary>
    public static IReadOnlyList<IRestoreItemAction> Create() => new IRestoreItemAction[]
    {
        new AddPvcFromPodAction(),
        new WebhookConfigurationAction(),
        new ApiServiceAction(),
        new ChangeImageNameAction(),
        new ChangeStorageClassAction(),
        new ClusterRoleBindingAction(),
        new CustomResourceDefinitionAction(),
        new DataUploadAction(),
        new InitRestoreHookPodAction(),
        new JobAction(),
        new PodAction(),
        new PodVolumeRestoreAction(),
        new PersistentVolumeClaimAction(),
        new RoleBindingAction(),
        new SecretAction(),
        new ServiceAction(),
        new ServiceAccountAction(),
        new CsiPersistentVolumeClaimAction(),
        new CsiVolumeSnapshotAction(),
        new CsiVolumeSnapshotClassAction(),
        new CsiVolumeSnapshotContentAction(),
    };
}
