using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restore.Engine.Actions;

/// <summary>
/// Small, tolerant accessors for Kubernetes objects held as <see cref="JsonObject"/>. A field of the
/// wrong JSON type reads as absent: the API server rejects malformed objects, so the actions do
/// not need to.
/// </summary>
internal static class ItemJson
{
    /// <summary>The object at <paramref name="path"/>, or null when absent or not an object.</summary>
    public static JsonObject? Object(JsonObject? root, params string[] path)
    {
        var node = Node(root, path);
        return node as JsonObject;
    }

    /// <summary>The array at <paramref name="path"/>, or null when absent or not an array.</summary>
    public static JsonArray? Array(JsonObject? root, params string[] path) => Node(root, path) as JsonArray;

    /// <summary>The string at <paramref name="path"/>, or null when absent or not a string.</summary>
    public static string? String(JsonObject? root, params string[] path) => AsString(Node(root, path));

    /// <summary>The node at <paramref name="path"/>, or null.</summary>
    public static JsonNode? Node(JsonObject? root, params string[] path)
    {
        JsonNode? current = root;
        foreach (var key in path)
        {
            if (current is not JsonObject obj || !obj.TryGetPropertyValue(key, out current))
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>The string value of <paramref name="node"/>, or null when it is not a JSON string.</summary>
    public static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>The integer value of <paramref name="node"/> (fractions truncated, as Go's int conversion does), or null.</summary>
    public static long? AsInteger(JsonNode? node)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }

        if (value.TryGetValue<long>(out var whole))
        {
            return whole;
        }

        var number = value.GetValue<double>();
        return number is >= long.MinValue and <= long.MaxValue ? (long)number : null;
    }

    /// <summary>True when <paramref name="node"/> is the JSON literal <c>true</c>.</summary>
    public static bool IsTrue(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.True;

    /// <summary><c>metadata.name</c>, or an empty string.</summary>
    public static string Name(JsonObject item) => String(item, "metadata", "name") ?? string.Empty;

    /// <summary><c>metadata.annotations</c>, or null.</summary>
    public static JsonObject? Annotations(JsonObject item) => Object(item, "metadata", "annotations");

    /// <summary><c>metadata.labels</c>, or null.</summary>
    public static JsonObject? Labels(JsonObject item) => Object(item, "metadata", "labels");

    /// <summary>The string value of one annotation, or null.</summary>
    public static string? Annotation(JsonObject item, string key) => AsString(Annotations(item)?[key]);

    /// <summary>Gets or creates the object under <paramref name="key"/> (replacing a non-object value).</summary>
    public static JsonObject GetOrAddObject(JsonObject parent, string key)
    {
        if (parent[key] is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        parent[key] = created;
        return created;
    }

    /// <summary>
    /// Removes <paramref name="key"/> from <paramref name="parent"/> when its value is an empty object
    /// or array. Velero's typed round trips drop empty maps and lists (<c>omitempty</c>); doing the
    /// same keeps restored objects equal to what the API server returns.
    /// </summary>
    public static void RemoveIfEmpty(JsonObject? parent, string key)
    {
        if (parent is null || !parent.TryGetPropertyValue(key, out var value))
        {
            return;
        }

        if ((value is JsonObject obj && obj.Count == 0) || (value is JsonArray array && array.Count == 0))
        {
            parent.Remove(key);
        }
    }

    /// <summary>Removes the keys from the map under <paramref name="mapKey"/> and drops the map when it becomes empty.</summary>
    public static bool RemoveKeys(JsonObject? parent, string mapKey, IEnumerable<string> keys)
    {
        if (parent?[mapKey] is not JsonObject map)
        {
            return false;
        }

        var removed = false;
        foreach (var key in keys)
        {
            removed |= map.Remove(key);
        }

        RemoveIfEmpty(parent, mapKey);
        return removed;
    }

    /// <summary>Removes every element of <paramref name="array"/> for which <paramref name="remove"/> is true.</summary>
    public static int RemoveWhere(JsonArray array, Func<JsonNode?, bool> remove)
    {
        var count = 0;
        for (var i = array.Count - 1; i >= 0; i--)
        {
            if (remove(array[i]))
            {
                array.RemoveAt(i);
                count++;
            }
        }

        return count;
    }

    /// <summary>Parses JSON text into a node; null when the text is not valid JSON.</summary>
    public static bool TryParse(string text, out JsonNode? node, out string? error)
    {
        try
        {
            node = JsonNode.Parse(text);
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            node = null;
            error = ex.Message;
            return false;
        }
    }
}
