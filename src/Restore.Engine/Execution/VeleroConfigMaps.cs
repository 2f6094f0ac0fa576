using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Actions;
using Restore.Engine.Cluster;
using Restore.Engine.Common;
using Restore.Engine.Kubernetes;
using Restore.Engine.Planning;
using Restore.Engine.Velero;

namespace Restore.Engine.Execution;

/// <summary>
/// What Velero's ConfigMaps in one target cluster's Velero namespace add to a restore: the mappings of the plugin
/// ConfigMaps (docs/velero-compatibility.md#plugin-configmaps) and the API group version priorities of
/// <c>enableapigroupversions</c> (docs/velero-compatibility.md#api-group-versions). The restore's own values override
/// them key by key. Read by each cluster target once connected; each ConfigMap used is logged (<see cref="Used"/>).
/// </summary>
internal sealed class TargetVeleroConfig
{
    /// <summary>No ConfigMaps (folders, or none found).</summary>
    public static TargetVeleroConfig None { get; } = new();

    /// <summary>Storage class old → new from <c>velero.io/change-storage-class</c>.</summary>
    public Dictionary<string, string>? StorageClassMapping { get; set; }

    /// <summary>Image old part → new part from <c>velero.io/change-image-name</c>.</summary>
    public Dictionary<string, string>? ImageMapping { get; set; }

    /// <summary>Node old → new from <c>velero.io/change-pvc-node-selector</c>.</summary>
    public Dictionary<string, string>? NodeMapping { get; set; }

    /// <summary>Group-resource → versions from <c>enableapigroupversions</c>.</summary>
    public Dictionary<string, List<string>>? ApiGroupVersionPriorities { get; set; }

    /// <summary>One line per ConfigMap used, naming it, for the target's restore log.</summary>
    public List<string> Used { get; } = new();

    /// <summary>A copy of <paramref name="spec"/> with these values under its own, key by key.</summary>
    public RestoreSpec Apply(RestoreSpec spec)
    {
        if (spec is null)
        {
            throw new ArgumentNullException(nameof(spec));
        }

        var copy = spec.Clone();
        copy.StorageClassMapping = VeleroPluginConfig.Merge(StorageClassMapping, spec.StorageClassMapping);
        copy.ImageMapping = VeleroPluginConfig.Merge(ImageMapping, spec.ImageMapping);
        copy.NodeMapping = VeleroPluginConfig.Merge(NodeMapping, spec.NodeMapping);
        if (ApiGroupVersionPriorities is { Count: > 0 })
        {
            var priorities = new Dictionary<string, List<string>>(ApiGroupVersionPriorities, StringComparer.Ordinal);
            foreach (var pair in spec.ApiGroupVersionPriorities ?? new Dictionary<string, List<string>>())
            {
                priorities[pair.Key] = pair.Value;
            }

            copy.ApiGroupVersionPriorities = priorities;
        }

        return copy;
    }
}

/// <summary>Reads <see cref="TargetVeleroConfig"/> from a cluster.</summary>
internal static class VeleroConfigMaps
{
    /// <summary>The ConfigMap of Velero's API group version priorities.</summary>
    public const string ApiGroupVersionsConfigMap = "enableapigroupversions";

    /// <summary>Its data key.</summary>
    public const string ApiGroupVersionsKey = "restoreResourcesVersionPriority";

    private static readonly ApiResourceInfo ConfigMaps = new(string.Empty, "v1", "configmaps", "ConfigMap", true);

    /// <summary>
    /// Lists the plugin ConfigMaps by label, as Velero finds them, and (when <paramref name="apiGroupVersions"/>) reads
    /// <c>enableapigroupversions</c>. Each ConfigMap used is logged by name. A namespace the identity may not read gives a
    /// warning and no values; two ConfigMaps for one plugin are an error, as in Velero.
    /// </summary>
    /// <exception cref="VeleroConfigMapException">More than one ConfigMap matches a plugin's labels.</exception>
    /// <exception cref="KubernetesApiException">The cluster could not be asked.</exception>
    public static async Task<TargetVeleroConfig> ReadAsync(KubernetesClient client, string veleroNamespace, bool apiGroupVersions, IEngineLog log, CancellationToken cancellationToken)
    {
        if (client is null)
        {
            throw new ArgumentNullException(nameof(client));
        }

        var config = new TargetVeleroConfig();
        foreach (var plugin in VeleroPluginConfig.MappingPlugins)
        {
            var selector = VeleroPluginConfig.LabelSelector(plugin);
            IReadOnlyList<JsonObject> found;
            try
            {
                found = await client.ListAsync(ConfigMaps, veleroNamespace, selector, cancellationToken).ConfigureAwait(false);
            }
            catch (KubernetesForbiddenException ex)
            {
                log.Warning($"Velero's plugin ConfigMaps in namespace {veleroNamespace} cannot be read ({ex.ApiMessage}); {plugin} mappings there are not applied. Give them as parameters (-StorageClassMapping, -ImageMapping, -NodeMapping) if the restore needs them");
                return config;
            }

            if (found.Count == 0)
            {
                continue;
            }

            if (found.Count > 1)
            {
                throw new VeleroConfigMapException($"found more than one ConfigMap matching label selector \"{selector}\" in namespace {veleroNamespace}: [{string.Join(" ", found.Select(Name))}]");
            }

            var problems = new List<string>();
            var mapping = VeleroPluginConfig.ReadMapping(plugin, Data(found[0]), problems);
            foreach (var problem in problems)
            {
                log.Warning($"ConfigMap {veleroNamespace}/{Name(found[0])} ({plugin}): {problem}");
            }

            config.Used.Add($"Using Velero's plugin ConfigMap {veleroNamespace}/{Name(found[0])} ({plugin}): {mapping.Count} mapping(s); parameters override it key by key");
            log.Info(config.Used[config.Used.Count - 1]);
            switch (plugin)
            {
                case VeleroPluginConfig.ChangeStorageClass:
                    config.StorageClassMapping = mapping;
                    break;
                case VeleroPluginConfig.ChangeImageName:
                    config.ImageMapping = mapping;
                    break;
                default:
                    config.NodeMapping = mapping;
                    break;
            }
        }

        if (apiGroupVersions)
        {
            JsonObject? priorities;
            try
            {
                priorities = await client.TryGetAsync(ConfigMaps, veleroNamespace, ApiGroupVersionsConfigMap, cancellationToken).ConfigureAwait(false);
            }
            catch (KubernetesForbiddenException ex)
            {
                log.Warning($"The ConfigMap {veleroNamespace}/{ApiGroupVersionsConfigMap} cannot be read ({ex.ApiMessage}); only -ApiGroupVersionPriority applies");
                priorities = null;
            }

            if (priorities is not null)
            {
                var text = Data(priorities).Where(p => p.Key == ApiGroupVersionsKey).Select(p => p.Value).FirstOrDefault();
                config.ApiGroupVersionPriorities = ApiGroupVersionChooser.ParseUserPriorities(text);
                config.Used.Add($"Using Velero's ConfigMap {veleroNamespace}/{ApiGroupVersionsConfigMap}: version priorities for {config.ApiGroupVersionPriorities.Count} resource(s); -ApiGroupVersionPriority overrides it per resource");
                log.Info(config.Used[config.Used.Count - 1]);
            }
        }

        return config;
    }

    private static string Name(JsonObject item) => (item["metadata"]?["name"] as JsonValue)?.TryGetValue<string>(out var n) == true ? n : string.Empty;

    private static IEnumerable<KeyValuePair<string, string>> Data(JsonObject configMap) =>
        (configMap["data"] as JsonObject ?? new JsonObject())
            .Select(p => new KeyValuePair<string, string>(p.Key, (p.Value as JsonValue)?.TryGetValue<string>(out var v) == true ? v : string.Empty))
            .ToList();
}

/// <summary>Velero's ConfigMaps in a target cannot be used as they are (Velero would fail the items they apply to).</summary>
internal sealed class VeleroConfigMapException : Exception
{
    public VeleroConfigMapException(string message)
        : base(message)
    {
    }
}
