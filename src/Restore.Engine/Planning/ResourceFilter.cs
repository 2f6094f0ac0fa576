using System;
using System.Collections.Generic;
using System.Linq;
using Restore.Engine.Kubernetes;
using Restore.Engine.Planning.Matching;

namespace Restore.Engine.Planning;

/// <summary>
/// A resource include/exclude filter as Velero builds it (<c>GetResourceIncludesExcludes</c>, docs/velero-compatibility.md#filters-resources): each
/// entry is resolved through the resource catalog to its full group-resource (<c>deploy</c> becomes
/// <c>deployments.apps</c>); an entry that does not resolve, such as a glob, is kept verbatim; <c>*</c> is kept
/// in the includes and dropped from the excludes. Matching is gobwas-glob with no separator.
/// </summary>
internal sealed class ResourceFilter
{
    private readonly IncludeExcludeFilter filter;

    private ResourceFilter(IncludeExcludeFilter filter) => this.filter = filter;

    /// <summary>The resolved include entries.</summary>
    public IReadOnlyList<string> Includes => filter.Includes;

    /// <summary>The resolved exclude entries.</summary>
    public IReadOnlyList<string> Excludes => filter.Excludes;

    /// <summary>Builds the filter, resolving entries through <paramref name="catalog"/>.</summary>
    public static ResourceFilter Create(IEnumerable<string>? includes, IEnumerable<string>? excludes, IResourceCatalog catalog)
    {
        if (catalog is null)
        {
            throw new ArgumentNullException(nameof(catalog));
        }

        var inc = (includes ?? Array.Empty<string>()).Select(i => i == "*" ? i : Resolve(i, catalog)).ToList();
        var exc = (excludes ?? Array.Empty<string>()).Where(e => e != "*").Select(e => Resolve(e, catalog)).ToList();
        return new ResourceFilter(new IncludeExcludeFilter(inc, exc));
    }

    /// <summary>Resolves one resource name the way Velero's discovery helper does; unresolvable names come back unchanged.</summary>
    public static string Resolve(string name, IResourceCatalog catalog) =>
        catalog?.Resolve(name)?.GroupResource ?? name;

    /// <summary>True when the group-resource passes the filter.</summary>
    public bool ShouldInclude(string groupResource) => filter.ShouldInclude(groupResource);

    /// <inheritdoc />
    public override string ToString() => filter.ToString();
}
