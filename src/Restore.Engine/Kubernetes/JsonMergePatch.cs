using System.Linq;
using System.Text.Json.Nodes;

namespace Restore.Engine.Kubernetes;

/// <summary>
/// RFC 7386 JSON merge patches, with the behaviour of evanphx/json-patch v5 (<c>MergePatch</c> and
/// <c>CreateMergePatch</c>) that Velero uses.
/// </summary>
internal static class JsonMergePatch
{
    /// <summary>
    /// Applies <paramref name="patch"/> to a copy of <paramref name="target"/> and returns the result; the
    /// inputs are not modified. A non-object patch replaces the target. A <c>null</c> member deletes the key.
    /// Objects copied in from the patch (also inside arrays) lose their null members.
    /// </summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        var patchCopy = JsonValues.Clone(patch);
        if (patchCopy is JsonObject patchObject)
        {
            if (JsonValues.Clone(target) is JsonObject doc)
            {
                MergeObjects(doc, patchObject);
                return doc;
            }

            PruneNulls(patchObject);
            return patchObject;
        }

        if (patchCopy is JsonArray patchArray)
        {
            PruneNulls(patchArray);
        }

        return patchCopy;
    }

    /// <summary>
    /// The minimal merge patch that turns <paramref name="from"/> into <paramref name="to"/> (Velero's
    /// <c>CreateMergePatch</c>): changed or added members carry the new value, removed members become
    /// <c>null</c>, nested objects are diffed recursively and arrays are replaced whole when they differ.
    /// Returns an empty object when the two are equal. When either side is not an object, <paramref name="to"/>
    /// is returned as the patch.
    /// </summary>
    public static JsonNode? Create(JsonNode? from, JsonNode? to)
    {
        if (from is JsonObject fromObject && to is JsonObject toObject)
        {
            return Diff(fromObject, toObject);
        }

        return JsonValues.Clone(to);
    }

    private static JsonObject Diff(JsonObject a, JsonObject b)
    {
        var into = new JsonObject();
        foreach (var pair in b)
        {
            if (!a.TryGetPropertyValue(pair.Key, out var av))
            {
                into[pair.Key] = JsonValues.Clone(pair.Value);
                continue;
            }

            var bv = pair.Value;
            if (av is JsonObject ao && bv is JsonObject bo)
            {
                var nested = Diff(ao, bo);
                if (nested.Count > 0)
                {
                    into[pair.Key] = nested;
                }

                continue;
            }

            if (!JsonValues.DeepEquals(av, bv))
            {
                into[pair.Key] = JsonValues.Clone(bv);
            }
        }

        foreach (var pair in a)
        {
            if (!b.ContainsKey(pair.Key))
            {
                into[pair.Key] = null;
            }
        }

        return into;
    }

    private static void MergeObjects(JsonObject doc, JsonObject patch)
    {
        foreach (var pair in patch.ToList())
        {
            string key = pair.Key;
            JsonNode? value = pair.Value;
            patch.Remove(key); // detach so the node can be re-parented
            if (JsonValues.IsNull(value))
            {
                doc.Remove(key);
                continue;
            }

            doc.TryGetPropertyValue(key, out var current);
            if (JsonValues.IsNull(current))
            {
                PruneNulls(value);
                doc[key] = value;
                continue;
            }

            if (current is JsonObject currentObject && value is JsonObject valueObject)
            {
                MergeObjects(currentObject, valueObject);
                continue;
            }

            // A non-object patch value replaces; evanphx prunes it only when the current value is not an object.
            if (current is not JsonObject)
            {
                PruneNulls(value);
            }

            doc[key] = value;
        }
    }

    private static void PruneNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Where(p => JsonValues.IsNull(p.Value)).Select(p => p.Key).ToList())
                {
                    obj.Remove(key);
                }

                foreach (var pair in obj)
                {
                    PruneNulls(pair.Value);
                }

                break;
            case JsonArray array:
                // Null elements stay; objects inside lose their null members.
                foreach (var item in array)
                {
                    PruneNulls(item);
                }

                break;
        }
    }

}
