using System;
using Restore.Engine.Actions;
using Restore.Engine.Archive;
using Restore.Engine.Common;
using Restore.Engine.Kubernetes;
using Restore.Engine.Planning.Modifiers;
using Restore.Engine.Velero;

namespace Restore.Engine.Planning;

/// <summary>Everything the planner needs for one restore.</summary>
internal sealed class RestorePlanRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="contents">The backup's resources.</param>
    /// <param name="spec">The restore spec (validated by the planner).</param>
    /// <param name="catalog">Resources the target serves: discovery for a live cluster (ideally layered over the
    /// backup's CRDs, see <see cref="LayeredResourceCatalog"/>), or <see cref="BackupResourceCatalog.Create"/> offline.</param>
    public RestorePlanRequest(BackupContents contents, RestoreSpec spec, IResourceCatalog catalog)
    {
        Contents = contents ?? throw new ArgumentNullException(nameof(contents));
        Spec = spec ?? throw new ArgumentNullException(nameof(spec));
        Catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
    }

    /// <summary>The backup's resources.</summary>
    public BackupContents Contents { get; }

    /// <summary>The restore spec. <c>backupName</c> must already name the backup (schedules resolved by the caller).</summary>
    public RestoreSpec Spec { get; }

    /// <summary>Resources the target serves.</summary>
    public IResourceCatalog Catalog { get; }

    /// <summary>
    /// True when <see cref="Catalog"/> is the target cluster's discovery: a custom resource whose API it does not
    /// know is then planned as Failed (<c>error restoring ...</c>). Offline, such items are planned with a note.
    /// </summary>
    public bool CatalogIsLive { get; init; }

    /// <summary>The restore's name, stamped as <c>velero.io/restore-name</c>.</summary>
    public string RestoreName { get; init; } = string.Empty;

    /// <summary>The backup's <c>status.formatVersion</c> (<c>1.1.0</c>); decides whether API group version choice applies.</summary>
    public string? BackupFormatVersion { get; init; }

    /// <summary>What the backup says about volumes (volume info, snapshots, pod volume backups); decides PersistentVolumes (docs/velero-compatibility.md#persistent-volumes).</summary>
    public BackupVolumeData BackupVolumes { get; init; } = BackupVolumeData.Empty;

    /// <summary>The restore's uid; the CSI actions derive snapshot names from it.</summary>
    public string RestoreUid { get; init; } = string.Empty;

    /// <summary>Run the CSI actions, as a Velero server with the <c>EnableCSI</c> feature flag (default true).</summary>
    public bool CsiActionsEnabled { get; init; } = true;

    /// <summary>Makes clone names for renamed PersistentVolumes; null for <c>velero-clone-&lt;uuid&gt;</c>.</summary>
    public Func<string>? CloneNameFactory { get; init; }

    /// <summary>Restore-wide settings for the actions. When null (normal) the planner builds them from the spec
    /// (mappings, <c>restorePVs</c>, <c>preserveNodePorts</c>) and this request.</summary>
    public RestoreActionOptions? ActionOptions { get; init; }

    /// <summary>Live view of the target cluster for actions and PV decisions; null offline.</summary>
    public IClusterState? Cluster { get; init; }

    /// <summary>The restore item actions to run; defaults to Velero's built-ins.</summary>
    public RestoreItemActionRegistry Actions { get; init; } = RestoreItemActionRegistry.Default;

    /// <summary>
    /// The resource modifier rules of the spec's <c>resourceModifier</c> ConfigMap, read and validated by the caller
    /// (<see cref="ResourceModifierSet.FromConfigMap"/>; a failure there is a validation error of the restore);
    /// null when the restore has none.
    /// </summary>
    public ResourceModifierSet? ResourceModifiers { get; init; }

    /// <summary>Keep the excluded items in <see cref="RestorePlan.Items"/> (default) or drop them to save memory.</summary>
    public bool IncludeExcludedItems { get; init; } = true;

    /// <summary>Keep each item's object in the plan (default); false drops them after planning (a summary-only preview).</summary>
    public bool RetainObjects { get; init; } = true;

    /// <summary>Where the planner logs its decisions.</summary>
    public IEngineLog Log { get; init; } = NullEngineLog.Instance;

    /// <summary>
    /// Whether items that nothing but the metadata reset and restore labels change are rewritten without an object
    /// tree (<see cref="PlainItemRewriter"/>). Tests turn it off to check both paths give the same plan.
    /// </summary>
    internal bool RewritePlainItems { get; set; } = true;
}
