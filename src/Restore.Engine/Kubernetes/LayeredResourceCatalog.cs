using System;
using System.Collections.Generic;
using System.Linq;

namespace Restore.Engine.Kubernetes;

/// <summary>
/// Two catalogs in order: every question goes to <see cref="Primary"/> first and to <see cref="Fallback"/>
/// only when the primary has no answer. Planning against a live cluster uses the cluster's discovery as
/// primary and the backup's CRDs as fallback, so custom resources whose CRD the restore itself creates
/// still resolve (Velero refreshes discovery after restoring CRDs for the same reason, docs/velero-compatibility.md#restore-passes step 6).
/// </summary>
internal sealed class LayeredResourceCatalog : IResourceCatalog
{
    /// <summary>Creates the layered catalog.</summary>
    public LayeredResourceCatalog(IResourceCatalog primary, IResourceCatalog fallback)
    {
        Primary = primary ?? throw new ArgumentNullException(nameof(primary));
        Fallback = fallback ?? throw new ArgumentNullException(nameof(fallback));
    }

    /// <summary>The catalog asked first.</summary>
    public IResourceCatalog Primary { get; }

    /// <summary>The catalog asked when the primary does not know the answer.</summary>
    public IResourceCatalog Fallback { get; }

    /// <inheritdoc />
    public IReadOnlyList<ApiResourceInfo> Resources
    {
        get
        {
            var known = new HashSet<string>(Primary.Resources.Select(r => r.GroupResource), StringComparer.Ordinal);
            return Primary.Resources.Concat(Fallback.Resources.Where(r => !known.Contains(r.GroupResource))).ToArray();
        }
    }

    /// <inheritdoc />
    public ApiResourceInfo? Resolve(string name) => Primary.Resolve(name) ?? Fallback.Resolve(name);

    /// <inheritdoc />
    public ApiResourceInfo? FindByGroupResource(string groupResource) =>
        Primary.FindByGroupResource(groupResource) ?? Fallback.FindByGroupResource(groupResource);

    /// <inheritdoc />
    public ApiResourceInfo? FindByKind(string apiVersion, string kind) =>
        Primary.FindByKind(apiVersion, kind) ?? Fallback.FindByKind(apiVersion, kind);

    /// <inheritdoc />
    public IReadOnlyList<string> GetServedVersions(string group)
    {
        var primary = Primary.GetServedVersions(group);
        return primary.Count > 0 ? primary : Fallback.GetServedVersions(group);
    }
}
