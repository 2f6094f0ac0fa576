using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Kubernetes;

namespace Restore.Engine.Cluster;

/// <summary>
/// Reads discovery: aggregated discovery (apidiscovery.k8s.io v2/v2beta1, two requests) when the server
/// offers it, else the classic per-group-version documents fetched in parallel.
/// </summary>
internal static class DiscoveryReader
{
    internal const string AggregatedAccept =
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList," +
        "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList," +
        "application/json";

    public static async Task<(List<DiscoveredGroup> Groups, List<string> Failed)> ReadAsync(KubernetesClient client, CancellationToken cancellationToken)
    {
        var groups = new List<DiscoveredGroup>();
        var failed = new List<string>();
        var core = await GetAsync(client, "/api", "API versions", AggregatedAccept, cancellationToken).ConfigureAwait(false);
        await ReadRootAsync(client, core, "/api", groups, failed, cancellationToken).ConfigureAwait(false);
        var apis = await GetAsync(client, "/apis", "API groups", AggregatedAccept, cancellationToken).ConfigureAwait(false);
        await ReadRootAsync(client, apis, "/apis", groups, failed, cancellationToken).ConfigureAwait(false);
        if (!groups.Any(g => g.Name.Length == 0))
        {
            throw new KubernetesApiException(new KubernetesApiErrorInfo
            {
                Reason = "InvalidResponse",
                ApiMessage = "discovery returned no core API group (v1)",
                Cluster = client.DisplayName,
                Verb = "discover",
                Target = "/api",
            });
        }

        foreach (var gv in failed)
        {
            client.Log.Warning("API discovery failed for a group version; its resources are unavailable", ("cluster", client.DisplayName), ("groupVersion", gv));
        }

        return (groups, failed);
    }

    internal static void ReadAggregated(JsonObject list, List<DiscoveredGroup> groups, List<string> failed)
    {
        foreach (var item in (list["items"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
        {
            var name = (string?)(item["metadata"] as JsonObject)?["name"] ?? string.Empty;
            var versions = (item["versions"] as JsonArray ?? new JsonArray()).OfType<JsonObject>().ToList();
            var current = versions.Where(v => !string.Equals((string?)v["freshness"], "Stale", StringComparison.Ordinal)).ToList();
            failed.AddRange(versions.Except(current).Select(v => GroupVersion(name, (string?)v["version"] ?? string.Empty)));
            if (current.Count == 0)
            {
                continue;
            }

            // The server lists versions by preference, preferred first.
            var group = new DiscoveredGroup(name, (string?)current[0]["version"] ?? string.Empty, current.Select(v => (string?)v["version"] ?? string.Empty).ToList());
            foreach (var version in current)
            {
                var versionName = (string?)version["version"] ?? string.Empty;
                var resources = new List<ApiResourceInfo>();
                var subresources = new HashSet<string>(StringComparer.Ordinal);
                foreach (var resource in (version["resources"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
                {
                    var plural = (string?)resource["resource"];
                    var kind = (string?)(resource["responseKind"] as JsonObject)?["kind"];
                    if (string.IsNullOrEmpty(plural) || string.IsNullOrEmpty(kind))
                    {
                        continue;
                    }

                    resources.Add(new ApiResourceInfo(
                        name,
                        versionName,
                        plural!,
                        kind!,
                        string.Equals((string?)resource["scope"], "Namespaced", StringComparison.Ordinal),
                        Strings(resource["shortNames"]),
                        (string?)resource["singularResource"],
                        Strings(resource["verbs"])));
                    foreach (var sub in (resource["subresources"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
                    {
                        subresources.Add(plural + "/" + (string?)sub["subresource"]);
                    }
                }

                group.Resources[versionName] = resources;
                group.Subresources[versionName] = subresources;
            }

            groups.Add(group);
        }
    }

    internal static void ReadResourceList(DiscoveredGroup group, string version, JsonObject list)
    {
        var resources = new List<ApiResourceInfo>();
        var subresources = new HashSet<string>(StringComparer.Ordinal);
        foreach (var resource in (list["resources"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
        {
            var name = (string?)resource["name"];
            var kind = (string?)resource["kind"];
            if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(kind))
            {
                continue;
            }

            if (name!.IndexOf('/') >= 0)
            {
                subresources.Add(name);
                continue;
            }

            resources.Add(new ApiResourceInfo(
                group.Name,
                version,
                name,
                kind!,
                resource["namespaced"] is JsonValue ns && ns.TryGetValue<bool>(out var namespaced) && namespaced,
                Strings(resource["shortNames"]),
                (string?)resource["singularName"],
                Strings(resource["verbs"])));
        }

        group.Resources[version] = resources;
        group.Subresources[version] = subresources;
    }

    private static async Task ReadRootAsync(KubernetesClient client, JsonObject root, string path, List<DiscoveredGroup> groups, List<string> failed, CancellationToken cancellationToken)
    {
        switch ((string?)root["kind"])
        {
            case "APIGroupDiscoveryList":
                ReadAggregated(root, groups, failed);
                return;
            case "APIVersions":
                var versions = Strings(root["versions"]);
                if (versions.Count == 0)
                {
                    return;
                }

                var core = new DiscoveredGroup(string.Empty, versions[0], versions);
                await ReadGroupVersionsAsync(client, new[] { core }, failed, cancellationToken).ConfigureAwait(false);
                groups.Add(core);
                return;
            case "APIGroupList":
                var list = new List<DiscoveredGroup>();
                foreach (var item in (root["groups"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
                {
                    var name = (string?)item["name"];
                    var groupVersions = (item["versions"] as JsonArray ?? new JsonArray()).OfType<JsonObject>().Select(v => (string?)v["version"]).Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();
                    if (string.IsNullOrEmpty(name) || groupVersions.Count == 0)
                    {
                        continue;
                    }

                    var preferred = (string?)(item["preferredVersion"] as JsonObject)?["version"];
                    list.Add(new DiscoveredGroup(name!, string.IsNullOrEmpty(preferred) ? groupVersions[0] : preferred!, groupVersions));
                }

                await ReadGroupVersionsAsync(client, list, failed, cancellationToken).ConfigureAwait(false);
                groups.AddRange(list);
                return;
            default:
                throw new KubernetesApiException(new KubernetesApiErrorInfo
                {
                    Reason = "InvalidResponse",
                    ApiMessage = $"the discovery document at {path} has unexpected kind '{(string?)root["kind"]}'",
                    Cluster = client.DisplayName,
                    Verb = "discover",
                    Target = path,
                });
        }
    }

    private static async Task ReadGroupVersionsAsync(KubernetesClient client, IReadOnlyList<DiscoveredGroup> groups, List<string> failed, CancellationToken cancellationToken)
    {
        var work = groups.SelectMany(g => g.Versions.Select(v => (Group: g, Version: v))).ToList();
        var results = await Task.WhenAll(work.Select(async w =>
        {
            try
            {
                var path = KubernetesPaths.GroupVersionRoot(w.Group.Name, w.Version);
                return (w.Group, w.Version, List: await GetAsync(client, path, GroupVersion(w.Group.Name, w.Version), "application/json", cancellationToken).ConfigureAwait(false));
            }
            catch (KubernetesApiException) when (w.Group.Name.Length != 0)
            {
                // One broken aggregated API (metrics-server down…) must not stop a restore; the core group must work.
                return (w.Group, w.Version, List: (JsonObject?)null);
            }
        })).ConfigureAwait(false);
        foreach (var (group, version, list) in results)
        {
            if (list is null)
            {
                failed.Add(GroupVersion(group.Name, version));
            }
            else
            {
                ReadResourceList(group, version, list);
            }
        }
    }

    private static async Task<JsonObject> GetAsync(KubernetesClient client, string path, string target, string accept, CancellationToken cancellationToken)
    {
        var request = new KubeRequest(HttpMethod.Get, path, "discover", target) { Accept = accept };
        return await client.SendAsync(request, cancellationToken).ConfigureAwait(false) as JsonObject
            ?? throw new KubernetesApiException(new KubernetesApiErrorInfo
            {
                Reason = "InvalidResponse",
                ApiMessage = $"the discovery document at {path} is empty",
                Cluster = client.DisplayName,
                Verb = "discover",
                Target = target,
            });
    }

    private static string GroupVersion(string group, string version) => group.Length == 0 ? version : group + "/" + version;

    private static IReadOnlyList<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var s) ? s : null).Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).ToList() : Array.Empty<string>();
}
