using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restore.Engine.Velero;

/// <summary>
/// Reads the backup's volume metadata files the way Go's <c>encoding/json</c> decodes them: keys
/// match exactly first, then case-insensitively (which is how the untagged Go fields
/// <c>ReadyToUse</c> and <c>Phase</c> are found); <c>null</c> reads as absent.
/// </summary>
internal static class VeleroJson
{
    /// <summary>Reads each object of <see cref="ParseArray"/> with <paramref name="read"/>: a Velero side file's entries.</summary>
    public static IReadOnlyList<T> ParseList<T>(string json, string what, Func<JsonObject, T> read) =>
        ParseArray(json, what).ConvertAll(obj => read(obj));

    /// <summary>Parses a document that must be a JSON array (or <c>null</c>) of objects; null elements are skipped.</summary>
    public static List<JsonObject> ParseArray(string json, string what)
    {
        if (json is null)
        {
            throw new ArgumentNullException(nameof(json));
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{what} is not valid JSON: {ex.Message}", ex);
        }

        var result = new List<JsonObject>();
        switch (root)
        {
            case null:
                return result;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    switch (array[i])
                    {
                        case null:
                            continue;
                        case JsonObject obj:
                            result.Add(obj);
                            break;
                        default:
                            throw new FormatException($"{what}: element {i} is a JSON {array[i]!.GetValueKind()}, expected an object");
                    }
                }

                return result;
            default:
                throw new FormatException($"{what} must be a JSON array, found a JSON {root.GetValueKind()}");
        }
    }

    /// <summary>Decodes UTF-8 bytes (a leading byte-order mark is ignored).</summary>
    public static string Utf8(byte[] utf8Json)
    {
        if (utf8Json is null)
        {
            throw new ArgumentNullException(nameof(utf8Json));
        }

        var offset = utf8Json.Length >= 3 && utf8Json[0] == 0xEF && utf8Json[1] == 0xBB && utf8Json[2] == 0xBF ? 3 : 0;
        return Encoding.UTF8.GetString(utf8Json, offset, utf8Json.Length - offset);
    }

    /// <summary>The value under <paramref name="key"/>: exact match first, then case-insensitive, as Go does.</summary>
    public static JsonNode? Get(JsonObject? obj, string key)
    {
        if (obj is null)
        {
            return null;
        }

        if (obj.TryGetPropertyValue(key, out var exact))
        {
            return exact;
        }

        foreach (var pair in obj)
        {
            if (string.Equals(pair.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return pair.Value;
            }
        }

        return null;
    }

    public static JsonObject? Object(JsonObject? obj, string key) => Get(obj, key) as JsonObject;

    public static string String(JsonObject? obj, string key) =>
        Get(obj, key) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : string.Empty;

    public static bool Bool(JsonObject? obj, string key) =>
        Get(obj, key) is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    public static bool? NullableBool(JsonObject? obj, string key) =>
        Get(obj, key) is JsonValue v ? v.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        } : null;

    public static long Int64(JsonObject? obj, string key) => NullableInt64(obj, key) ?? 0;

    public static long? NullableInt64(JsonObject? obj, string key)
    {
        if (Get(obj, key) is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }

        var text = v.ToJsonString();
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            return whole;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number is >= long.MinValue and <= long.MaxValue
            ? (long)number
            : null;
    }

    /// <summary>An RFC 3339 timestamp (Kubernetes <c>metav1.Time</c>), or null.</summary>
    public static DateTimeOffset? Time(JsonObject? obj, string key)
    {
        var text = String(obj, key);
        return text.Length > 0 && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;
    }

    /// <summary>A string-to-string map; non-string values are skipped.</summary>
    public static IReadOnlyDictionary<string, string> StringMap(JsonObject? obj, string key)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Get(obj, key) is JsonObject source)
        {
            foreach (var pair in source)
            {
                if (pair.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
                {
                    map[pair.Key] = v.GetValue<string>();
                }
            }
        }

        return map;
    }
}
