using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace Restore.TestApiServer;

/// <summary>
/// Strategic merge patch for built-in kinds: maps merge, lists merge by their patch merge key where the
/// Kubernetes types declare one (containers by name, ports by containerPort, volumeMounts by mountPath, ...)
/// and are replaced otherwise; directives $patch (replace/delete/merge), $retainKeys,
/// $deleteFromPrimitiveList/&lt;field&gt; and $setElementOrder/&lt;field&gt; are honoured.
/// </summary>
/// <remarks>
/// The merge keys come from a table of the well-known fields rather than from Go struct tags; a list
/// the table does not know is replaced (atomic), which is also what the real server does for lists
/// without a patch strategy. $setElementOrder puts the listed items first in the given order and keeps
/// the others after them in their previous order (the real algorithm interleaves server-only items).
/// </remarks>
public static class StrategicMerge
{
    private const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/";
    private const string SetElementOrderPrefix = "$setElementOrder/";

    private static readonly HashSet<string> ContainerLists = new(StringComparer.Ordinal) { "containers", "initContainers", "ephemeralContainers" };

    /// <summary>Applies <paramref name="patch"/> to <paramref name="original"/> (modified in place) for an object of <paramref name="t"/>.</summary>
    public static JsonObject Apply(JsonObject original, JsonObject patch, ResourceType t)
        => MergeMap(original, patch, new List<string>(), t.Kind) ?? throw ApiErrors.BadRequest("a strategic merge patch may not delete the whole object");

    /// <summary>The list strategy for <paramref name="field"/> under <paramref name="path"/> (field names from the root).</summary>
    public static (bool Merge, string? MergeKey) ListStrategy(string field, IReadOnlyList<string> path, string kind)
    {
        var parent = path.Count > 0 ? path[^1] : string.Empty;
        return field switch
        {
            "containers" or "initContainers" or "ephemeralContainers" or "volumes" or "imagePullSecrets" or "resourceClaims" or "schedulingGates" => (true, "name"),
            "env" when ContainerLists.Contains(parent) => (true, "name"),
            "volumeMounts" => (true, "mountPath"),
            "volumeDevices" => (true, "devicePath"),
            "ports" when ContainerLists.Contains(parent) => (true, "containerPort"),
            "ports" when kind == "Service" && path.Count == 1 && parent == "spec" => (true, "port"),
            "hostAliases" => (true, "ip"),
            "ownerReferences" when path.Count == 1 && parent == "metadata" => (true, "uid"),
            "finalizers" when path.Count == 1 && parent == "metadata" => (true, null),
            "conditions" when parent == "status" => (true, "type"),
            "addresses" when kind == "Node" && parent == "status" => (true, "type"),
            "topologySpreadConstraints" => (true, "topologyKey"),
            "resizePolicy" => (true, "resourceName"),
            "secrets" when kind == "ServiceAccount" && path.Count == 0 => (true, "name"),
            _ => (false, null),
        };
    }

    private static JsonObject? MergeMap(JsonObject original, JsonObject patch, List<string> path, string kind)
    {
        switch (Json.Str(patch["$patch"]))
        {
            case "replace":
                var replacement = (JsonObject)patch.DeepClone();
                replacement.Remove("$patch");
                return StripDirectives(replacement);
            case "delete":
                return null;
            case null or "merge":
                break;
            case var other:
                throw ApiErrors.BadRequest($"Unknown patch type: {other} in map: {patch.ToJsonString()}");
        }

        if (patch["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(Json.Str).Where(k => k is not null).ToHashSet(StringComparer.Ordinal);
            foreach (var key in original.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
            {
                original.Remove(key);
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal) && value is JsonArray toDelete
                && original[key[DeleteFromPrimitiveListPrefix.Length..]] is JsonArray list)
            {
                for (var i = list.Count - 1; i >= 0; i--)
                {
                    if (toDelete.Any(d => Json.DeepEquals(d, list[i])))
                    {
                        list.RemoveAt(i);
                    }
                }
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith('$'))
            {
                continue;
            }

            if (value is null)
            {
                original.Remove(key);
                continue;
            }

            var existing = original[key];
            path.Add(key);
            try
            {
                switch (value)
                {
                    case JsonObject patchMap:
                        var target = existing as JsonObject;
                        var merged = MergeMap(target ?? new JsonObject(), patchMap, path, kind);
                        if (merged is null)
                        {
                            original.Remove(key);
                        }
                        else if (!ReferenceEquals(merged, target))
                        {
                            original[key] = merged;
                        }

                        break;
                    case JsonArray patchList:
                        path.RemoveAt(path.Count - 1);
                        var (merge, mergeKey) = ListStrategy(key, path, kind);
                        path.Add(key);
                        original[key] = merge
                            ? MergeList(existing as JsonArray ?? new JsonArray(), patchList, mergeKey, path, kind)
                            : StripDirectives(patchList.DeepClone());
                        break;
                    default:
                        original[key] = value.DeepClone();
                        break;
                }
            }
            finally
            {
                path.RemoveAt(path.Count - 1);
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal) && value is JsonArray order
                && original[key[SetElementOrderPrefix.Length..]] is JsonArray list)
            {
                var field = key[SetElementOrderPrefix.Length..];
                var (_, mergeKey) = ListStrategy(field, path, kind);
                original[field] = Reorder(list, order, mergeKey);
            }
        }

        return original;
    }

    private static JsonArray MergeList(JsonArray original, JsonArray patch, string? mergeKey, List<string> path, string kind)
    {
        var result = (JsonArray)original.DeepClone();
        if (mergeKey is null)
        {
            // A primitive list with the merge strategy (e.g. finalizers) is a set union.
            foreach (var item in patch)
            {
                if (!result.Any(existing => Json.DeepEquals(existing, item)))
                {
                    result.Add(item?.DeepClone());
                }
            }

            return result;
        }

        if (patch.OfType<JsonObject>().Any(item => Json.Str(item["$patch"]) == "replace"))
        {
            var replaced = new JsonArray();
            foreach (var item in patch.OfType<JsonObject>().Where(item => Json.Str(item["$patch"]) != "replace"))
            {
                replaced.Add(StripDirectives(item.DeepClone()));
            }

            return replaced;
        }

        foreach (var item in patch)
        {
            if (item is not JsonObject patchItem)
            {
                result.Add(item?.DeepClone());
                continue;
            }

            var keyValue = patchItem[mergeKey];
            var index = -1;
            for (var i = 0; i < result.Count; i++)
            {
                if (result[i] is JsonObject candidate && Json.DeepEquals(candidate[mergeKey], keyValue))
                {
                    index = i;
                    break;
                }
            }

            if (Json.Str(patchItem["$patch"]) == "delete")
            {
                if (index >= 0)
                {
                    result.RemoveAt(index);
                }

                continue;
            }

            if (index >= 0)
            {
                var existing = (JsonObject)result[index]!;
                var merged = MergeMap(existing, patchItem, path, kind);
                if (merged is null)
                {
                    result.RemoveAt(index);
                }
                else if (!ReferenceEquals(merged, existing))
                {
                    result[index] = merged;
                }
            }
            else if (MergeMap(new JsonObject(), patchItem, path, kind) is { } added)
            {
                result.Add(added);
            }
        }

        return result;
    }

    private static JsonArray Reorder(JsonArray list, JsonArray order, string? mergeKey)
    {
        var items = list.Select(i => i?.DeepClone()).ToList();
        var result = new JsonArray();
        foreach (var wanted in order)
        {
            var match = mergeKey is null
                ? items.FindIndex(i => Json.DeepEquals(i, wanted))
                : items.FindIndex(i => i is JsonObject o && Json.DeepEquals(o[mergeKey], (wanted as JsonObject)?[mergeKey]));
            if (match >= 0)
            {
                result.Add(items[match]);
                items.RemoveAt(match);
            }
        }

        foreach (var rest in items)
        {
            result.Add(rest);
        }

        return result;
    }

    private static T StripDirectives<T>(T node)
        where T : JsonNode?
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).Where(k => k.StartsWith('$')).ToList())
                {
                    obj.Remove(key);
                }

                foreach (var (_, value) in obj)
                {
                    StripDirectives(value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    StripDirectives(item);
                }

                break;
        }

        return node;
    }
}
