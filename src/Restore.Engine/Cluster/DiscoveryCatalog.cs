using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Kubernetes;

namespace Restore.Engine.Cluster;

/// <summary>One API group as discovery reports it.</summary>
internal sealed class DiscoveredGroup
{
    public DiscoveredGroup(string name, string preferredVersion, IReadOnlyList<string> versions)
    {
        Name = name;
        PreferredVersion = preferredVersion;

        // Preferred first, then the rest in the server's order.
        Versions = new[] { preferredVersion }.Concat(versions.Where(v => v != preferredVersion)).Distinct().ToList();
    }

    public string Name { get; }

    public string PreferredVersion { get; }

    public IReadOnlyList<string> Versions { get; }

    /// <summary>Resources per version (without subresources).</summary>
    public Dictionary<string, List<ApiResourceInfo>> Resources { get; } = new(StringComparer.Ordinal);

    /// <summary>Subresources per version, as <c>resource/subresource</c>.</summary>
    public Dictionary<string, HashSet<string>> Subresources { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The resources a cluster serves, from discovery, with name resolution as Velero's RESTMapper does it.
/// Thread-safe; <see cref="RefreshAsync"/> swaps in a new snapshot (for example after CRDs are created).
/// </summary>
internal sealed class DiscoveryCatalog : IResourceCatalog
{
    private readonly KubernetesClient? client;
    private Snapshot snapshot;

    internal DiscoveryCatalog(KubernetesClient? client, IReadOnlyList<DiscoveredGroup> groups, IReadOnlyList<string> failedGroupVersions)
    {
        this.client = client;
        snapshot = new Snapshot(groups, failedGroupVersions);
    }

    /// <inheritdoc />
    public IReadOnlyList<ApiResourceInfo> Resources => Volatile.Read(ref snapshot).Preferred;

    /// <summary>Group versions whose discovery failed (for example an unavailable aggregated API such as <c>metrics.k8s.io/v1beta1</c>); their resources are missing.</summary>
    public IReadOnlyList<string> FailedGroupVersions => Volatile.Read(ref snapshot).FailedGroupVersions;

    /// <summary>API group names in discovery order (the core group is the empty string, first).</summary>
    public IReadOnlyList<string> Groups => Volatile.Read(ref snapshot).Groups.Select(g => g.Name).ToList();

    /// <summary>
    /// Builds a catalog without a cluster, for tests and offline planning. Groups and versions keep the
    /// order in which <paramref name="resources"/> first mention them; a group's first version is its
    /// preferred one unless <paramref name="preferredVersions"/> says otherwise. <see cref="RefreshAsync"/>
    /// is then a no-op.
    /// </summary>
    /// <param name="resources">Served resources, any versions.</param>
    /// <param name="preferredVersions">Group name to preferred version; optional.</param>
    public static DiscoveryCatalog FromResources(IEnumerable<ApiResourceInfo> resources, IReadOnlyDictionary<string, string>? preferredVersions = null)
    {
        if (resources is null)
        {
            throw new ArgumentNullException(nameof(resources));
        }

        var list = resources.ToList();
        var groups = new List<DiscoveredGroup>();
        foreach (var groupName in list.Select(r => r.Group).Distinct())
        {
            var versions = list.Where(r => r.Group == groupName).Select(r => r.Version).Distinct().ToList();
            var preferred = preferredVersions is not null && preferredVersions.TryGetValue(groupName, out var p) ? p : versions[0];
            var group = new DiscoveredGroup(groupName, preferred, versions);
            foreach (var resource in list.Where(r => r.Group == groupName))
            {
                if (!group.Resources.TryGetValue(resource.Version, out var bucket))
                {
                    group.Resources[resource.Version] = bucket = new List<ApiResourceInfo>();
                }

                bucket.Add(resource);
            }

            groups.Add(group);
        }

        return new DiscoveryCatalog(null, groups, Array.Empty<string>());
    }

    /// <inheritdoc />
    public ApiResourceInfo? Resolve(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var snapshot = Volatile.Read(ref this.snapshot);
        var (resource, group) = SplitGroupResource(name.Trim());
        resource = resource.ToLowerInvariant();
        var candidates = snapshot.Priority.Where(r => group.Length == 0 || string.Equals(r.Group, group, StringComparison.OrdinalIgnoreCase)).ToList();

        // As the RESTMapper behind kubectl's shortcut expander: full names (plural, singular) first, across
        // all groups in priority order; then short names; then kinds.
        var match = candidates.FirstOrDefault(r => r.Resource == resource || string.Equals(r.SingularName, resource, StringComparison.OrdinalIgnoreCase))
            ?? candidates.FirstOrDefault(r => r.ShortNames.Any(s => string.Equals(s, resource, StringComparison.OrdinalIgnoreCase)))
            ?? candidates.FirstOrDefault(r => string.Equals(r.Kind, resource, StringComparison.OrdinalIgnoreCase));
        return match is null ? null : snapshot.PreferredFor(match);
    }

    /// <inheritdoc />
    public ApiResourceInfo? FindByGroupResource(string groupResource)
    {
        if (string.IsNullOrWhiteSpace(groupResource))
        {
            return null;
        }

        var (resource, group) = SplitGroupResource(groupResource.Trim());
        return Volatile.Read(ref snapshot).Preferred.FirstOrDefault(r => r.Group == group && r.Resource == resource);
    }

    /// <inheritdoc />
    public ApiResourceInfo? FindByKind(string apiVersion, string kind)
    {
        if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind))
        {
            return null;
        }

        var slash = apiVersion.IndexOf('/');
        var group = slash < 0 ? string.Empty : apiVersion.Substring(0, slash);
        var version = slash < 0 ? apiVersion : apiVersion.Substring(slash + 1);
        var found = Volatile.Read(ref snapshot).Groups.FirstOrDefault(g => g.Name == group);
        return found is not null && found.Resources.TryGetValue(version, out var resources)
            ? resources.FirstOrDefault(r => r.Kind == kind)
            : null;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> GetServedVersions(string group) =>
        Volatile.Read(ref snapshot).Groups.FirstOrDefault(g => g.Name == (group ?? string.Empty))?.Versions ?? Array.Empty<string>();

    /// <summary>True when the resource has the subresource (such as <c>status</c> or <c>scale</c>) at its version.</summary>
    public bool HasSubresource(ApiResourceInfo resource, string subresource)
    {
        if (resource is null)
        {
            throw new ArgumentNullException(nameof(resource));
        }

        var found = Volatile.Read(ref snapshot).Groups.FirstOrDefault(g => g.Name == resource.Group);
        return found is not null && found.Subresources.TryGetValue(resource.Version, out var set) && set.Contains(resource.Resource + "/" + subresource);
    }

    /// <summary>Runs discovery again (for example after creating CRDs) and swaps in the result.</summary>
    /// <exception cref="KubernetesApiException">Discovery failed; the previous snapshot stays in use.</exception>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (client is null)
        {
            return;
        }

        var (groups, failed) = await DiscoveryReader.ReadAsync(client, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref snapshot, new Snapshot(groups, failed));
    }

    private static (string Resource, string Group) SplitGroupResource(string text)
    {
        var dot = text.IndexOf('.');
        return dot < 0 ? (text, string.Empty) : (text.Substring(0, dot), text.Substring(dot + 1));
    }

    private sealed class Snapshot
    {
        private readonly Dictionary<(string Group, string Resource), ApiResourceInfo> preferredByName = new();

        public Snapshot(IReadOnlyList<DiscoveredGroup> groups, IReadOnlyList<string> failed)
        {
            // The core group first, as the RESTMapper's priority does.
            Groups = groups.Where(g => g.Name.Length == 0).Concat(groups.Where(g => g.Name.Length != 0)).ToList();
            FailedGroupVersions = failed;
            var priority = new List<ApiResourceInfo>();
            var preferred = new List<ApiResourceInfo>();
            foreach (var group in Groups)
            {
                foreach (var version in group.Versions)
                {
                    if (!group.Resources.TryGetValue(version, out var resources))
                    {
                        continue;
                    }

                    priority.AddRange(resources);

                    // As ServerPreferredResources: each resource at the first version (preferred first) that serves it.
                    foreach (var resource in resources)
                    {
                        var key = (group.Name, resource.Resource);
                        if (!preferredByName.ContainsKey(key))
                        {
                            preferredByName.Add(key, resource);
                            preferred.Add(resource);
                        }
                    }
                }
            }

            Priority = priority;
            Preferred = preferred;
        }

        public IReadOnlyList<DiscoveredGroup> Groups { get; }

        public IReadOnlyList<string> FailedGroupVersions { get; }

        /// <summary>All resources in RESTMapper priority: group order, preferred version first.</summary>
        public IReadOnlyList<ApiResourceInfo> Priority { get; }

        public IReadOnlyList<ApiResourceInfo> Preferred { get; }

        public ApiResourceInfo PreferredFor(ApiResourceInfo resource) =>
            preferredByName.TryGetValue((resource.Group, resource.Resource), out var preferred) ? preferred : resource;
    }
}
