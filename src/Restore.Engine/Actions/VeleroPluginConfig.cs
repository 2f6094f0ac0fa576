using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;

namespace Restore.Engine.Actions;

/// <summary>
/// Velero's plugin ConfigMaps for the mapping actions (docs/velero-compatibility.md#plugin-configmaps): found in the
/// Velero namespace by the labels <c>velero.io/plugin-config</c> and <c>&lt;plugin&gt;=RestoreItemAction</c>, their data
/// read into the old-to-new mappings of <see cref="RestoreActionOptions"/>, and (for a hand-off to the Velero server)
/// written back from such mappings.
/// </summary>
internal static class VeleroPluginConfig
{
    /// <summary>The label every plugin ConfigMap carries (any value).</summary>
    public const string PluginConfigLabel = "velero.io/plugin-config";

    /// <summary>The value of the plugin label: the plugin kind.</summary>
    public const string RestoreItemActionKind = "RestoreItemAction";

    /// <summary>Storage class old → new.</summary>
    public const string ChangeStorageClass = "velero.io/change-storage-class";

    /// <summary>Image rules, each value <c>"&lt;old part&gt;,&lt;new part&gt;"</c> under a free key.</summary>
    public const string ChangeImageName = "velero.io/change-image-name";

    /// <summary>Node old → new, for the claims' selected-node annotation.</summary>
    public const string ChangePvcNodeSelector = "velero.io/change-pvc-node-selector";

    /// <summary>The three mapping plugins, in the order they are read.</summary>
    public static IReadOnlyList<string> MappingPlugins { get; } = new[] { ChangeStorageClass, ChangeImageName, ChangePvcNodeSelector };

    /// <summary>The label selector Velero lists a plugin's ConfigMap with.</summary>
    public static string LabelSelector(string plugin) => $"{PluginConfigLabel},{plugin}={RestoreItemActionKind}";

    /// <summary>
    /// The mapping a plugin ConfigMap's data holds. Storage classes and nodes are the data as is; image rules are
    /// parsed as Velero parses them (<see cref="ImageMappingParser"/>), entries that are not rules reported in
    /// <paramref name="problems"/>.
    /// </summary>
    public static Dictionary<string, string> ReadMapping(string plugin, IEnumerable<KeyValuePair<string, string>> data, ICollection<string> problems)
    {
        if (data is null)
        {
            throw new ArgumentNullException(nameof(data));
        }

        if (plugin == ChangeImageName)
        {
            var parsed = ImageMappingParser.Parse(data);
            foreach (var problem in parsed.Problems)
            {
                problems?.Add(problem);
            }

            return parsed.Mapping.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        }

        return data.Where(p => p.Key.Length > 0).ToDictionary(p => p.Key, p => p.Value ?? string.Empty, StringComparer.Ordinal);
    }

    /// <summary>
    /// The data of a plugin ConfigMap holding <paramref name="mapping"/>: for images one <c>"old,new"</c> value per rule
    /// under the keys <c>rule-1</c>, <c>rule-2</c>… (in old-part order), otherwise the mapping itself.
    /// </summary>
    public static JsonObject WriteData(string plugin, IReadOnlyDictionary<string, string> mapping)
    {
        if (mapping is null)
        {
            throw new ArgumentNullException(nameof(mapping));
        }

        var data = new JsonObject();
        var index = 0;
        foreach (var pair in mapping.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (plugin == ChangeImageName)
            {
                index++;
                data["rule-" + index.ToString(CultureInfo.InvariantCulture)] = pair.Key + "," + pair.Value;
            }
            else
            {
                data[pair.Key] = pair.Value;
            }
        }

        return data;
    }

    /// <summary>A complete plugin ConfigMap (labels as Velero looks for them) holding <paramref name="mapping"/>.</summary>
    public static JsonObject WriteConfigMap(string plugin, string name, string @namespace, IReadOnlyDictionary<string, string> mapping) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = @namespace,
            ["labels"] = new JsonObject { [PluginConfigLabel] = "true", [plugin] = RestoreItemActionKind },
        },
        ["data"] = WriteData(plugin, mapping),
    };

    /// <summary>
    /// <paramref name="fromConfigMap"/> with <paramref name="given"/> laid over it key by key: what the restore says
    /// wins, the ConfigMap fills in the rest. Null when both are empty.
    /// </summary>
    public static Dictionary<string, string>? Merge(IReadOnlyDictionary<string, string>? fromConfigMap, IReadOnlyDictionary<string, string>? given)
    {
        if ((fromConfigMap is null || fromConfigMap.Count == 0) && given is null)
        {
            return null;
        }

        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in new[] { fromConfigMap, given })
        {
            foreach (var pair in source ?? new Dictionary<string, string>())
            {
                merged[pair.Key] = pair.Value;
            }
        }

        return merged;
    }
}
