using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restore.Engine.Velero;

/// <summary>
/// Keeps this module's own spec fields (mappings, patches, object list, description, API group version options) out of
/// Velero's <c>spec</c>: a Restore object we write carries only Velero's RestoreSpec fields there, and ours in one
/// annotation, so it decodes strictly as Velero's type and can be created in a cluster as it is
/// (docs/velero-compatibility.md#restore-record-fields). Reading merges both places, so records and manifests written
/// before (our fields inside <c>spec</c>) still read.
/// </summary>
internal static class RestoreSpecExtensions
{
    /// <summary>The annotation holding our spec fields as a JSON object.</summary>
    public const string SpecAnnotation = "restore.powershell/spec";

    private static readonly HashSet<string> VeleroFields = new(StringComparer.Ordinal)
    {
        "backupName", "scheduleName", "includedNamespaces", "excludedNamespaces", "includedResources", "excludedResources",
        "namespaceMapping", "labelSelector", "orLabelSelectors", "restorePVs", "restoreStatus", "preserveNodePorts",
        "includeClusterResources", "hooks", "existingResourcePolicy", "itemOperationTimeout", "resourceModifier", "uploaderConfig",
    };

    /// <summary>The fields of Velero's RestoreSpec (velero.io/v1); everything else in a spec is ours.</summary>
    public static IReadOnlyCollection<string> VeleroSpecFields => VeleroFields;

    /// <summary>Splits a spec into Velero's fields and ours (null when there are none of ours). The input is not changed.</summary>
    public static (JsonObject Velero, JsonObject? Ours) Split(JsonObject spec)
    {
        var veleros = new JsonObject();
        JsonObject? ours = null;
        foreach (var pair in spec ?? throw new ArgumentNullException(nameof(spec)))
        {
            if (VeleroFields.Contains(pair.Key))
            {
                veleros[pair.Key] = pair.Value?.DeepClone();
            }
            else
            {
                (ours ??= new JsonObject())[pair.Key] = pair.Value?.DeepClone();
            }
        }

        return (veleros, ours);
    }

    /// <summary>
    /// Adds our fields from the annotation text to <paramref name="spec"/> (a field already in the spec wins: an old record
    /// or a hand-written manifest kept it there). Throws <see cref="FormatException"/> when the annotation is not a JSON object.
    /// </summary>
    public static void MergeInto(JsonObject spec, string? annotation)
    {
        if (spec is null)
        {
            throw new ArgumentNullException(nameof(spec));
        }

        var ours = ParseObject(annotation, SpecAnnotation);
        if (ours is null)
        {
            return;
        }

        foreach (var pair in ours)
        {
            if (!spec.ContainsKey(pair.Key))
            {
                spec[pair.Key] = pair.Value?.DeepClone();
            }
        }
    }

    /// <summary>Parses an annotation that holds a JSON object; null for null or empty text.</summary>
    public static JsonObject? ParseObject(string? text, string annotation)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text!) as JsonObject ?? throw new FormatException($"metadata.annotations[{annotation}] must hold a JSON object");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"metadata.annotations[{annotation}] is not valid JSON: {ex.Message}", ex);
        }
    }
}
