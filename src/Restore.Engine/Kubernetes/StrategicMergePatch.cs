using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restore.Engine.Kubernetes;

/// <summary>A strategic merge patch could not be applied.</summary>
internal sealed class StrategicMergePatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StrategicMergePatchException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// Kubernetes strategic merge patch (the apply side of <c>StrategicMergeMapPatch</c>, with parallel-list merging and
/// unmatched nulls ignored, as the API server and Velero use it). Lists tagged <c>patchStrategy: merge</c> in the
/// built-in types are merged by their merge key (containers by <c>name</c>, container ports by
/// <c>containerPort</c>, volume mounts by <c>mountPath</c>, service ports by <c>port</c>, ...); other lists
/// are replaced; maps are merged recursively. Directives: <c>$patch: replace|delete</c> on maps,
/// <c>$patch: replace|delete</c> elements in merged lists, <c>$retainKeys</c>, <c>$setElementOrder/&lt;list&gt;</c>
/// and <c>$deleteFromPrimitiveList/&lt;list&gt;</c>.
/// </summary>
/// <remarks>
/// Velero only knows the kinds of its scheme (core/v1, apps/v1, batch/v1, snapshot.storage.k8s.io/v1,
/// velero.io and group snapshots) and fails with "no kind registered" for others. This implementation goes
/// further: other kinds get the generic rules (maps merge, lists are replaced, object metadata as usual);
/// <see cref="IsKnownKind"/> tells the caller which case applies. Fields unknown to the schema are also
/// handled generically instead of failing.
/// </remarks>
internal partial class StrategicMergePatch
{
    private const string DirectiveMarker = "$patch";
    private const string RetainKeysDirective = "$retainKeys";
    private const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList";
    private const string SetElementOrderPrefix = "$setElementOrder";

    /// <summary>True when Velero's scheme registers the kind, so Velero itself could apply the patch.</summary>
    public static bool IsKnownKind(string apiVersion, string kind) => StrategicMergeSchema.IsKnown(apiVersion, kind);

    /// <summary>
    /// Applies <paramref name="patch"/> to a copy of <paramref name="target"/> using the patch metadata of
    /// <paramref name="apiVersion"/>/<paramref name="kind"/>, and returns the result. The inputs are not modified.
    /// </summary>
    /// <exception cref="StrategicMergePatchException">The patch is malformed for this object.</exception>
    public static JsonObject Apply(JsonObject target, JsonObject patch, string apiVersion, string kind)
    {
        return Apply(target, patch, StrategicMergeSchema.For(apiVersion ?? string.Empty, kind ?? string.Empty));
    }

    /// <summary>Applies a patch with an explicit schema (tests use Kubernetes' own test types).</summary>
    internal static JsonObject Apply(JsonObject target, JsonObject patch, SmpType schema)
    {
        var original = (JsonObject)target.DeepClone();
        var patchCopy = (JsonObject)patch.DeepClone();
        return MergeMap(original, patchCopy, schema);
    }

    private static JsonObject MergeMap(JsonObject original, JsonObject patch, SmpType schema)
    {
        if (patch.TryGetPropertyValue(DirectiveMarker, out var directive))
        {
            if (IsString(directive, "replace"))
            {
                patch.Remove(DirectiveMarker);
                return patch;
            }

            if (IsString(directive, "delete"))
            {
                return new JsonObject();
            }

            throw BadPatchType(directive, patch);
        }

        ApplyRetainKeys(original, patch);
        MergeSetElementOrderLists(original, patch, schema);

        foreach (var pair in patch.ToList())
        {
            string key = pair.Key;
            JsonNode? patchValue = pair.Value;
            bool isDeleteList = false;
            if (key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal))
            {
                key = ExtractKey(key, DeleteFromPrimitiveListPrefix);
                isDeleteList = true;
            }

            if (patchValue is null)
            {
                original.Remove(key);
                continue;
            }

            if (!original.TryGetPropertyValue(key, out var originalValue)
                || JsonValues.GoTypeOf(originalValue) != JsonValues.GoTypeOf(patchValue))
            {
                if (!isDeleteList)
                {
                    var copy = patchValue.DeepClone();
                    DiscardNulls(copy);
                    SetOrDelete(original, key, RemoveDirectives(copy, out bool keep), keep);
                }

                continue;
            }

            var field = schema.Lookup(key);
            switch (originalValue)
            {
                case JsonObject originalObject when field.Strategy == "replace":
                    original[key] = patchValue.DeepClone();
                    break;
                case JsonObject originalObject:
                    var mergedObject = MergeMap(originalObject, (JsonObject)patchValue.DeepClone(), field.Type);
                    if (!ReferenceEquals(mergedObject, originalObject))
                    {
                        original[key] = mergedObject;
                    }

                    break;
                case JsonArray originalArray:
                    // The merge takes the original elements out of the array, so a new array is always stored.
                    original[key] = MergeSliceHandler(originalArray, (JsonArray)patchValue.DeepClone(), field, isDeleteList);
                    break;
                default:
                    SetOrDelete(original, key, RemoveDirectives(patchValue.DeepClone(), out bool keepScalar), keepScalar);
                    break;
            }
        }

        return original;
    }

    private static void SetOrDelete(JsonObject obj, string key, JsonNode? value, bool keep)
    {
        if (keep)
        {
            obj[key] = value;
        }
        else
        {
            obj.Remove(key);
        }
    }

    private static JsonArray MergeSliceHandler(JsonArray original, JsonArray patch, SmpField field, bool isDeleteList, SliceAlias? alias = null)
    {
        if (field.Strategy == "merge" || isDeleteList)
        {
            return MergeSlice(original, patch, field.Type, field.MergeKey, isDeleteList, alias);
        }

        // A list without the merge strategy is replaced by the patch list as is.
        return patch;
    }

    private static JsonArray MergeSlice(JsonArray originalArray, JsonArray patchArray, SmpType schema, string mergeKey, bool isDeleteList, SliceAlias? alias)
    {
        var original = Items(originalArray);
        var patch = Items(patchArray);
        if (original.Count == 0 && patch.Count == 0)
        {
            return ToArray(original);
        }

        var kind = SliceElementType(original, patch);
        List<JsonNode?> merged;
        if (kind != GoType.Map)
        {
            if (isDeleteList)
            {
                return ToArray(original.Where(v => !patch.Any(d => JsonValues.GoScalarEquals(v, d))).ToList());
            }

            merged = DeduplicateScalars(original.Concat(patch).ToList());
        }
        else
        {
            if (mergeKey.Length == 0)
            {
                throw new StrategicMergePatchException($"cannot merge lists without merge key for {schema.Name}");
            }

            bool replaced;
            (original, patch, replaced) = MergeSliceWithSpecialElements(original, patch, mergeKey, alias);
            merged = MergeSliceWithoutSpecialElements(original, patch, mergeKey, schema, replaced ? null : alias);
        }

        var (patchItems, serverOnly) = Partition(merged, patch, mergeKey, kind);
        return ToArray(NormalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind));
    }

    private static (List<JsonNode?> Original, List<JsonNode?> Patch, bool Replaced) MergeSliceWithSpecialElements(List<JsonNode?> original, List<JsonNode?> patch, string mergeKey, SliceAlias? alias)
    {
        var withoutSpecial = new List<JsonNode?>();
        bool replace = false;
        foreach (var v in patch)
        {
            var typed = (JsonObject)v!;
            if (!typed.TryGetPropertyValue(DirectiveMarker, out var directive))
            {
                withoutSpecial.Add(v);
                continue;
            }

            if (IsString(directive, "delete"))
            {
                if (!typed.TryGetPropertyValue(mergeKey, out var mergeValue))
                {
                    throw NoMergeKey(typed, mergeKey);
                }

                while (FindMapByKey(original, mergeKey, mergeValue, out _) is int index)
                {
                    alias?.RemoveAt(index, original.Count);
                    original.RemoveAt(index);
                }
            }
            else if (IsString(directive, "replace"))
            {
                replace = true;
            }
            else if (IsString(directive, "merge"))
            {
                throw new StrategicMergePatchException("merging lists cannot yet be specified in the patch");
            }
            else
            {
                throw BadPatchType(directive, typed);
            }
        }

        return replace ? (withoutSpecial, new List<JsonNode?>(), true) : (original, withoutSpecial, false);
    }

    private static List<JsonNode?> MergeSliceWithoutSpecialElements(List<JsonNode?> original, List<JsonNode?> patch, string mergeKey, SmpType schema, SliceAlias? alias)
    {
        // Work on a copy of the list so the caller's original order (the server order) stays available.
        var result = new List<JsonNode?>(original);
        foreach (var v in patch)
        {
            var typed = (JsonObject)v!;
            if (!typed.TryGetPropertyValue(mergeKey, out var mergeValue))
            {
                throw NoMergeKey(typed, mergeKey);
            }

            if (FindMapByKey(result, mergeKey, mergeValue, out var found) is int index)
            {
                result[index] = MergeMap((JsonObject)found!.DeepClone(), (JsonObject)typed.DeepClone(), schema);
                alias?.Set(index, result[index]);
            }
            else
            {
                alias?.Append(result.Count, v);
                result.Add(v);
            }
        }

        return result;
    }

    private static int? FindMapByKey(List<JsonNode?> list, string key, JsonNode? value, out JsonObject? found)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject typed)
            {
                throw new StrategicMergePatchException($"value for key {i} is not a map");
            }

            if (typed.TryGetPropertyValue(key, out var candidate) && JsonValues.GoScalarEquals(candidate, value))
            {
                found = typed;
                return i;
            }
        }

        found = null;
        return null;
    }

    private static GoType SliceElementType(List<JsonNode?> a, List<JsonNode?> b)
    {
        GoType? previous = null;
        foreach (var v in a.Concat(b))
        {
            var current = JsonValues.GoTypeOf(v);
            if (previous is null)
            {
                if (current == GoType.Slice)
                {
                    throw new StrategicMergePatchException("lists of lists are not supported");
                }

                previous = current;
            }
            else if (previous != current)
            {
                throw new StrategicMergePatchException($"list element types are not identical: [{GoFormat(a)} {GoFormat(b)}]");
            }
        }

        return previous ?? throw new StrategicMergePatchException("no elements in any of the given slices");
    }

    private static List<JsonNode?> DeduplicateScalars(List<JsonNode?> s)
    {
        // Go's in-place algorithm: a duplicate is overwritten by the last element.
        int length = s.Count - 1;
        for (int i = 0; i < length; i++)
        {
            for (int j = i + 1; j <= length; j++)
            {
                if (JsonValues.GoScalarEquals(s[i], s[j]))
                {
                    s[j] = s[length];
                    s.RemoveAt(length);
                    length--;
                    j--;
                }
            }
        }

        return s;
    }

    private static void ApplyRetainKeys(JsonObject original, JsonObject patch)
    {
        if (!patch.TryGetPropertyValue(RetainKeysDirective, out var retainNode))
        {
            return;
        }

        patch.Remove(RetainKeysDirective);
        if (retainNode is not JsonArray retainList)
        {
            throw new StrategicMergePatchException("invalid patch format of retainKeys");
        }

        var retain = new HashSet<string>(
            retainList.Where(v => v is JsonValue && v.GetValueKind() == JsonValueKind.String).Select(v => v!.GetValue<string>()),
            StringComparer.Ordinal);
        foreach (var pair in patch)
        {
            if (pair.Value is null
                || pair.Key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal)
                || pair.Key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (!retain.Contains(pair.Key))
            {
                throw new StrategicMergePatchException("invalid patch format of retainKeys");
            }
        }

        foreach (var key in original.Select(p => p.Key).Where(k => !retain.Contains(k)).ToList())
        {
            original.Remove(key);
        }
    }

    private static void MergeSetElementOrderLists(JsonObject original, JsonObject patch, SmpType schema)
    {
        foreach (var pair in patch.ToList())
        {
            if (!pair.Key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            patch.Remove(pair.Key);
            if (pair.Value is not JsonArray orderArray)
            {
                throw BadArgType("[]interface {}", pair.Value);
            }

            string listKey = ExtractKey(pair.Key, SetElementOrderPrefix);
            bool foundOriginal = original.TryGetPropertyValue(listKey, out var originalNode);
            bool foundPatch = patch.TryGetPropertyValue(listKey, out var patchNode);
            if (foundOriginal && originalNode is not JsonArray)
            {
                throw BadArgType("[]interface {}", originalNode);
            }

            if (foundPatch && patchNode is not JsonArray)
            {
                throw BadArgType("[]interface {}", patchNode);
            }

            var field = schema.Lookup(listKey);
            var order = Items(orderArray);
            var originalItems = foundOriginal ? Items((JsonArray)originalNode!.DeepClone()) : new List<JsonNode?>();
            var patchItems = foundPatch ? Items((JsonArray)patchNode!.DeepClone()) : new List<JsonNode?>();
            ValidatePatchWithSetOrderList(patchItems, order, field.MergeKey);

            JsonArray merged;
            if (foundOriginal && !foundPatch)
            {
                merged = (JsonArray)originalNode!.DeepClone();
            }
            else if (!foundOriginal && foundPatch)
            {
                merged = (JsonArray)RemoveDirectives(patchNode!.DeepClone(), out _)!;
            }
            else if (foundOriginal && foundPatch)
            {
                // Go's merge works on the same backing array as the original list, and that mutated array is then
                // the "server order" below; the alias reproduces it so element order matches Kubernetes exactly.
                var alias = new SliceAlias(originalItems);
                merged = MergeSliceHandler((JsonArray)originalNode!.DeepClone(), (JsonArray)patchNode!.DeepClone(), field, isDeleteList: false, alias);
                originalItems = alias.Backing;
            }
            else
            {
                continue;
            }

            var kind = SliceElementType(originalItems, patchItems);
            var mergedItems = Items(merged);
            var (inOrder, serverOnly) = Partition(mergedItems, order, field.MergeKey, field.MergeKey.Length == 0 ? GoType.String : GoType.Map);
            original[listKey] = ToArray(NormalizeElementOrder(inOrder, serverOnly, order, originalItems, field.MergeKey, kind));
            patch.Remove(listKey);
        }
    }

    private static void ValidatePatchWithSetOrderList(List<JsonNode?> patchList, List<JsonNode?> order, string mergeKey)
    {
        if (order.Count == 0 || patchList.Count == 0)
        {
            return;
        }

        var nonDelete = patchList;
        if (mergeKey.Length > 0)
        {
            nonDelete = new List<JsonNode?>();
            foreach (var v in patchList)
            {
                if (v is not JsonObject m)
                {
                    throw BadArgType("map[string]interface {}", v);
                }

                if (!(m.TryGetPropertyValue(DirectiveMarker, out var d) && IsString(d, "delete")))
                {
                    nonDelete.Add(v);
                }
            }
        }

        int patchIndex = 0, orderIndex = 0;
        while (patchIndex < nonDelete.Count && orderIndex < order.Count)
        {
            if (nonDelete[patchIndex] is JsonObject withDirective && withDirective.ContainsKey(DirectiveMarker))
            {
                patchIndex++;
                continue;
            }

            if (MergeKeyValueEqual(nonDelete[patchIndex], order[orderIndex], mergeKey))
            {
                patchIndex++;
            }

            orderIndex++;
        }

        if (patchIndex < nonDelete.Count && orderIndex >= order.Count)
        {
            throw new StrategicMergePatchException($"The order in patch list:\n{GoFormat(patchList)}\n doesn't match $setElementOrder list:\n{GoFormat(order)}\n");
        }
    }

    private static bool MergeKeyValueEqual(JsonNode? left, JsonNode? right, string mergeKey)
    {
        if (mergeKey.Length == 0)
        {
            return JsonValues.GoScalarEquals(left, right);
        }

        if (left is not JsonObject l)
        {
            throw BadArgType("map[string]interface {}", left);
        }

        if (right is not JsonObject r)
        {
            throw BadArgType("map[string]interface {}", right);
        }

        if (!l.TryGetPropertyValue(mergeKey, out var lv))
        {
            throw NoMergeKey(l, mergeKey);
        }

        if (!r.TryGetPropertyValue(mergeKey, out var rv))
        {
            throw NoMergeKey(r, mergeKey);
        }

        return JsonValues.GoScalarEquals(lv, rv);
    }

    private static string ExtractKey(string key, string prefix)
    {
        int slash = key.IndexOf('/');
        if (slash < 0 || key.Substring(0, slash) != prefix)
        {
            throw new StrategicMergePatchException(prefix == DeleteFromPrimitiveListPrefix
                ? "invalid patch format of primitive list"
                : "invalid patch format of setElementOrder list");
        }

        return key.Substring(slash + 1);
    }

    /// <summary>Removes maps carrying <c>$patch</c> (and list elements that are such maps); false when the value itself is one.</summary>
    private static JsonNode? RemoveDirectives(JsonNode? node, out bool keep)
    {
        keep = true;
        switch (node)
        {
            case JsonObject obj:
                if (obj.ContainsKey(DirectiveMarker))
                {
                    keep = false;
                    return null;
                }

                foreach (var pair in obj.ToList())
                {
                    obj.Remove(pair.Key);
                    var cleaned = RemoveDirectives(pair.Value, out bool keepChild);
                    if (keepChild)
                    {
                        obj[pair.Key] = cleaned;
                    }
                }

                return obj;
            case JsonArray array:
                var items = Items(array);
                var result = new JsonArray();
                foreach (var item in items)
                {
                    var cleaned = RemoveDirectives(item, out bool keepItem);
                    if (keepItem)
                    {
                        result.Add(cleaned);
                    }
                }

                return result;
            default:
                return node;
        }
    }

    private static void DiscardNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Where(p => p.Value is null).Select(p => p.Key).ToList())
                {
                    obj.Remove(key);
                }

                foreach (var pair in obj)
                {
                    DiscardNulls(pair.Value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    DiscardNulls(item);
                }

                break;
        }
    }

    /// <summary>Detaches the elements of an array so they can be re-parented.</summary>
    private static List<JsonNode?> Items(JsonArray array)
    {
        var items = array.ToList();
        array.Clear();
        return items;
    }

    private static JsonArray ToArray(List<JsonNode?> items)
    {
        var array = new JsonArray();
        foreach (var item in items)
        {
            array.Add(item is null ? null : item.Parent is null ? item : item.DeepClone());
        }

        return array;
    }

    private static bool IsString(JsonNode? node, string value) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == value;
}
