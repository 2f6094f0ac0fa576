using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;

namespace Restore.TestApiServer;

/// <summary>
/// The resources the server currently serves: the built-ins plus those of established CRDs.
/// Readers take an immutable <see cref="ResourceSnapshot"/>; CRD changes swap in a new one, so
/// the request path never locks for lookups.
/// </summary>
public sealed class ResourceRegistry
{
    private readonly IReadOnlyList<ResourceType> builtIns;
    private readonly Dictionary<string, IReadOnlyList<ResourceType>> custom = new(StringComparer.Ordinal);
    private readonly object gate = new();
    private ResourceSnapshot current;

    /// <summary>Creates a registry over the built-in resources.</summary>
    public ResourceRegistry(IReadOnlyList<ResourceType> builtIns)
    {
        this.builtIns = builtIns;
        current = new ResourceSnapshot(builtIns);
    }

    /// <summary>The current snapshot.</summary>
    public ResourceSnapshot Current => Volatile.Read(ref current);

    /// <summary>Serves (or replaces) the resources defined by the CRD named <paramref name="crdName"/>.</summary>
    public void SetCustom(string crdName, IReadOnlyList<ResourceType> types)
    {
        lock (gate)
        {
            custom[crdName] = types;
            Rebuild();
        }
    }

    /// <summary>Stops serving the resources of a CRD.</summary>
    public void RemoveCustom(string crdName)
    {
        lock (gate)
        {
            if (custom.Remove(crdName))
            {
                Rebuild();
            }
        }
    }

    private void Rebuild()
    {
        var all = builtIns.Concat(custom.Values.SelectMany(t => t)).ToList();
        Volatile.Write(ref current, new ResourceSnapshot(all));
    }
}

/// <summary>An immutable view of served resources with lookups and cached discovery documents.</summary>
public sealed class ResourceSnapshot
{
    // The order a real server lists built-in groups in /apis (by group priority).
    private static readonly string[] BuiltInGroupOrder =
    {
        "apiregistration.k8s.io", "apps", "events.k8s.io", "authentication.k8s.io", "authorization.k8s.io", "autoscaling", "batch",
        "certificates.k8s.io", "networking.k8s.io", "policy", "rbac.authorization.k8s.io", "storage.k8s.io", "admissionregistration.k8s.io",
        "apiextensions.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "node.k8s.io", "discovery.k8s.io", "flowcontrol.apiserver.k8s.io",
    };

    private readonly Dictionary<(string Group, string Version, string Plural), ResourceType> byPath = new();
    private readonly Dictionary<(string Group, string Version, string Kind), ResourceType> byKind = new();
    private readonly Dictionary<string, ResourceType> byGroupResource = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object> cache = new(StringComparer.Ordinal);

    internal ResourceSnapshot(IReadOnlyList<ResourceType> types)
    {
        All = types;
        foreach (var t in types)
        {
            byPath[(t.Group, t.Version, t.Plural)] = t;
            byKind[(t.Group, t.Version, t.Kind)] = t;
        }

        var groups = types.GroupBy(t => t.Group).Select(g => g.Key).ToList();
        Groups = groups
            .Where(g => g.Length > 0)
            .OrderBy(g => Array.IndexOf(BuiltInGroupOrder, g) is var i && i >= 0 ? i : int.MaxValue)
            .ThenBy(g => g, StringComparer.Ordinal)
            .ToList();
        VersionsByGroup = groups.ToDictionary(
            g => g,
            g => (IReadOnlyList<string>)types.Where(t => t.Group == g).Select(t => t.Version).Distinct().OrderBy(v => v, KubeVersionComparer.Instance).ToList(),
            StringComparer.Ordinal);
        foreach (var t in types)
        {
            if (VersionsByGroup[t.Group][0] == t.Version || !byGroupResource.ContainsKey(t.GroupResource))
            {
                byGroupResource[t.GroupResource] = t;
            }
        }
    }

    /// <summary>Every served resource (one entry per version).</summary>
    public IReadOnlyList<ResourceType> All { get; }

    /// <summary>Named groups in discovery order.</summary>
    public IReadOnlyList<string> Groups { get; }

    /// <summary>Versions of each group, preferred first.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> VersionsByGroup { get; }

    /// <summary>The resource at /apis/group/version/plural, or null.</summary>
    public ResourceType? ByPath(string group, string version, string plural) => byPath.GetValueOrDefault((group, version, plural));

    /// <summary>The resource for apiVersion + kind, or null.</summary>
    public ResourceType? ByKind(string apiVersion, string kind)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var (group, version) = slash < 0 ? (string.Empty, apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        return byKind.GetValueOrDefault((group, version, kind));
    }

    /// <summary>The preferred version of "plural.group", or null.</summary>
    public ResourceType? ByGroupResource(string groupResource) => byGroupResource.GetValueOrDefault(groupResource);

    /// <summary>True when the group/version is served.</summary>
    public bool ServesGroupVersion(string group, string version)
        => VersionsByGroup.TryGetValue(group, out var versions) && versions.Contains(version, StringComparer.Ordinal);

    /// <summary>
    /// Resolves a user-facing resource reference: "configmaps", "deployments.apps", a singular or short
    /// name, or a Kind. Throws <see cref="ArgumentException"/> naming the problem when nothing or more than one matches.
    /// </summary>
    public ResourceType Resolve(string resource)
    {
        if (byGroupResource.TryGetValue(resource, out var exact))
        {
            return exact;
        }

        var candidates = byGroupResource.Values.Where(t =>
            t.Plural == resource || t.Singular == resource || t.ShortNames.Contains(resource, StringComparer.Ordinal)
            || string.Equals(t.Kind, resource, StringComparison.OrdinalIgnoreCase)).ToList();
        return candidates.Count switch
        {
            1 => candidates[0],
            0 => throw new ArgumentException($"The server does not serve a resource called '{resource}'.", nameof(resource)),
            _ => throw new ArgumentException($"'{resource}' is ambiguous ({string.Join(", ", candidates.Select(c => c.GroupResource))}); qualify it with its group.", nameof(resource)),
        };
    }

    /// <summary>A document cached for the lifetime of this snapshot.</summary>
    internal T Cached<T>(string key, Func<T> build)
        where T : class
    {
        lock (cache)
        {
            if (cache.TryGetValue(key, out var value))
            {
                return (T)value;
            }

            var built = build();
            cache[key] = built;
            return built;
        }
    }
}

/// <summary>Orders versions the way Kubernetes prefers them: GA before beta before alpha, higher numbers first.</summary>
public sealed partial class KubeVersionComparer : IComparer<string>
{
    /// <summary>The instance.</summary>
    public static readonly KubeVersionComparer Instance = new();

    /// <inheritdoc />
    public int Compare(string? x, string? y)
    {
        var a = Rank(x ?? string.Empty);
        var b = Rank(y ?? string.Empty);
        if (a.Kube != b.Kube)
        {
            return a.Kube ? -1 : 1;
        }

        if (!a.Kube)
        {
            return string.CompareOrdinal(x, y);
        }

        if (a.Stage != b.Stage)
        {
            return b.Stage.CompareTo(a.Stage);
        }

        if (a.Major != b.Major)
        {
            return b.Major.CompareTo(a.Major);
        }

        return b.Minor.CompareTo(a.Minor);
    }

    private static (bool Kube, int Stage, int Major, int Minor) Rank(string version)
    {
        var match = VersionPattern().Match(version);
        if (!match.Success)
        {
            return (false, 0, 0, 0);
        }

        var stage = match.Groups[2].Value switch { "" => 3, "beta" => 2, _ => 1 };
        var minor = match.Groups[3].Success ? int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
        return (true, stage, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), minor);
    }

    [GeneratedRegex("^v([0-9]+)(?:(alpha|beta)([0-9]+))?$")]
    private static partial Regex VersionPattern();
}
