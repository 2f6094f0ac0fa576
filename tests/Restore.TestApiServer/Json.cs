using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restore.TestApiServer;

/// <summary>JSON helpers over System.Text.Json.Nodes, shared by storage, patching and handlers.</summary>
public static class Json
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };

    // Metadata keys in the order the real server writes them (Go struct order).
    private static readonly string[] MetadataOrder =
    {
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
    };

    /// <summary>Serializes a node to UTF-8.</summary>
    public static byte[] ToBytes(JsonNode node)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            node.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Parses UTF-8 JSON into a node (null for the JSON literal null).</summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8) => JsonNode.Parse(utf8, NodeOptions, DocumentOptions);

    /// <summary>Parses UTF-8 JSON that must be an object; throws 400 BadRequest otherwise.</summary>
    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8, string what)
    {
        JsonNode? node;
        try
        {
            node = Parse(utf8);
        }
        catch (JsonException e)
        {
            throw ApiErrors.BadRequest($"{what}: invalid JSON: {e.Message}");
        }

        return node as JsonObject ?? throw ApiErrors.BadRequest($"{what}: expected a JSON object");
    }

    /// <summary>Parses a stored object (always valid).</summary>
    public static JsonObject ParseStored(byte[] utf8) => (JsonObject)Parse(utf8)!;

    /// <summary>Deep equality of two nodes (object key order ignored, as Kubernetes compares).</summary>
    public static bool DeepEquals(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(a, b);

    /// <summary>A deep copy.</summary>
    public static JsonNode? Clone(JsonNode? node) => node?.DeepClone();

    /// <summary>The string value of a node, or null if it is absent or not a string.</summary>
    public static string? Str(JsonNode? node)
        => node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    /// <summary>The integer value of a node, or null.</summary>
    public static long? Int(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        if (value.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (value.TryGetValue<int>(out var i))
        {
            return i;
        }

        if (value.TryGetValue<double>(out var d) && Math.Abs(d % 1) < double.Epsilon)
        {
            return (long)d;
        }

        if (value.TryGetValue<JsonElement>(out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var el))
        {
            return el;
        }

        return null;
    }

    /// <summary>The object at <paramref name="key"/>, created when missing.</summary>
    public static JsonObject Obj(JsonObject parent, string key)
    {
        if (parent[key] is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        parent[key] = created;
        return created;
    }

    /// <summary>metadata of an object (created when missing).</summary>
    public static JsonObject Metadata(JsonObject obj) => Obj(obj, "metadata");

    /// <summary>The labels of an object as a dictionary (empty when none).</summary>
    public static IReadOnlyDictionary<string, string> Labels(JsonObject obj)
    {
        if (obj["metadata"] is not JsonObject meta || meta["labels"] is not JsonObject labels || labels.Count == 0)
        {
            return EmptyLabels;
        }

        var result = new Dictionary<string, string>(labels.Count, StringComparer.Ordinal);
        foreach (var (key, value) in labels)
        {
            result[key] = Str(value) ?? string.Empty;
        }

        return result;
    }

    /// <summary>An empty label set.</summary>
    public static readonly IReadOnlyDictionary<string, string> EmptyLabels = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>metadata.finalizers as strings.</summary>
    public static List<string> Finalizers(JsonObject obj)
    {
        var result = new List<string>();
        if (obj["metadata"] is JsonObject meta && meta["finalizers"] is JsonArray array)
        {
            foreach (var item in array)
            {
                if (Str(item) is { } s)
                {
                    result.Add(s);
                }
            }
        }

        return result;
    }

    /// <summary>RFC 3339 UTC with seconds, as metav1.Time serializes.</summary>
    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reorders an object in place: kind, apiVersion, metadata (canonical key order), then its other fields.</summary>
    public static JsonObject Canonical(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject meta)
        {
            Reorder(meta, MetadataOrder);
        }

        Reorder(obj, TopOrder);
        return obj;
    }

    private static readonly string[] TopOrder = { "kind", "apiVersion", "metadata" };

    private static void Reorder(JsonObject obj, string[] order)
    {
        var pairs = new List<KeyValuePair<string, JsonNode?>>(obj);
        obj.Clear();
        foreach (var key in order)
        {
            foreach (var pair in pairs)
            {
                if (pair.Key == key)
                {
                    obj[key] = pair.Value;
                    break;
                }
            }
        }

        foreach (var pair in pairs)
        {
            if (!obj.ContainsKey(pair.Key))
            {
                obj[pair.Key] = pair.Value;
            }
        }
    }
}
