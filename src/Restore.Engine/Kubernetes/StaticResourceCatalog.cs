using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using Restore.Engine.Common;

namespace Restore.Engine.Kubernetes;

/// <summary>
/// A resource catalog without a cluster: the built-in resources of a current Kubernetes release
/// (about 1.30, plus <c>snapshot.storage.k8s.io</c> and <c>velero.io</c>) and, optionally, every
/// CustomResourceDefinition found in a backup. Used to plan offline (Get-RestorePlan without a cluster,
/// restore into a folder). Name resolution works like Velero's discovery helper: plural, singular, short
/// name or kind, optionally followed by <c>.group</c> (split on the first dot), case-insensitive; when
/// several groups match, the core group wins, then built-in groups, then CRDs in backup order.
/// </summary>
internal sealed class StaticResourceCatalog : IResourceCatalog
{
    private readonly List<Entry> entries;
    private readonly Dictionary<string, Entry> byGroupResource = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> groupVersions = new(StringComparer.Ordinal);

    private StaticResourceCatalog(IEnumerable<Entry> rows)
    {
        entries = new List<Entry>();
        foreach (var row in rows)
        {
            var key = row.Info.GroupResource;
            if (byGroupResource.TryGetValue(key, out var existing))
            {
                // A CRD from the backup replaces a built-in definition of the same resource.
                entries[entries.IndexOf(existing)] = row;
            }
            else
            {
                entries.Add(row);
            }

            byGroupResource[key] = row;
        }

        foreach (var (group, versions) in BuiltInResources.Groups)
        {
            groupVersions[group] = new List<string>(versions);
        }

        foreach (var e in entries)
        {
            if (!groupVersions.TryGetValue(e.Info.Group, out var list))
            {
                list = new List<string>();
                groupVersions[e.Info.Group] = list;
            }

            foreach (var v in e.Versions.Where(v => !list.Contains(v)))
            {
                list.Add(v);
            }
        }

        foreach (var group in groupVersions.Keys.ToList())
        {
            if (BuiltInResources.Groups.All(g => g.Group != group))
            {
                groupVersions[group] = KubeVersion.Sort(groupVersions[group]).ToList();
            }
        }

        Resources = entries.Select(e => e.Info).ToArray();
    }

    /// <inheritdoc />
    public IReadOnlyList<ApiResourceInfo> Resources { get; }

    /// <summary>The built-in resources only.</summary>
    public static StaticResourceCatalog CreateDefault() =>
        new(BuiltInResources.Rows().Select(r => new Entry(r.Info, r.Versions)));

    /// <summary>A new catalog with these CustomResourceDefinition objects added (a CRD replaces a built-in of the same group-resource).</summary>
    public StaticResourceCatalog WithCustomResourceDefinitions(IEnumerable<JsonObject> crds, IEngineLog? log = null)
    {
        if (crds is null)
        {
            throw new ArgumentNullException(nameof(crds));
        }

        var rows = new List<Entry>(entries);
        foreach (var crd in crds)
        {
            if (TryReadCustomResourceDefinition(crd, out var info, out var versions, out var error))
            {
                rows.Add(new Entry(info!, versions));
            }
            else
            {
                log?.Warning("ignoring a CustomResourceDefinition for the offline resource catalog: " + error);
            }
        }

        return new StaticResourceCatalog(rows);
    }

    /// <inheritdoc />
    public ApiResourceInfo? Resolve(string name) => ResolveEntry(name)?.Info;

    /// <inheritdoc />
    public ApiResourceInfo? FindByGroupResource(string groupResource) =>
        groupResource is not null && byGroupResource.TryGetValue(groupResource, out var e) ? e.Info : null;

    /// <inheritdoc />
    public ApiResourceInfo? FindByKind(string apiVersion, string kind)
    {
        if (apiVersion is null || kind is null)
        {
            return null;
        }

        var slash = apiVersion.IndexOf('/');
        var group = slash < 0 ? string.Empty : apiVersion.Substring(0, slash);
        var version = slash < 0 ? apiVersion : apiVersion.Substring(slash + 1);
        foreach (var e in entries)
        {
            if (e.Info.Group == group && e.Info.Kind == kind && e.Versions.Contains(version))
            {
                return e.Info.Version == version ? e.Info : WithVersion(e.Info, version);
            }
        }

        return null;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> GetServedVersions(string group) =>
        groupVersions.TryGetValue(group ?? string.Empty, out var list) ? list : Array.Empty<string>();

    /// <summary>Reads group, versions, names and scope from an <c>apiextensions.k8s.io</c> v1 or v1beta1 CRD object.</summary>
    internal static bool TryReadCustomResourceDefinition(JsonObject crd, out ApiResourceInfo? info, out string[] versions, out string? error)
    {
        info = null;
        versions = Array.Empty<string>();
        var name = (crd["metadata"] as JsonObject)?["name"] is JsonValue n && n.TryGetValue<string>(out var s) ? s : "(unnamed)";
        var spec = crd["spec"] as JsonObject;
        var names = spec?["names"] as JsonObject;
        var group = Text(spec?["group"]);
        var plural = Text(names?["plural"]);
        var kind = Text(names?["kind"]);
        if (string.IsNullOrEmpty(group) || string.IsNullOrEmpty(plural) || string.IsNullOrEmpty(kind))
        {
            error = $"CustomResourceDefinition {name} has no spec.group, spec.names.plural or spec.names.kind";
            return false;
        }

        var served = new List<string>();
        if (spec!["versions"] is JsonArray list)
        {
            foreach (var v in list.OfType<JsonObject>())
            {
                var vn = Text(v["name"]);
                var isServed = v["served"] is not JsonValue sv || !sv.TryGetValue<bool>(out var b) || b;
                if (!string.IsNullOrEmpty(vn) && isServed)
                {
                    served.Add(vn!);
                }
            }
        }

        if (served.Count == 0 && Text(spec["version"]) is { Length: > 0 } single)
        {
            served.Add(single);
        }

        if (served.Count == 0)
        {
            error = $"CustomResourceDefinition {name} serves no version";
            return false;
        }

        versions = KubeVersion.Sort(served).ToArray();
        var shortNames = (names!["shortNames"] as JsonArray)?.Select(Text).Where(x => !string.IsNullOrEmpty(x)).Select(x => x!).ToArray();
        var namespaced = !string.Equals(Text(spec["scope"]), "Cluster", StringComparison.Ordinal);
        info = new ApiResourceInfo(group!, versions[0], plural!, kind!, namespaced, shortNames, Text(names["singular"]));
        error = null;
        return true;
    }

    private static ApiResourceInfo WithVersion(ApiResourceInfo i, string version) =>
        new(i.Group, version, i.Resource, i.Kind, i.Namespaced, i.ShortNames, i.SingularName, i.Verbs);

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private Entry? ResolveEntry(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        var dot = name.IndexOf('.');
        var resource = (dot < 0 ? name : name.Substring(0, dot)).ToLowerInvariant();
        var group = dot < 0 ? null : name.Substring(dot + 1).ToLowerInvariant();
        if (resource.Length == 0)
        {
            return null;
        }

        // Plural names win over singulars, which win over short names and kinds, as in the RESTMapper.
        return Find(e => e.Info.Resource == resource, group)
            ?? Find(e => e.Info.SingularName == resource, group)
            ?? Find(e => e.Info.ShortNames.Contains(resource, StringComparer.Ordinal), group)
            ?? Find(e => string.Equals(e.Info.Kind, resource, StringComparison.OrdinalIgnoreCase), group);
    }

    private Entry? Find(Func<Entry, bool> match, string? group)
    {
        foreach (var e in entries)
        {
            if ((group is null || e.Info.Group == group) && match(e))
            {
                return e;
            }
        }

        return null;
    }

    private sealed class Entry
    {
        public Entry(ApiResourceInfo info, IReadOnlyList<string> versions)
        {
            Info = info;
            Versions = versions;
        }

        public ApiResourceInfo Info { get; }

        public IReadOnlyList<string> Versions { get; }
    }
}
