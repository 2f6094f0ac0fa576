using System;
using System.Collections.Generic;
using System.Linq;

namespace Restore.Engine.Planning;

/// <summary>Which part of the restore order a resource belongs to.</summary>
internal enum PriorityGroup
{
    /// <summary>The first pass: CustomResourceDefinitions only (docs/velero-compatibility.md#restore-passes step 5).</summary>
    CustomResourceDefinitions,

    /// <summary>The high-priority list, in its order.</summary>
    High,

    /// <summary>Every other resource of the backup, in byte-wise order.</summary>
    Default,

    /// <summary>The low-priority list, restored last.</summary>
    Low,
}

/// <summary>
/// A restore order: resources restored first (<see cref="High"/>) and last (<see cref="Low"/>); every other
/// resource in the backup goes between them in byte-wise order (docs/velero-compatibility.md#resource-order, #default-priorities). Entries are raw strings
/// resolved through the resource catalog when the order is walked.
/// </summary>
internal sealed class ResourcePriorities
{
    /// <summary>Creates an order.</summary>
    public ResourcePriorities(IEnumerable<string>? high, IEnumerable<string>? low)
    {
        High = (high ?? Array.Empty<string>()).ToArray();
        Low = (low ?? Array.Empty<string>()).ToArray();
    }

    /// <summary>Velero's default <c>--restore-resource-priorities</c> (the code list of docs/velero-compatibility.md#default-priorities).</summary>
    public static ResourcePriorities Default { get; } = new(
        new[]
        {
            "customresourcedefinitions",
            "namespaces",
            "storageclasses",
            "volumesnapshotclass.snapshot.storage.k8s.io",
            "volumesnapshotcontents.snapshot.storage.k8s.io",
            "volumesnapshots.snapshot.storage.k8s.io",
            "datauploads.velero.io",
            "persistentvolumes",
            "persistentvolumeclaims",
            "clusterroles",
            "roles",
            "serviceaccounts",
            "clusterrolebindings",
            "rolebindings",
            "secrets",
            "configmaps",
            "limitranges",
            "priorityclasses",
            "pods",
            "replicasets.apps",
            "clusterclasses.cluster.x-k8s.io",
            "endpoints",
            "services",
        },
        new[]
        {
            "clusterbootstraps.run.tanzu.vmware.com",
            "clusters.cluster.x-k8s.io",
            "clusterresourcesets.addons.cluster.x-k8s.io",
            "apps.kappctrl.k14s.io",
            "packageinstalls.packaging.carvel.dev",
        });

    /// <summary>The first pass of every restore: CustomResourceDefinitions alone.</summary>
    public static ResourcePriorities CustomResourceDefinitionsOnly { get; } = new(new[] { "customresourcedefinitions" }, null);

    /// <summary>Resources restored first, in order.</summary>
    public IReadOnlyList<string> High { get; }

    /// <summary>Resources restored last, in order.</summary>
    public IReadOnlyList<string> Low { get; }

    /// <summary>
    /// Velero's flag syntax as a list: entries before a lone <c>-</c> are high priority, entries after it low
    /// priority. Without <c>-</c> every entry is high priority and <see cref="Low"/> is empty.
    /// </summary>
    /// <exception cref="FormatException">More than one <c>-</c>: <c>multiple priority separator "-" found</c>.</exception>
    public static ResourcePriorities Parse(IEnumerable<string> entries)
    {
        var list = (entries ?? throw new ArgumentNullException(nameof(entries))).ToList();
        var separators = list.Select((e, i) => (e, i)).Where(x => x.e == "-").Select(x => x.i).ToList();
        if (separators.Count > 1)
        {
            throw new FormatException("multiple priority separator \"-\" found");
        }

        if (separators.Count == 0)
        {
            return new ResourcePriorities(list, null);
        }

        var at = separators[0];
        return new ResourcePriorities(list.Take(at), list.Skip(at + 1));
    }

    /// <summary>
    /// The order for a restore's <c>resourcePriorities</c> extension: null gives <see cref="Default"/>; entries before a
    /// lone <c>-</c> (or all entries) REPLACE the default high list; entries after <c>-</c> replace the default low
    /// list, which otherwise stays.
    /// </summary>
    public static ResourcePriorities FromRestoreSpec(IReadOnlyList<string>? custom)
    {
        if (custom is null)
        {
            return Default;
        }

        var parsed = Parse(custom);
        return custom.Contains("-") ? parsed : new ResourcePriorities(parsed.High, Default.Low);
    }

    /// <summary>
    /// <c>High ++ sorted(backup resources not literally in High or Low) ++ Low</c>. The comparison is on raw
    /// strings, so <c>storageclasses</c> does not remove <c>storageclasses.storage.k8s.io</c> and a resource may be
    /// listed twice (the walk skips resources already processed).
    /// </summary>
    public IReadOnlyList<(string Entry, PriorityGroup Group)> OrderFor(IEnumerable<string> backupGroupResources)
    {
        var literal = new HashSet<string>(High.Concat(Low), StringComparer.Ordinal);
        var middle = backupGroupResources.Where(gr => !literal.Contains(gr)).Distinct(StringComparer.Ordinal).ToList();
        middle.Sort(StringComparer.Ordinal);
        return High.Select(h => (h, PriorityGroup.High))
            .Concat(middle.Select(m => (m, PriorityGroup.Default)))
            .Concat(Low.Select(l => (l, PriorityGroup.Low)))
            .ToArray();
    }

    /// <inheritdoc />
    public override string ToString() => Low.Count == 0 ? string.Join(",", High) : string.Join(",", High.Concat(new[] { "-" }).Concat(Low));
}
