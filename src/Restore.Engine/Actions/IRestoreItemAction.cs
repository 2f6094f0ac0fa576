using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using Restore.Engine.Velero;

namespace Restore.Engine.Actions;

/// <summary>
/// A per-kind fix-up applied to an item before it is created, matching one of Velero's built-in
/// restore item actions (docs/velero-compatibility.md#item-actions). One small class per action, each in its own file.
/// </summary>
internal interface IRestoreItemAction
{
    /// <summary>Velero's registration name, such as <c>velero.io/pod</c>; used in logs and plans.</summary>
    string Name { get; }

    /// <summary>True when the action handles items of <paramref name="groupResource"/> (e.g. <c>pods</c>, <c>jobs.batch</c>).</summary>
    bool AppliesTo(string groupResource);

    /// <summary>Changes <see cref="RestoreItemActionContext.Item"/> in place and says what else to do.</summary>
    /// <exception cref="RestoreItemActionException">
    /// The item cannot be prepared (Velero: <c>error preparing &lt;resourceID&gt;: &lt;err&gt;</c>); the item is not restored.
    /// </exception>
    RestoreItemActionResult Execute(RestoreItemActionContext context);
}

/// <summary>Everything an action may look at while fixing one item.</summary>
internal sealed class RestoreItemActionContext
{
    private readonly List<string> warnings = new();
    private readonly List<string> notes = new();
    private readonly Func<JsonObject>? readItemFromBackup;
    private JsonObject? itemFromBackup;

    /// <summary>Creates a context for one item.</summary>
    public RestoreItemActionContext(JsonObject item, JsonObject itemFromBackup, string groupResource, string sourceNamespace, string targetNamespace, RestoreActionOptions options, IClusterState? cluster)
        : this(item, groupResource, sourceNamespace, targetNamespace, options, cluster)
    {
        this.itemFromBackup = itemFromBackup ?? throw new ArgumentNullException(nameof(itemFromBackup));
    }

    /// <summary>
    /// Creates a context whose <see cref="ItemFromBackup"/> is decoded on first use: most actions never read it, and
    /// decoding every item twice costs the planner measurably on large backups.
    /// </summary>
    internal RestoreItemActionContext(JsonObject item, Func<JsonObject> readItemFromBackup, string groupResource, string sourceNamespace, string targetNamespace, RestoreActionOptions options, IClusterState? cluster)
        : this(item, groupResource, sourceNamespace, targetNamespace, options, cluster)
    {
        this.readItemFromBackup = readItemFromBackup ?? throw new ArgumentNullException(nameof(readItemFromBackup));
    }

    private RestoreItemActionContext(JsonObject item, string groupResource, string sourceNamespace, string targetNamespace, RestoreActionOptions options, IClusterState? cluster)
    {
        Item = item ?? throw new ArgumentNullException(nameof(item));
        GroupResource = groupResource;
        SourceNamespace = sourceNamespace;
        TargetNamespace = targetNamespace;
        Options = options ?? throw new ArgumentNullException(nameof(options));
        Cluster = cluster;
    }

    /// <summary>The working copy, already through the metadata reset (docs/velero-compatibility.md#item-steps step 8). Actions change it in place.</summary>
    public JsonObject Item { get; }

    /// <summary>The object exactly as backed up (with <c>status</c>); never change it.</summary>
    public JsonObject ItemFromBackup => itemFromBackup ??= readItemFromBackup!();

    /// <summary>Group-resource of the item, such as <c>persistentvolumeclaims</c>.</summary>
    public string GroupResource { get; }

    /// <summary>Namespace in the backup; empty for cluster-scoped items.</summary>
    public string SourceNamespace { get; }

    /// <summary>Namespace the item will be restored into (after mapping); empty for cluster-scoped items.</summary>
    public string TargetNamespace { get; }

    /// <summary>Restore-wide settings the actions read.</summary>
    public RestoreActionOptions Options { get; }

    /// <summary>Live view of the target cluster; null when planning offline or restoring into a folder.</summary>
    public IClusterState? Cluster { get; }

    /// <summary>
    /// Names of the ServiceAccounts this restore creates, earlier in its order, in a (target) namespace: Velero's
    /// actions see them in the cluster by then, also when there is no cluster view (docs/velero-compatibility.md#item-actions).
    /// </summary>
    public Func<string, IReadOnlyCollection<string>> RestoredServiceAccounts { get; init; } = _ => Array.Empty<string>();

    /// <summary>Warnings the action raised for this item (they go to the results under the item's namespace).</summary>
    public IReadOnlyList<string> Warnings => warnings;

    /// <summary>Adds a warning for this item.</summary>
    public void AddWarning(string message) => warnings.Add(message);

    /// <summary>What the action decided that the plan should say about this item (shown by Get-RestorePlan).</summary>
    public IReadOnlyList<string> Notes => notes;

    /// <summary>Adds a plan note for this item.</summary>
    public void AddNote(string message) => notes.Add(message);
}

/// <summary>What an action decided beyond its in-place changes.</summary>
internal sealed class RestoreItemActionResult
{
    /// <summary>Nothing more to do.</summary>
    public static RestoreItemActionResult Continue { get; } = new(false, null, Array.Empty<AdditionalItem>());

    /// <summary>Creates a result.</summary>
    public RestoreItemActionResult(bool skip, string? skipReason, IReadOnlyList<AdditionalItem> additionalItems)
    {
        Skip = skip;
        SkipReason = skipReason;
        AdditionalItems = additionalItems ?? Array.Empty<AdditionalItem>();
    }

    /// <summary>True when the item must not be restored (recorded as skipped).</summary>
    public bool Skip { get; }

    /// <summary>Why the item is skipped, for the plan and the log.</summary>
    public string? SkipReason { get; }

    /// <summary>Items from the backup that must be restored too (read from the unversioned path, label selectors bypassed).</summary>
    public IReadOnlyList<AdditionalItem> AdditionalItems { get; }

    /// <summary>A result that skips the item.</summary>
    public static RestoreItemActionResult SkipItem(string reason) => new(true, reason, Array.Empty<AdditionalItem>());

    /// <summary>A result that asks for additional items.</summary>
    public static RestoreItemActionResult WithAdditionalItems(params AdditionalItem[] items) => new(false, null, items);
}

/// <summary>An item an action wants restored too, named by its place in the backup.</summary>
internal sealed class AdditionalItem
{
    /// <summary>Creates a reference.</summary>
    public AdditionalItem(string groupResource, string @namespace, string name)
    {
        GroupResource = groupResource;
        Namespace = @namespace;
        Name = name;
    }

    /// <summary>Group-resource, such as <c>persistentvolumes</c>.</summary>
    public string GroupResource { get; }

    /// <summary>Source namespace; empty for cluster-scoped items.</summary>
    public string Namespace { get; }

    /// <summary>Item name.</summary>
    public string Name { get; }
}

/// <summary>Restore-wide settings that actions read.</summary>
internal sealed class RestoreActionOptions
{
    /// <summary>Source namespace to target namespace.</summary>
    public IReadOnlyDictionary<string, string> NamespaceMapping { get; init; } = new Dictionary<string, string>();

    /// <summary>Keep every Service nodePort (docs/velero-compatibility.md#item-actions).</summary>
    public bool PreserveNodePorts { get; init; }

    /// <summary>The restore's <c>restorePVs</c>; null counts as yes for snapshot restores.</summary>
    public bool? RestorePersistentVolumes { get; init; }

    /// <summary>Old storage class to new storage class.</summary>
    public IReadOnlyDictionary<string, string> StorageClassMapping { get; init; } = new Dictionary<string, string>();

    /// <summary>Old image part to new image part (every occurrence is replaced).</summary>
    public IReadOnlyDictionary<string, string> ImageMapping { get; init; } = new Dictionary<string, string>();

    /// <summary>Old node name to new node name, for the PVC selected-node annotation.</summary>
    public IReadOnlyDictionary<string, string> NodeMapping { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The restore's <c>metadata.uid</c> (any string unique to this restore will do). The CSI actions
    /// derive the names of restored VolumeSnapshots and VolumeSnapshotContents from it, as Velero does.
    /// </summary>
    public string RestoreUid { get; init; } = string.Empty;

    /// <summary>
    /// True to run the CSI actions (<c>velero.io/csi-*</c>), as a Velero server started with the
    /// <c>EnableCSI</c> feature flag does. Defaults to true: a backup that holds CSI snapshots was
    /// taken by a server with the flag on. Set false to mimic a server without it.
    /// </summary>
    public bool CsiActionsEnabled { get; init; } = true;

    /// <summary>What the backup says about volumes: volume info, snapshots, pod volume backups.</summary>
    public BackupVolumeData BackupVolumes { get; init; } = BackupVolumeData.Empty;

    /// <summary>The restore's <c>spec.hooks</c> (docs/velero-compatibility.md#restore-hooks).</summary>
    public RestoreHookRules Hooks { get; init; } = RestoreHookRules.Empty;
}

/// <summary>Read-only facts about the target cluster that some actions need.</summary>
internal interface IClusterState
{
    /// <summary>Names of the ServiceAccounts in <paramref name="namespace"/>.</summary>
    IReadOnlyCollection<string> GetServiceAccountNames(string @namespace);

    /// <summary>True when a PersistentVolume with this name exists.</summary>
    bool PersistentVolumeExists(string name);

    /// <summary>True when a StorageClass with this name exists.</summary>
    bool StorageClassExists(string name);
}
