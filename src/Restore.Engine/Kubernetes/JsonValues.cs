using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restore.Engine.Kubernetes;

/// <summary>JSON value helpers shared by the patch implementations.</summary>
internal static class JsonValues
{
    /// <summary>
    /// Structural equality of two JSON values: objects by member set (order ignored), arrays element-wise,
    /// strings by decoded text, numbers by numeric value (so <c>1</c> equals <c>1.0</c>), null equals null.
    /// </summary>
    public static bool DeepEquals(JsonNode? a, JsonNode? b)
    {
        if (a is null || b is null)
        {
            return IsNull(a) && IsNull(b);
        }

        switch (a)
        {
            case JsonObject ao:
                if (b is not JsonObject bo || ao.Count != bo.Count)
                {
                    return false;
                }

                foreach (var pair in ao)
                {
                    if (!bo.TryGetPropertyValue(pair.Key, out var other) || !DeepEquals(pair.Value, other))
                    {
                        return false;
                    }
                }

                return true;
            case JsonArray aa:
                if (b is not JsonArray ba || aa.Count != ba.Count)
                {
                    return false;
                }

                for (int i = 0; i < aa.Count; i++)
                {
                    if (!DeepEquals(aa[i], ba[i]))
                    {
                        return false;
                    }
                }

                return true;
        }

        if (b is JsonObject || b is JsonArray)
        {
            return false;
        }

        var ka = a.GetValueKind();
        var kb = b.GetValueKind();
        if (ka != kb)
        {
            return false;
        }

        return ka switch
        {
            JsonValueKind.String => a.GetValue<string>() == b.GetValue<string>(),
            JsonValueKind.Number => NumbersEqual(a.ToJsonString(), b.ToJsonString()),
            _ => true, // true/true, false/false, null/null
        };
    }

    /// <summary>
    /// Parses JSON text like Go's decoder into maps: a repeated member name keeps the last value (System.Text.Json's
    /// own <see cref="JsonNode.Parse(string, JsonNodeOptions?, JsonDocumentOptions)"/> would fail on it later).
    /// Nesting up to 512 levels is allowed.
    /// </summary>
    /// <exception cref="JsonException">The text is not valid JSON.</exception>
    public static JsonNode? Parse(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 512 });
        return FromElement(document.RootElement);
    }

    private static JsonNode? FromElement(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    obj[property.Name] = FromElement(property.Value);
                }

                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (var item in element.EnumerateArray())
                {
                    array.Add(FromElement(item));
                }

                return array;
            case JsonValueKind.String:
                return JsonValue.Create(element.GetString());
            case JsonValueKind.Number:
                return JsonValue.Create(element.Clone());
            case JsonValueKind.True:
                return JsonValue.Create(true);
            case JsonValueKind.False:
                return JsonValue.Create(false);
            default:
                return null;
        }
    }

    /// <summary>True for a missing value or JSON null.</summary>
    public static bool IsNull(JsonNode? node) => node is null || (node is JsonValue && node.GetValueKind() == JsonValueKind.Null);

    /// <summary>Deep copy that tolerates null.</summary>
    public static JsonNode? Clone(JsonNode? node) => node?.DeepClone();

    /// <summary>
    /// Equality the way Go compares decoded JSON scalars held in <c>interface{}</c>: integers (int64) and
    /// non-integers (float64) are different types, so <c>1</c> and <c>1.0</c> differ.
    /// </summary>
    internal static bool GoScalarEquals(JsonNode? a, JsonNode? b)
    {
        var ta = GoTypeOf(a);
        if (ta != GoTypeOf(b))
        {
            return false;
        }

        return ta switch
        {
            GoType.Null => true,
            GoType.String => a!.GetValue<string>() == b!.GetValue<string>(),
            GoType.Bool => a!.GetValueKind() == b!.GetValueKind(),
            GoType.Int or GoType.Float => NumbersEqual(a!.ToJsonString(), b!.ToJsonString()),
            _ => DeepEquals(a, b),
        };
    }

    /// <summary>The Go dynamic type a decoded JSON value would have in Kubernetes' unstructured form.</summary>
    internal static GoType GoTypeOf(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return GoType.Null;
            case JsonObject:
                return GoType.Map;
            case JsonArray:
                return GoType.Slice;
        }

        switch (node.GetValueKind())
        {
            case JsonValueKind.String:
                return GoType.String;
            case JsonValueKind.True:
            case JsonValueKind.False:
                return GoType.Bool;
            case JsonValueKind.Number:
                return long.TryParse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? GoType.Int : GoType.Float;
            default:
                return GoType.Null;
        }
    }

    /// <summary>Compact text of a value for messages (null renders as <c>null</c>).</summary>
    internal static string Text(JsonNode? node) => node is null ? "null" : node.ToJsonString();

    private static bool NumbersEqual(string x, string y)
    {
        if (x == y)
        {
            return true;
        }

        if (decimal.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var dx)
            && decimal.TryParse(y, NumberStyles.Float, CultureInfo.InvariantCulture, out var dy))
        {
            return dx == dy;
        }

        return double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var fx)
            && double.TryParse(y, NumberStyles.Float, CultureInfo.InvariantCulture, out var fy)
            && fx.Equals(fy);
    }
}

/// <summary>Dynamic Go types of decoded JSON, as the Kubernetes patch code distinguishes them.</summary>
internal enum GoType
{
    Null,
    Map,
    Slice,
    String,
    Bool,
    Int,
    Float,
}
