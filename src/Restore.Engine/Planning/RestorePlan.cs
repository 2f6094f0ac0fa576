using System;
using System.Collections.Generic;
using System.Linq;
using Restore.Engine.Velero;

namespace Restore.Engine.Planning;

/// <summary>One tier of the restore order: the items of one resource, restored before the next tier starts.</summary>
internal sealed class PlanTier
{
    internal PlanTier(int index, string groupResource, PriorityGroup group)
    {
        Index = index;
        GroupResource = groupResource;
        PriorityGroup = group;
    }

    /// <summary>Position in the restore order, from 0.</summary>
    public int Index { get; }

    /// <summary>The resource restored in this tier.</summary>
    public string GroupResource { get; }

    /// <summary>Where the resource sits in the priority lists.</summary>
    public PriorityGroup PriorityGroup { get; }

    /// <summary>Items of this tier the plan creates (namespaces and additional items included).</summary>
    public int ItemCount { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => $"{Index} {GroupResource} ({PriorityGroup}, {ItemCount})";
}

/// <summary>One entry of the ordered resource list as the planner walked it (docs/velero-compatibility.md#resource-order), for diagnostics.</summary>
internal sealed class ResourceOrderEntry
{
    internal ResourceOrderEntry(string entry, string groupResource, PriorityGroup group, string outcome)
    {
        Entry = entry;
        GroupResource = groupResource;
        PriorityGroup = group;
        Outcome = outcome;
    }

    /// <summary>The raw priority entry (<c>storageclasses</c>, <c>volumesnapshotclass.snapshot.storage.k8s.io</c>).</summary>
    public string Entry { get; }

    /// <summary>What the entry resolved to (the raw string when it did not resolve).</summary>
    public string GroupResource { get; }

    /// <summary>Where the entry came from.</summary>
    public PriorityGroup PriorityGroup { get; }

    /// <summary><c>selected</c>, <c>already processed</c>, <c>excluded</c> or <c>not in backup</c>.</summary>
    public string Outcome { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Entry} -> {GroupResource}: {Outcome}";
}

/// <summary>Counts over a plan.</summary>
internal sealed class PlanSummary
{
    /// <summary>Items in the backup's unversioned tree.</summary>
    public int BackupItems { get; internal set; }

    /// <summary>Objects the plan sends to the cluster (namespaces not counted).</summary>
    public int ToCreate { get; internal set; }

    /// <summary>Namespaces the plan makes sure exist.</summary>
    public int NamespacesToEnsure { get; internal set; }

    /// <summary>Items left out by filters.</summary>
    public int Excluded { get; internal set; }

    /// <summary>Items skipped.</summary>
    public int Skipped { get; internal set; }

    /// <summary>Items that cannot be restored.</summary>
    public int Failed { get; internal set; }

    /// <summary>Predicted warnings (Velero's count rule, docs/velero-compatibility.md#restore-run step 7).</summary>
    public int Warnings { get; internal set; }

    /// <summary>Predicted errors.</summary>
    public int Errors { get; internal set; }

    /// <summary>Entries the restored resource list would have (<see cref="PlannedItem.ResourceListAction"/> set).</summary>
    public int ResourceListEntries { get; internal set; }

    /// <inheritdoc />
    public override string ToString() =>
        $"create {ToCreate}, namespaces {NamespacesToEnsure}, excluded {Excluded}, skipped {Skipped}, failed {Failed}, warnings {Warnings}, errors {Errors}";
}

/// <summary>
/// A complete restore plan: every item of the backup in restore order with its decision and the object to
/// send, plus the warnings and errors Velero would report before talking to the cluster.
/// </summary>
internal sealed class RestorePlan
{
    internal RestorePlan(string restoreName, RestoreSpec spec, IReadOnlyList<string> validationErrors, IReadOnlyList<string> validationWarnings)
    {
        RestoreName = restoreName;
        Spec = spec;
        ValidationErrors = validationErrors;
        ValidationWarnings = validationWarnings;
    }

    /// <summary>The restore's name (used in the restore labels).</summary>
    public string RestoreName { get; }

    /// <summary>The completed spec the plan was made from (non-restorable resources appended).</summary>
    public RestoreSpec Spec { get; }

    /// <summary>Validation errors; when there are any nothing is planned and the restore would end <c>FailedValidation</c>.</summary>
    public IReadOnlyList<string> ValidationErrors { get; }

    /// <summary>Validation warnings.</summary>
    public IReadOnlyList<string> ValidationWarnings { get; }

    /// <summary>True when validation failed.</summary>
    public bool FailedValidation => ValidationErrors.Count > 0;

    /// <summary>Set when the restore stops before restoring anything (invalid selector, wildcard error, no resources).</summary>
    public string? StoppedReason { get; internal set; }

    /// <summary>Every planned item in plan order: created items in restore order, with excluded and skipped items where their resource was considered.</summary>
    public IReadOnlyList<PlannedItem> Items { get; internal set; } = Array.Empty<PlannedItem>();

    /// <summary>How many items were planned from their bytes without an object tree (<see cref="PlainItemRewriter"/>).</summary>
    internal int PlainItems { get; set; }

    /// <summary>The tiers in restore order.</summary>
    public IReadOnlyList<PlanTier> Tiers { get; internal set; } = Array.Empty<PlanTier>();

    /// <summary>The ordered resource list as walked (both passes).</summary>
    public IReadOnlyList<ResourceOrderEntry> ResourceOrder { get; internal set; } = Array.Empty<ResourceOrderEntry>();

    /// <summary>API versions chosen per group-resource when <c>enableApiGroupVersions</c> applies; empty otherwise.</summary>
    public IReadOnlyDictionary<string, ChosenGroupVersion> ChosenVersions { get; internal set; } = new Dictionary<string, ChosenGroupVersion>();

    /// <summary>Warnings and errors predicted before any create (Velero's results structure).</summary>
    public RestoreResults Results { get; internal set; } = new();

    /// <summary>Plan-level advice that is not part of Velero's results.</summary>
    public IReadOnlyList<string> Notes { get; internal set; } = Array.Empty<string>();

    /// <summary>Counts.</summary>
    public PlanSummary Summary { get; internal set; } = new();

    /// <summary>
    /// The resource list Velero would write if every create succeeds (docs/velero-compatibility.md#resource-list): <c>apiVersion/Kind</c> of the backed-up
    /// object to sorted <c>ns/name(action)</c> entries.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> PredictedResourceList()
    {
        var map = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var item in Items)
        {
            if (item.ResourceListEntry is string entry)
            {
                if (!map.TryGetValue(item.ResourceListKey, out var list))
                {
                    list = new List<string>();
                    map.Add(item.ResourceListKey, list);
                }

                list.Add(entry);
            }
        }

        return map.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.OrderBy(x => x, StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
    }
}
