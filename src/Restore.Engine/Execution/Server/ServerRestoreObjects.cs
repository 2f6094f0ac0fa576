using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using Restore.Engine.Planning.Modifiers;
using Restore.Engine.Velero;

namespace Restore.Engine.Execution.Server;

/// <summary>
/// Builds what a restore through the Velero server creates in one cluster: the <c>velero.io/v1</c> Restore (Velero's
/// spec fields only; ours go to annotations) and the ConfigMaps Velero reads for resource modifiers and for its
/// change-storage-class, change-image-name and change-pvc-node-selector plugins
/// (docs/velero-compatibility.md#server-restores). Every ConfigMap is named after the restore and labelled with it.
/// </summary>
internal static class ServerRestoreObjects
{
    /// <summary>The plugin ConfigMaps: mapping, plugin label, name suffix.</summary>
    internal static readonly IReadOnlyList<(string Plugin, string Suffix)> Plugins = new[]
    {
        ("velero.io/change-storage-class", "change-storage-class"),
        ("velero.io/change-image-name", "change-image-name"),
        ("velero.io/change-pvc-node-selector", "change-pvc-node-selector"),
    };

    /// <summary>The suffix of the resource modifier ConfigMap's name.</summary>
    public const string ResourceModifierSuffix = "resource-modifiers";

    /// <summary>
    /// The request's fields only our client implements, by the parameter a user gives them with: none of them may go
    /// to Velero, which would ignore them silently.
    /// </summary>
    public static IReadOnlyList<string> ClientOnlyFields(RestoreSpec spec)
    {
        var found = new List<string>();
        if (spec.Objects is { Count: > 0 })
        {
            found.Add("Object");
        }

        if (spec.ResourcePriorities is { Count: > 0 })
        {
            found.Add("ResourcePriority");
        }

        if (spec.Patches is { Count: > 0 })
        {
            found.Add("JsonPatch");
        }

        if (!string.IsNullOrEmpty(spec.NamespaceMatching))
        {
            found.Add("Manifest (spec.namespaceMatching)");
        }

        if (spec.EnableApiGroupVersions is not null || spec.ApiGroupVersionPriorities is { Count: > 0 })
        {
            found.Add("Manifest (API group version fields)");
        }

        return found;
    }

    /// <summary>The Restore object: Velero's spec, the given labels, our annotations.</summary>
    public static JsonObject Restore(string name, string veleroNamespace, RestoreSpec spec, IReadOnlyDictionary<string, string> labels, string? description, string? createdBy)
    {
        var velero = spec.Clone();
        velero.Description = null;
        var annotations = new JsonObject { [VeleroServerApi.RanOnAnnotation] = VeleroServerApi.Server };
        if (!string.IsNullOrEmpty(description))
        {
            annotations[VeleroServerApi.DescriptionAnnotation] = description;
        }

        if (!string.IsNullOrEmpty(createdBy))
        {
            annotations[VeleroServerApi.CreatedByAnnotation] = createdBy;
        }

        var metadata = new JsonObject { ["name"] = name, ["namespace"] = veleroNamespace, ["annotations"] = annotations };
        if (labels.Count > 0)
        {
            var labelObject = new JsonObject();
            foreach (var pair in labels.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                labelObject[pair.Key] = pair.Value;
            }

            metadata["labels"] = labelObject;
        }

        return new JsonObject
        {
            ["apiVersion"] = "velero.io/v1",
            ["kind"] = "Restore",
            ["metadata"] = metadata,
            ["spec"] = RestoreSpecJson.WriteSpec(velero, includeExtensions: false),
        };
    }

    /// <summary>
    /// The ConfigMaps for the request's mappings and resource modifier document, and the spec with its
    /// <c>resourceModifier</c> reference set when a document was given. Throws for a document that does not parse.
    /// </summary>
    public static IReadOnlyList<JsonObject> ConfigMaps(string name, string veleroNamespace, RestoreRequest request, RestoreSpec spec)
    {
        var maps = new List<JsonObject>();
        if (!string.IsNullOrEmpty(request.ResourceModifierDocument))
        {
            if (spec.ResourceModifier is not null)
            {
                throw new ServerRestoreException(ServerRestoreProblem.ResourceModifier, "Give resource modifiers either as a document (-ResourceModifier) or as a ConfigMap (-ResourceModifierConfigMap), not both.", "ResourceModifier");
            }

            try
            {
                ResourceModifierSet.Parse(request.ResourceModifierDocument!);
            }
            catch (ResourceModifierValidationException ex)
            {
                throw new ServerRestoreException(ServerRestoreProblem.ResourceModifier, "Error in parsing resource modifiers: " + ex.Message, "ResourceModifier", ex);
            }

            var modifierName = name + "-" + ResourceModifierSuffix;

            // Velero reads the one data key of the ConfigMap, whatever its name (docs/velero-compatibility.md#resource-modifiers).
            maps.Add(ConfigMap(modifierName, veleroNamespace, name, null, new Dictionary<string, string> { ["resource-modifiers.yaml"] = request.ResourceModifierDocument! }));
            spec.ResourceModifier = new ResourceModifierReference { Kind = "ConfigMap", Name = modifierName };
        }

        AddPlugin(maps, name, veleroNamespace, 0, spec.StorageClassMapping);
        if (spec.ImageMapping is { Count: > 0 } images)
        {
            // change-image-name reads "<old part>,<new part>" values under any keys.
            var cases = new Dictionary<string, string>(StringComparer.Ordinal);
            var i = 1;
            foreach (var pair in images.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                cases["case" + i++] = pair.Key + "," + pair.Value;
            }

            maps.Add(ConfigMap(name + "-" + Plugins[1].Suffix, veleroNamespace, name, Plugins[1].Plugin, cases));
        }

        AddPlugin(maps, name, veleroNamespace, 2, spec.NodeMapping);
        spec.StorageClassMapping = null;
        spec.ImageMapping = null;
        spec.NodeMapping = null;
        return maps;
    }

    /// <summary>The label selector of the ConfigMaps created for a restore.</summary>
    public static string ConfigMapSelector(string restoreName) => VeleroServerApi.RestoreConfigLabel + "=" + RestoreLabels.GetValidName(restoreName);

    private static void AddPlugin(List<JsonObject> maps, string name, string veleroNamespace, int plugin, Dictionary<string, string>? mapping)
    {
        if (mapping is { Count: > 0 })
        {
            maps.Add(ConfigMap(name + "-" + Plugins[plugin].Suffix, veleroNamespace, name, Plugins[plugin].Plugin, mapping));
        }
    }

    private static JsonObject ConfigMap(string name, string veleroNamespace, string restoreName, string? plugin, IReadOnlyDictionary<string, string> data)
    {
        var labels = new JsonObject { [VeleroServerApi.RestoreConfigLabel] = RestoreLabels.GetValidName(restoreName) };
        if (plugin is not null)
        {
            labels[VeleroServerApi.PluginConfigLabel] = string.Empty;
            labels[plugin] = VeleroServerApi.RestoreItemActionKind;
        }

        var dataObject = new JsonObject();
        foreach (var pair in data.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            dataObject[pair.Key] = pair.Value;
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = veleroNamespace, ["labels"] = labels },
            ["data"] = dataObject,
        };
    }
}
