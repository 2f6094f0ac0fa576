using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restore.Engine.Kubernetes;

/// <content>List ordering (Kubernetes' normalizeElementOrder and friends) and Go-style error text.</content>
internal partial class StrategicMergePatch
{
    private static (List<JsonNode?> PatchItems, List<JsonNode?> ServerOnly) Partition(List<JsonNode?> merged, List<JsonNode?> partitionBy, string mergeKey, GoType kind)
    {
        var patchItems = new List<JsonNode?>();
        var serverOnly = new List<JsonNode?>();
        foreach (var v in merged)
        {
            bool inPatch;
            if (mergeKey.Length == 0 || kind != GoType.Map)
            {
                inPatch = partitionBy.Any(p => JsonValues.GoScalarEquals(p, v));
            }
            else
            {
                if (v is not JsonObject typed)
                {
                    throw BadArgType("map[string]interface {}", v);
                }

                if (!typed.TryGetPropertyValue(mergeKey, out var mergeValue))
                {
                    throw NoMergeKey(typed, mergeKey);
                }

                inPatch = FindMapByKey(partitionBy, mergeKey, mergeValue, out _) is not null;
            }

            (inPatch ? patchItems : serverOnly).Add(v);
        }

        return (patchItems, serverOnly);
    }

    private static List<JsonNode?> NormalizeElementOrder(List<JsonNode?> patch, List<JsonNode?> serverOnly, List<JsonNode?> patchOrder, List<JsonNode?> serverOrder, string mergeKey, GoType kind)
    {
        patch = NormalizeSliceOrder(patch, patchOrder, mergeKey, kind);
        serverOnly = NormalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);

        // Interleave server-only items into the patch items, keeping each list's order and following the
        // server order where both items are known to it.
        var result = new List<JsonNode?>(patch.Count + serverOnly.Count);
        int i = 0, j = 0;
        while (i < serverOnly.Count || j < patch.Count)
        {
            if (i >= serverOnly.Count)
            {
                result.Add(patch[j++]);
            }
            else if (j >= patch.Count)
            {
                result.Add(serverOnly[i++]);
            }
            else
            {
                int li = IndexOf(serverOrder, serverOnly[i], mergeKey, kind);
                int ri = IndexOf(serverOrder, patch[j], mergeKey, kind);
                if (li >= 0 && ri >= 0 && li < ri)
                {
                    result.Add(serverOnly[i++]);
                }
                else
                {
                    result.Add(patch[j++]);
                }
            }
        }

        return result;
    }

    private static List<JsonNode?> NormalizeSliceOrder(List<JsonNode?> toSort, List<JsonNode?> order, string mergeKey, GoType kind)
    {
        var toDelete = new List<JsonNode?>();
        if (kind == GoType.Map)
        {
            foreach (var list in new[] { toSort, order })
            {
                foreach (var item in list)
                {
                    if (item is not JsonObject m)
                    {
                        throw BadArgType("map[string]interface {}", item);
                    }

                    if (!m.ContainsKey(mergeKey))
                    {
                        throw NoMergeKey(m, mergeKey);
                    }
                }
            }

            var keep = new List<JsonNode?>();
            foreach (var item in toSort)
            {
                var m = (JsonObject)item!;
                (m.TryGetPropertyValue(DirectiveMarker, out var d) && IsString(d, "delete") ? toDelete : keep).Add(item);
            }

            toSort = keep;
        }

        // Insertion sort, as Go's stable sort does for short lists, with the same comparison.
        var sorted = new List<JsonNode?>(toSort);
        for (int i = 1; i < sorted.Count; i++)
        {
            for (int j = i; j > 0 && Less(sorted[j], sorted[j - 1]); j--)
            {
                (sorted[j], sorted[j - 1]) = (sorted[j - 1], sorted[j]);
            }
        }

        sorted.AddRange(toDelete);
        return sorted;

        bool Less(JsonNode? a, JsonNode? b)
        {
            int ia = IndexOf(order, a, mergeKey, kind);
            if (ia >= 0)
            {
                int ib = IndexOf(order, b, mergeKey, kind);
                if (ib >= 0)
                {
                    return ia < ib;
                }
            }

            return true;
        }
    }

    private static int IndexOf(List<JsonNode?> list, JsonNode? item, string mergeKey, GoType kind)
    {
        JsonNode? Value(JsonNode? x) => kind == GoType.Map ? (x as JsonObject)?[mergeKey] : x;
        var wanted = Value(item);
        for (int i = 0; i < list.Count; i++)
        {
            if (JsonValues.GoScalarEquals(wanted, Value(list[i])))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Mirrors a Go slice header sharing its backing array with the original list: deletions shift the backing
    /// array in place and appends write into it while the capacity (the original length) allows.
    /// </summary>
    private sealed class SliceAlias
    {
        private bool shared = true;

        public SliceAlias(List<JsonNode?> original) => Backing = new List<JsonNode?>(original);

        public List<JsonNode?> Backing { get; }

        public void RemoveAt(int index, int length)
        {
            if (!shared)
            {
                return;
            }

            for (int i = index; i < length - 1; i++)
            {
                Backing[i] = Backing[i + 1];
            }
        }

        public void Set(int index, JsonNode? value)
        {
            if (shared)
            {
                Backing[index] = value;
            }
        }

        public void Append(int length, JsonNode? value)
        {
            if (shared && length < Backing.Count)
            {
                Backing[length] = value;
            }
            else
            {
                shared = false;
            }
        }
    }

    private static StrategicMergePatchException BadPatchType(JsonNode? directive, JsonObject map) =>
        new($"unknown patch type: {GoFormat(directive)} in map: {GoFormat(map)}");

    private static StrategicMergePatchException NoMergeKey(JsonObject map, string key) =>
        new($"map: {GoFormat(map)} does not contain declared merge key: {key}");

    private static StrategicMergePatchException BadArgType(string expected, JsonNode? actual) =>
        new($"expected a {expected}, but received a {GoTypeName(actual)}");

    private static string GoTypeName(JsonNode? node) => JsonValues.GoTypeOf(node) switch
    {
        GoType.Map => "map[string]interface {}",
        GoType.Slice => "[]interface {}",
        GoType.String => "string",
        GoType.Bool => "bool",
        GoType.Int => "int64",
        GoType.Float => "float64",
        _ => "%!s(<nil>)",
    };

    /// <summary>Renders a value the way Go's <c>%v</c> prints decoded JSON (maps with sorted keys).</summary>
    internal static string GoFormat(JsonNode? node) => node switch
    {
        null => "<nil>",
        JsonObject obj => "map[" + string.Join(" ", obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + ":" + GoFormat(p.Value))) + "]",
        JsonArray array => GoFormat(array.ToList()),
        _ => node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString(),
    };

    private static string GoFormat(List<JsonNode?> items) => "[" + string.Join(" ", items.Select(GoFormat)) + "]";
}
