using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restore.TestApiServer;

/// <summary>The patch types the server accepts.</summary>
public enum PatchKind
{
    /// <summary>application/json-patch+json (RFC 6902).</summary>
    Json,

    /// <summary>application/merge-patch+json (RFC 7386).</summary>
    Merge,

    /// <summary>application/strategic-merge-patch+json (built-in kinds only).</summary>
    Strategic,
}

/// <summary>Applies JSON, merge and strategic merge patches.</summary>
public static class Patching
{
    /// <summary>Media type of JSON patch.</summary>
    public const string JsonPatchType = "application/json-patch+json";

    /// <summary>Media type of JSON merge patch.</summary>
    public const string MergePatchType = "application/merge-patch+json";

    /// <summary>Media type of strategic merge patch.</summary>
    public const string StrategicMergePatchType = "application/strategic-merge-patch+json";

    /// <summary>Media type of server-side apply (not supported here).</summary>
    public const string ApplyPatchType = "application/apply-patch+yaml";

    /// <summary>The patch kind for a Content-Type; 415 with the accepted types otherwise.</summary>
    public static PatchKind KindOf(string? contentType, ResourceType t)
    {
        var mediaType = (contentType ?? string.Empty).Split(';')[0].Trim().ToLowerInvariant();
        switch (mediaType)
        {
            case JsonPatchType:
                return PatchKind.Json;
            case MergePatchType:
                return PatchKind.Merge;
            case StrategicMergePatchType when t.SupportsStrategicMerge:
                return PatchKind.Strategic;
        }

        var accepted = t.SupportsStrategicMerge
            ? new[] { JsonPatchType, MergePatchType, StrategicMergePatchType }
            : new[] { JsonPatchType, MergePatchType };
        throw ApiErrors.UnsupportedMediaType(mediaType, accepted);
    }

    /// <summary>Applies <paramref name="patch"/> to <paramref name="target"/> (which may be modified) and returns the result.</summary>
    public static JsonObject Apply(PatchKind kind, JsonObject target, ReadOnlySpan<byte> patch, ResourceType t)
    {
        switch (kind)
        {
            case PatchKind.Json:
                JsonArray operations;
                try
                {
                    operations = Json.Parse(patch) as JsonArray ?? throw ApiErrors.BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
                }
                catch (JsonException e)
                {
                    throw ApiErrors.BadRequest(e.Message);
                }

                return ApplyJsonPatch(target, operations);
            case PatchKind.Merge:
                return ApplyMergePatch(target, Json.ParseObject(patch, "merge patch")) as JsonObject
                    ?? throw ApiErrors.BadRequest("a merge patch must be a JSON object");
            default:
                return StrategicMerge.Apply(target, Json.ParseObject(patch, "strategic merge patch"), t);
        }
    }

    /// <summary>RFC 7386: objects merge recursively, null deletes, anything else replaces.</summary>
    public static JsonNode? ApplyMergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else if (value is JsonObject && result[key] is JsonObject existing)
            {
                ApplyMergePatch(existing, value);
            }
            else
            {
                result[key] = value is JsonObject ? ApplyMergePatch(new JsonObject(), value) : value.DeepClone();
            }
        }

        return result;
    }

    /// <summary>RFC 6902; a failing operation is 422 with the real server's generic message.</summary>
    public static JsonObject ApplyJsonPatch(JsonObject target, JsonArray operations)
    {
        JsonNode document = target;
        foreach (var node in operations)
        {
            if (node is not JsonObject op || Json.Str(op["op"]) is not { } name)
            {
                throw ApiErrors.BadRequest("json patch operation is missing \"op\"");
            }

            var path = Json.Str(op["path"]) ?? throw ApiErrors.BadRequest($"json patch {name} operation is missing \"path\"");
            try
            {
                document = name switch
                {
                    "add" => Add(document, path, Value(op, name)),
                    "remove" => Remove(document, path, out _),
                    "replace" => Add(Remove(document, path, out _), path, Value(op, name)),
                    "move" => MoveOrCopy(document, From(op, name), path, move: true),
                    "copy" => MoveOrCopy(document, From(op, name), path, move: false),
                    "test" => Test(document, path, Value(op, name)),
                    _ => throw ApiErrors.BadRequest($"Unexpected kind: {name}"),
                };
            }
            catch (PatchFailedException)
            {
                throw new ApiException(422, "Invalid", "the server rejected our request due to an error in our request") { AlwaysWriteDetails = true };
            }
        }

        return document as JsonObject ?? throw new ApiException(422, "Invalid", "the server rejected our request due to an error in our request") { AlwaysWriteDetails = true };
    }

    private static JsonNode? Value(JsonObject op, string name)
        => op.TryGetPropertyValue("value", out var value) ? value?.DeepClone() : throw ApiErrors.BadRequest($"json patch {name} operation is missing \"value\"");

    private static string From(JsonObject op, string name)
        => Json.Str(op["from"]) ?? throw ApiErrors.BadRequest($"json patch {name} operation is missing \"from\"");

    private static JsonNode MoveOrCopy(JsonNode document, string from, string path, bool move)
    {
        var value = Resolve(document, from)?.DeepClone();
        if (move)
        {
            document = Remove(document, from, out _);
        }

        return Add(document, path, value);
    }

    private static JsonNode Test(JsonNode document, string path, JsonNode? expected)
    {
        if (!Json.DeepEquals(Resolve(document, path), expected))
        {
            throw new PatchFailedException();
        }

        return document;
    }

    private static JsonNode? Resolve(JsonNode document, string path)
    {
        JsonNode? current = document;
        foreach (var token in Tokens(path))
        {
            current = current switch
            {
                JsonObject obj when obj.TryGetPropertyValue(token, out var child) => child,
                JsonArray array when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count => array[i],
                _ => throw new PatchFailedException(),
            };
        }

        return current;
    }

    private static JsonNode Add(JsonNode document, string path, JsonNode? value)
    {
        if (path.Length == 0)
        {
            return value ?? throw new PatchFailedException();
        }

        var (parent, last) = Parent(document, path);
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                break;
            case JsonArray array:
                if (last == "-")
                {
                    array.Add(value);
                }
                else if (int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index <= array.Count)
                {
                    array.Insert(index, value);
                }
                else
                {
                    throw new PatchFailedException();
                }

                break;
            default:
                throw new PatchFailedException();
        }

        return document;
    }

    private static JsonNode Remove(JsonNode document, string path, out JsonNode? removed)
    {
        var (parent, last) = Parent(document, path);
        switch (parent)
        {
            case JsonObject obj when obj.TryGetPropertyValue(last, out removed):
                obj.Remove(last);
                return document;
            case JsonArray array when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < array.Count:
                removed = array[index];
                array.RemoveAt(index);
                return document;
            default:
                throw new PatchFailedException();
        }
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode document, string path)
    {
        var tokens = Tokens(path);
        if (tokens.Count == 0)
        {
            throw new PatchFailedException();
        }

        var current = document;
        for (var i = 0; i < tokens.Count - 1; i++)
        {
            current = current switch
            {
                JsonObject obj when obj[tokens[i]] is { } child => child,
                JsonArray array when int.TryParse(tokens[i], NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < array.Count && array[index] is { } item => item,
                _ => throw new PatchFailedException(),
            };
        }

        return (current, tokens[^1]);
    }

    private static List<string> Tokens(string path)
    {
        if (path.Length == 0)
        {
            return new List<string>();
        }

        if (path[0] != '/')
        {
            throw ApiErrors.BadRequest($"JSON pointer must be empty or start with a \"/\": {Go.Quote(path)}");
        }

        var tokens = new List<string>();
        foreach (var raw in path[1..].Split('/'))
        {
            tokens.Add(raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
        }

        return tokens;
    }

    private sealed class PatchFailedException : Exception
    {
    }
}
