using System;
using System.Collections.Generic;
using System.Linq;

namespace Restore.Engine.Velero;

/// <summary>
/// Everything a <c>velero.io/v1</c> Restore spec can say (docs/velero-compatibility.md#restore-object), plus this module's extensions.
/// Every property is nullable so that "not given" differs from "given as empty" (Velero's <c>*bool</c>
/// tri-states, and <see cref="Merge"/> where only given values override).
/// </summary>
/// <remarks>
/// <para><b>Namespace notation.</b> <see cref="IncludedNamespaces"/> and <see cref="ExcludedNamespaces"/> take
/// Velero's glob patterns (<c>*</c>, <c>?</c>, <c>[a-z]</c>, <c>{a,b}</c>). An entry written between slashes,
/// <c>/^team-(a|b)$/</c>, is a .NET regular expression instead (unanchored search, like Velero's name
/// regexes); it is our extension and Velero would treat it as a literal name.</para>
/// <para><b>Extensions</b> (not in Velero's schema; stored in <c>spec</c> under their own keys):
/// <see cref="Objects"/>, <see cref="ResourcePriorities"/>, <see cref="StorageClassMapping"/>,
/// <see cref="ImageMapping"/>, <see cref="NodeMapping"/>, <see cref="Patches"/>, <see cref="Description"/>,
/// <see cref="NamespaceMatching"/>, <see cref="EnableApiGroupVersions"/> and <see cref="ApiGroupVersionPriorities"/>.</para>
/// </remarks>
internal sealed class RestoreSpec
{
    /// <summary>The backup to restore (<c>backupName</c>). Exactly one of this and <see cref="ScheduleName"/> must be set.</summary>
    public string? BackupName { get; set; }

    /// <summary>Restore the newest completed backup of this schedule (<c>scheduleName</c>, docs/velero-compatibility.md#schedule-selection).</summary>
    public string? ScheduleName { get; set; }

    /// <summary>Source namespaces to restore (globs or <c>/regex/</c>); empty or <c>*</c> means all.</summary>
    public List<string>? IncludedNamespaces { get; set; }

    /// <summary>Source namespaces to leave out (globs or <c>/regex/</c>).</summary>
    public List<string>? ExcludedNamespaces { get; set; }

    /// <summary>Resources to restore: names, short names, kinds or <c>resource.group</c>, or globs; empty or <c>*</c> means all.</summary>
    public List<string>? IncludedResources { get; set; }

    /// <summary>Resources to leave out. Validation appends the non-restorable resources (docs/velero-compatibility.md#non-restorable).</summary>
    public List<string>? ExcludedResources { get; set; }

    /// <summary>Source namespace to target namespace.</summary>
    public Dictionary<string, string>? NamespaceMapping { get; set; }

    /// <summary>Only items whose backed-up labels match (<c>labelSelector</c>); null matches everything.</summary>
    public LabelSelectorSpec? LabelSelector { get; set; }

    /// <summary>Items matching any of these selectors (<c>orLabelSelectors</c>). A null entry matches nothing; an empty list filters nothing.</summary>
    public List<LabelSelectorSpec?>? OrLabelSelectors { get; set; }

    /// <summary><c>restorePVs</c>; null counts as yes for snapshot restores.</summary>
    public bool? RestorePVs { get; set; }

    /// <summary>Which resources keep their <c>status</c> (docs/velero-compatibility.md#status-restore); null means none.</summary>
    public RestoreStatusSpec? RestoreStatus { get; set; }

    /// <summary><c>preserveNodePorts</c>: keep every Service nodePort.</summary>
    public bool? PreserveNodePorts { get; set; }

    /// <summary><c>includeClusterResources</c>: true all, false none, null automatic (docs/velero-compatibility.md#cluster-scoped).</summary>
    public bool? IncludeClusterResources { get; set; }

    /// <summary>Restore hooks (kept and shown; exec and init hooks cannot run client-side).</summary>
    public RestoreHooksSpec? Hooks { get; set; }

    /// <summary><c>existingResourcePolicy</c>: <c>none</c> or <c>update</c> (exact, lower case).</summary>
    public string? ExistingResourcePolicy { get; set; }

    /// <summary><c>itemOperationTimeout</c> as a Go duration string (<c>4h0m0s</c>); see <see cref="GoDuration"/>.</summary>
    public string? ItemOperationTimeout { get; set; }

    /// <summary><c>resourceModifier</c>: a ConfigMap reference holding resource modifier rules (docs/velero-compatibility.md#resource-modifiers).</summary>
    public ResourceModifierReference? ResourceModifier { get; set; }

    /// <summary><c>uploaderConfig</c> (only used by volume data movers).</summary>
    public RestoreUploaderConfig? UploaderConfig { get; set; }

    /// <summary>
    /// Extension (<c>objects</c>): restore only items matching one of these patterns,
    /// <c>resource.group/namespace/name</c> for namespaced items or <c>resource.group/name</c>
    /// (which for a namespaced resource matches that name in every namespace). Each part takes globs;
    /// the resource part also takes short names and kinds (<c>deploy/shop/web</c>). Additional items
    /// pulled in by actions bypass this selector, as they bypass label selectors.
    /// </summary>
    public List<string>? Objects { get; set; }

    /// <summary>
    /// Extension (<c>resourcePriorities</c>): the restore order for this restore. Entries before a lone
    /// <c>-</c> REPLACE Velero's high-priority list (docs/velero-compatibility.md#default-priorities); entries after it replace the low-priority list;
    /// without <c>-</c> the default low-priority list stays. CustomResourceDefinitions always go first.
    /// </summary>
    public List<string>? ResourcePriorities { get; set; }

    /// <summary>Extension (<c>storageClassMapping</c>): old storage class to new storage class.</summary>
    public Dictionary<string, string>? StorageClassMapping { get; set; }

    /// <summary>Extension (<c>imageMapping</c>): old image part to new image part (every occurrence replaced).</summary>
    public Dictionary<string, string>? ImageMapping { get; set; }

    /// <summary>Extension (<c>nodeMapping</c>): old node name to new node name (PVC selected-node annotation).</summary>
    public Dictionary<string, string>? NodeMapping { get; set; }

    /// <summary>Extension (<c>patches</c>): patches applied to matching objects after Velero's resource modifiers.</summary>
    public List<ObjectPatchSpec>? Patches { get; set; }

    /// <summary>Extension (<c>description</c>): free text shown with the restore.</summary>
    public string? Description { get; set; }

    /// <summary>Extension (<c>namespaceMatching</c>): how namespace wildcards are read; null means <see cref="NamespaceMatching.Glob"/>.</summary>
    public string? NamespaceMatching { get; set; }

    /// <summary>
    /// Extension (<c>enableApiGroupVersions</c>): choose the API version each group is restored at (docs/velero-compatibility.md#api-group-versions),
    /// as a Velero server with the <c>EnableAPIGroupVersions</c> feature flag would. Null or false: every item is
    /// sent at the version stored in its file.
    /// </summary>
    public bool? EnableApiGroupVersions { get; set; }

    /// <summary>
    /// Extension (<c>apiGroupVersionPriorities</c>): the user priority map of docs/velero-compatibility.md#api-group-versions rule 0, group-resource to
    /// versions in preference order (Velero's <c>enableapigroupversions</c> ConfigMap).
    /// </summary>
    public Dictionary<string, List<string>>? ApiGroupVersionPriorities { get; set; }

    /// <summary>A deep copy.</summary>
    public RestoreSpec Clone() => new()
    {
        BackupName = BackupName,
        ScheduleName = ScheduleName,
        IncludedNamespaces = CopyList(IncludedNamespaces),
        ExcludedNamespaces = CopyList(ExcludedNamespaces),
        IncludedResources = CopyList(IncludedResources),
        ExcludedResources = CopyList(ExcludedResources),
        NamespaceMapping = CopyMap(NamespaceMapping),
        LabelSelector = LabelSelector?.Clone(),
        OrLabelSelectors = OrLabelSelectors?.Select(s => s?.Clone()).ToList(),
        RestorePVs = RestorePVs,
        RestoreStatus = RestoreStatus?.Clone(),
        PreserveNodePorts = PreserveNodePorts,
        IncludeClusterResources = IncludeClusterResources,
        Hooks = Hooks?.Clone(),
        ExistingResourcePolicy = ExistingResourcePolicy,
        ItemOperationTimeout = ItemOperationTimeout,
        ResourceModifier = ResourceModifier?.Clone(),
        UploaderConfig = UploaderConfig?.Clone(),
        Objects = CopyList(Objects),
        ResourcePriorities = CopyList(ResourcePriorities),
        StorageClassMapping = CopyMap(StorageClassMapping),
        ImageMapping = CopyMap(ImageMapping),
        NodeMapping = CopyMap(NodeMapping),
        Patches = Patches?.Select(p => p.Clone()).ToList(),
        Description = Description,
        NamespaceMatching = NamespaceMatching,
        EnableApiGroupVersions = EnableApiGroupVersions,
        ApiGroupVersionPriorities = ApiGroupVersionPriorities?.ToDictionary(kv => kv.Key, kv => new List<string>(kv.Value), StringComparer.Ordinal),
    };

    /// <summary>
    /// Returns a copy of this spec where every property that <paramref name="overrides"/> sets (non-null)
    /// replaces this spec's value: parameters given on the command line override the manifest's fields.
    /// Lists and maps are replaced as a whole, never merged item by item.
    /// </summary>
    public RestoreSpec Merge(RestoreSpec? overrides)
    {
        var result = Clone();
        if (overrides is null)
        {
            return result;
        }

        var o = overrides.Clone();
        result.BackupName = o.BackupName ?? result.BackupName;
        result.ScheduleName = o.ScheduleName ?? result.ScheduleName;
        result.IncludedNamespaces = o.IncludedNamespaces ?? result.IncludedNamespaces;
        result.ExcludedNamespaces = o.ExcludedNamespaces ?? result.ExcludedNamespaces;
        result.IncludedResources = o.IncludedResources ?? result.IncludedResources;
        result.ExcludedResources = o.ExcludedResources ?? result.ExcludedResources;
        result.NamespaceMapping = o.NamespaceMapping ?? result.NamespaceMapping;
        result.LabelSelector = o.LabelSelector ?? result.LabelSelector;
        result.OrLabelSelectors = o.OrLabelSelectors ?? result.OrLabelSelectors;
        result.RestorePVs = o.RestorePVs ?? result.RestorePVs;
        result.RestoreStatus = o.RestoreStatus ?? result.RestoreStatus;
        result.PreserveNodePorts = o.PreserveNodePorts ?? result.PreserveNodePorts;
        result.IncludeClusterResources = o.IncludeClusterResources ?? result.IncludeClusterResources;
        result.Hooks = o.Hooks ?? result.Hooks;
        result.ExistingResourcePolicy = o.ExistingResourcePolicy ?? result.ExistingResourcePolicy;
        result.ItemOperationTimeout = o.ItemOperationTimeout ?? result.ItemOperationTimeout;
        result.ResourceModifier = o.ResourceModifier ?? result.ResourceModifier;
        result.UploaderConfig = o.UploaderConfig ?? result.UploaderConfig;
        result.Objects = o.Objects ?? result.Objects;
        result.ResourcePriorities = o.ResourcePriorities ?? result.ResourcePriorities;
        result.StorageClassMapping = o.StorageClassMapping ?? result.StorageClassMapping;
        result.ImageMapping = o.ImageMapping ?? result.ImageMapping;
        result.NodeMapping = o.NodeMapping ?? result.NodeMapping;
        result.Patches = o.Patches ?? result.Patches;
        result.Description = o.Description ?? result.Description;
        result.NamespaceMatching = o.NamespaceMatching ?? result.NamespaceMatching;
        result.EnableApiGroupVersions = o.EnableApiGroupVersions ?? result.EnableApiGroupVersions;
        result.ApiGroupVersionPriorities = o.ApiGroupVersionPriorities ?? result.ApiGroupVersionPriorities;
        return result;
    }

    internal static List<string>? CopyList(List<string>? list) => list is null ? null : new List<string>(list);

    internal static Dictionary<string, string>? CopyMap(Dictionary<string, string>? map) =>
        map is null ? null : new Dictionary<string, string>(map, StringComparer.Ordinal);
}

/// <summary>
/// How wildcard entries in the namespace include/exclude lists are applied. Words rather than an enum, as the spec
/// spells them, so a Restore object's spec converts to JSON with text.
/// </summary>
internal static class NamespaceMatching
{
    /// <summary>Velero 1.17 and older: each entry is a glob matched against each namespace (default).</summary>
    public const string Glob = "Glob";

    /// <summary>
    /// Velero 1.18: wildcard entries are first expanded against the namespaces present in the backup, with
    /// 1.18's pattern validation. When the includes match nothing, nothing is restored and a warning says so
    /// (Velero 1.18 would restore everything).
    /// </summary>
    public const string Expand = "Expand";
}

/// <summary>A Kubernetes <c>metav1.LabelSelector</c>.</summary>
internal sealed class LabelSelectorSpec
{
    /// <summary><c>matchLabels</c>: every key must equal its value.</summary>
    public Dictionary<string, string>? MatchLabels { get; set; }

    /// <summary><c>matchExpressions</c>, ANDed with <see cref="MatchLabels"/>.</summary>
    public List<LabelSelectorRequirementSpec>? MatchExpressions { get; set; }

    /// <summary>A deep copy.</summary>
    public LabelSelectorSpec Clone() => new()
    {
        MatchLabels = RestoreSpec.CopyMap(MatchLabels),
        MatchExpressions = MatchExpressions?.Select(e => e.Clone()).ToList(),
    };
}

/// <summary>One <c>matchExpressions</c> entry.</summary>
internal sealed class LabelSelectorRequirementSpec
{
    /// <summary>The label key.</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary><c>In</c>, <c>NotIn</c>, <c>Exists</c> or <c>DoesNotExist</c>.</summary>
    public string Operator { get; set; } = string.Empty;

    /// <summary>Values for <c>In</c> and <c>NotIn</c>.</summary>
    public List<string>? Values { get; set; }

    /// <summary>A deep copy.</summary>
    public LabelSelectorRequirementSpec Clone() => new() { Key = Key, Operator = Operator, Values = RestoreSpec.CopyList(Values) };
}

/// <summary><c>restoreStatus</c>: resources whose <c>status</c> is restored (docs/velero-compatibility.md#status-restore).</summary>
internal sealed class RestoreStatusSpec
{
    /// <summary>Resources whose status is restored; <c>*</c> for all.</summary>
    public List<string>? IncludedResources { get; set; }

    /// <summary>Resources whose status is never restored.</summary>
    public List<string>? ExcludedResources { get; set; }

    /// <summary>A deep copy.</summary>
    public RestoreStatusSpec Clone() => new() { IncludedResources = RestoreSpec.CopyList(IncludedResources), ExcludedResources = RestoreSpec.CopyList(ExcludedResources) };
}

/// <summary><c>resourceModifier</c>: a typed local object reference (used only when <c>kind</c> is <c>configmap</c>, any case).</summary>
internal sealed class ResourceModifierReference
{
    /// <summary><c>apiGroup</c>; normally empty.</summary>
    public string? ApiGroup { get; set; }

    /// <summary><c>kind</c>; compared with <c>configmap</c> case-insensitively.</summary>
    public string Kind { get; set; } = "ConfigMap";

    /// <summary><c>name</c> of the ConfigMap.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>True when Velero would use this reference (docs/velero-compatibility.md#resource-modifiers).</summary>
    public bool IsConfigMap => string.Equals(Kind, "configmap", StringComparison.OrdinalIgnoreCase);

    /// <summary>A copy.</summary>
    public ResourceModifierReference Clone() => new() { ApiGroup = ApiGroup, Kind = Kind, Name = Name };
}

/// <summary><c>uploaderConfig</c> of a restore.</summary>
internal sealed class RestoreUploaderConfig
{
    /// <summary><c>writeSparseFiles</c>.</summary>
    public bool? WriteSparseFiles { get; set; }

    /// <summary><c>parallelFilesDownload</c>; 0 is omitted.</summary>
    public int? ParallelFilesDownload { get; set; }

    /// <summary>A copy.</summary>
    public RestoreUploaderConfig Clone() => new() { WriteSparseFiles = WriteSparseFiles, ParallelFilesDownload = ParallelFilesDownload };
}

/// <summary>Extension: one inline patch for the objects a pattern selects.</summary>
internal sealed class ObjectPatchSpec
{
    /// <summary>Which objects: the <see cref="RestoreSpec.Objects"/> notation, <c>resource.group/namespace/name</c> with globs.</summary>
    public string Target { get; set; } = string.Empty;

    /// <summary><c>json</c> (RFC 6902), <c>merge</c> (RFC 7386) or <c>strategic</c>.</summary>
    public string Type { get; set; } = "merge";

    /// <summary>The patch document, JSON or YAML text.</summary>
    public string Patch { get; set; } = string.Empty;

    /// <summary>A copy.</summary>
    public ObjectPatchSpec Clone() => new() { Target = Target, Type = Type, Patch = Patch };
}
