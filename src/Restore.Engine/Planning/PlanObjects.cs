using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Restore.Engine.Archive;
using Restore.Engine.Common;
using Restore.Engine.Velero;

namespace Restore.Engine.Planning;

/// <summary>Small object-tree operations of the restore pipeline (docs/velero-compatibility.md#namespace-creation, #item-steps).</summary>
internal static class PlanObjects
{
    /// <summary>Fields removed from <c>metadata</c> by the reset of docs/velero-compatibility.md#item-steps step 8.</summary>
    public static readonly string[] ResetMetadataFields =
    {
        "generateName", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "ownerReferences",
    };

    private static readonly HashSet<string> ResetFieldSet = new(ResetMetadataFields, StringComparer.Ordinal);

    public static string? GetString(JsonNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            node = (node as JsonObject)?[key];
        }

        return node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }

    public static JsonObject? GetObject(JsonNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            node = (node as JsonObject)?[key];
        }

        return node as JsonObject;
    }

    public static string Name(JsonObject obj) => GetString(obj, "metadata", "name") ?? string.Empty;

    public static string Namespace(JsonObject obj) => GetString(obj, "metadata", "namespace") ?? string.Empty;

    public static string? Annotation(JsonObject obj, string key) => GetString(obj, "metadata", "annotations", key);

    /// <summary>Deletes the reset fields of <c>metadata</c> and the whole <c>status</c>; returns an error text when there is no metadata object.</summary>
    [MethodImpl(HotPath.Optimize)]
    public static string? ResetMetadataAndStatus(JsonObject obj)
    {
        if (!obj.TryGetPropertyValue("metadata", out var meta) || meta is null)
        {
            return "metadata not found";
        }

        if (meta is not JsonObject metadata)
        {
            return $"metadata was of type {KindName(meta)}, expected map[string]any";
        }

        // One pass over the (few) metadata keys instead of a lookup per reset field.
        List<string>? remove = null;
        foreach (var kv in metadata)
        {
            if (ResetFieldSet.Contains(kv.Key))
            {
                (remove ??= new List<string>()).Add(kv.Key);
            }
        }

        if (remove is not null)
        {
            foreach (var key in remove)
            {
                metadata.Remove(key);
            }
        }

        obj.Remove("status");
        return null;
    }

    /// <summary>Sets the two restore labels (docs/velero-compatibility.md#restore-labels); the values must already be valid label values (<see cref="RestoreLabels.GetValidName"/>).</summary>
    [MethodImpl(HotPath.Optimize)]
    public static void AddRestoreLabels(JsonObject obj, string restoreLabelValue, string backupLabelValue)
    {
        var metadata = obj["metadata"] as JsonObject;
        if (metadata is null)
        {
            metadata = new JsonObject();
            obj["metadata"] = metadata;
        }

        if (metadata["labels"] is not JsonObject labels)
        {
            labels = new JsonObject();
            metadata["labels"] = labels;
        }

        labels[RestoreLabels.BackupName] = backupLabelValue;
        labels[RestoreLabels.RestoreName] = restoreLabelValue;
    }

    /// <summary>Completed pods (Succeeded/Failed) and finished jobs are not restored (docs/velero-compatibility.md#item-steps step 4).</summary>
    public static bool IsCompleted(JsonObject obj, string groupResource, out string? error)
    {
        error = null;
        string field;
        if (groupResource == "pods")
        {
            field = "phase";
        }
        else if (groupResource == "jobs.batch")
        {
            field = "completionTime";
        }
        else
        {
            return false;
        }

        var value = GetObject(obj, "status")?[field];
        if (value is null)
        {
            return false;
        }

        if (value is not JsonValue v || !v.TryGetValue<string>(out var text))
        {
            error = $".status.{field} accessor error: {value.ToJsonString()} is of the type {KindName(value)}, expected string";
            return false;
        }

        return field == "phase" ? text is "Succeeded" or "Failed" : text.Length > 0;
    }

    /// <summary>
    /// The namespace object to ensure (docs/velero-compatibility.md#namespace-creation): from <c>resources/namespaces/cluster/&lt;source&gt;.json</c> keeping only
    /// kind, apiVersion, labels, annotations and spec, with the target name; a bare <c>v1/Namespace</c> when the backup has
    /// no readable copy.
    /// </summary>
    public static JsonObject BuildNamespace(BackupContents contents, string sourceNamespace, string targetNamespace, out string? path)
    {
        path = BackupContents.ItemPath("namespaces", string.Empty, sourceNamespace);
        JsonObject? fromBackup = null;
        if (contents.TryGetFile(path, out var bytes))
        {
            try
            {
                fromBackup = JsonNode.Parse(bytes.Span) as JsonObject;
                if (fromBackup is not null && !IsTypedNamespace(fromBackup))
                {
                    fromBackup = null;
                }
            }
            catch (JsonException)
            {
                fromBackup = null;
            }
        }

        if (fromBackup is null)
        {
            path = null;
            return new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Namespace",
                ["metadata"] = new JsonObject { ["name"] = targetNamespace },
            };
        }

        var metadata = new JsonObject { ["name"] = targetNamespace };
        var source = fromBackup["metadata"] as JsonObject;
        if (source?["labels"] is JsonObject labels && labels.Count > 0)
        {
            metadata["labels"] = labels.DeepClone();
        }

        if (source?["annotations"] is JsonObject annotations && annotations.Count > 0)
        {
            metadata["annotations"] = annotations.DeepClone();
        }

        var ns = new JsonObject
        {
            ["apiVersion"] = GetString(fromBackup, "apiVersion") ?? string.Empty,
            ["kind"] = GetString(fromBackup, "kind") ?? string.Empty,
            ["metadata"] = metadata,
        };
        if (fromBackup["spec"] is JsonObject spec && spec.Count > 0)
        {
            ns["spec"] = spec.DeepClone();
        }

        return ns;
    }

    // Velero decodes the namespace file into the typed Namespace; a field of the wrong type makes it build a bare one.
    private static bool IsTypedNamespace(JsonObject ns)
    {
        var metadata = ns["metadata"];
        if (metadata is not null && metadata is not JsonObject)
        {
            return false;
        }

        foreach (var mapName in new[] { "labels", "annotations" })
        {
            var map = (metadata as JsonObject)?[mapName];
            if (map is null)
            {
                continue;
            }

            if (map is not JsonObject m || m.Any(kv => kv.Value is not JsonValue v || !v.TryGetValue<string>(out _)))
            {
                return false;
            }
        }

        var spec = ns["spec"];
        return spec is null || (spec is JsonObject s && (s["finalizers"] is null || s["finalizers"] is JsonArray));
    }

    private static string KindName(JsonNode node) => node switch
    {
        JsonObject => "map[string]interface {}",
        JsonArray => "[]interface {}",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => "float64",
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => "bool",
        _ => "string",
    };
}
