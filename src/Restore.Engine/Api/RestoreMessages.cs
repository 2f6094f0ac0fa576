using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Restore.Engine.Velero;

namespace Restore.Engine.Api;

/// <summary>
/// A restore's warnings or errors grouped by scope, as Velero's results file and <c>velero restore describe</c> group
/// them (docs/velero-compatibility.md#results-by-scope): Velero (the restore as a whole), cluster-scoped items, and
/// each namespace.
/// </summary>
public sealed class RestoreMessages
{
    /// <summary>An empty set.</summary>
    public static RestoreMessages Empty { get; } = new(Array.Empty<string>(), Array.Empty<string>(), new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal));

    /// <summary>Creates a set.</summary>
    /// <param name="velero">Messages about the restore as a whole.</param>
    /// <param name="cluster">Messages about cluster-scoped items.</param>
    /// <param name="namespaces">Messages per namespace.</param>
    public RestoreMessages(IReadOnlyList<string> velero, IReadOnlyList<string> cluster, IReadOnlyDictionary<string, IReadOnlyList<string>> namespaces)
    {
        Velero = velero ?? throw new ArgumentNullException(nameof(velero));
        Cluster = cluster ?? throw new ArgumentNullException(nameof(cluster));
        Namespaces = namespaces ?? throw new ArgumentNullException(nameof(namespaces));
    }

    /// <summary>Messages about the restore as a whole (backup, storage, targets).</summary>
    public IReadOnlyList<string> Velero { get; }

    /// <summary>Messages about cluster-scoped items.</summary>
    public IReadOnlyList<string> Cluster { get; }

    /// <summary>Messages per namespace, by namespace name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Namespaces { get; }

    /// <summary>All messages.</summary>
    public int Count => Velero.Count + Cluster.Count + Namespaces.Values.Sum(l => l.Count);

    /// <summary>
    /// One line per scope with messages, as <c>velero restore describe</c> lists them: <c>Velero: …</c>,
    /// <c>Cluster: …</c>, <c>Namespace shop: …</c>; empty when there are none.
    /// </summary>
    public IReadOnlyList<string> Lines()
    {
        var lines = new List<string>();
        lines.AddRange(Velero.Select(m => "Velero: " + m));
        lines.AddRange(Cluster.Select(m => "Cluster: " + m));
        foreach (var pair in Namespaces)
        {
            lines.AddRange(pair.Value.Select(m => "Namespace " + pair.Key + ": " + m));
        }

        return lines;
    }

    /// <summary>Counts per scope, such as <c>Velero 1, Cluster 0, shop 3</c>; <c>none</c> when empty.</summary>
    public override string ToString()
    {
        if (Count == 0)
        {
            return "none";
        }

        var parts = new List<string>();
        if (Velero.Count > 0)
        {
            parts.Add("Velero " + Velero.Count.ToString(CultureInfo.InvariantCulture));
        }

        if (Cluster.Count > 0)
        {
            parts.Add("Cluster " + Cluster.Count.ToString(CultureInfo.InvariantCulture));
        }

        parts.AddRange(Namespaces.Where(p => p.Value.Count > 0).Select(p => p.Key + " " + p.Value.Count.ToString(CultureInfo.InvariantCulture)));
        return string.Join(", ", parts);
    }

    internal static RestoreMessages From(ResultMessages messages) => new(
        messages.Velero.ToList(),
        messages.Cluster.ToList(),
        new SortedDictionary<string, IReadOnlyList<string>>(messages.Namespaces.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value.ToList(), StringComparer.Ordinal), StringComparer.Ordinal));
}

/// <summary>Items done and planned in one target namespace (over all targets).</summary>
public sealed class RestoreNamespaceProgress
{
    /// <summary>The target namespace; empty for cluster-scoped items (namespaces themselves, CRDs, …).</summary>
    public string Namespace { get; set; } = string.Empty;

    /// <summary>Items finished (created, updated, skipped, failed or unknown).</summary>
    public int ItemsDone { get; set; }

    /// <summary>Items planned; while a cluster restore is still planning this grows with the plan.</summary>
    public int TotalItems { get; set; }

    /// <summary><c>shop 4/5</c>, or <c>(cluster) 1/1</c> for cluster-scoped items.</summary>
    public override string ToString() =>
        (Namespace.Length == 0 ? "(cluster)" : Namespace) + " " + ItemsDone.ToString(CultureInfo.InvariantCulture) + "/" + TotalItems.ToString(CultureInfo.InvariantCulture);
}
