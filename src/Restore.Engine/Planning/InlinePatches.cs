using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;
using Restore.Engine.Kubernetes;
using Restore.Engine.Velero;

namespace Restore.Engine.Planning;

/// <summary>
/// The <c>patches</c> extension of a restore: inline patches for the objects an <see cref="ObjectSelector"/>
/// pattern names, applied after Velero's resource modifiers (docs/velero-compatibility.md#item-steps step 11). <c>json</c> is an RFC 6902
/// operation list, <c>merge</c> an RFC 7386 merge patch, <c>strategic</c> a Kubernetes strategic merge patch;
/// the patch text may be JSON or YAML.
/// </summary>
internal static partial class InlinePatches
{
    /// <summary>Returns why a patch is unusable, or null.</summary>
    public static string? Check(ObjectPatchSpec patch, IResourceCatalog? catalog)
    {
        if (!ObjectSelector.TryParse(patch.Target, catalog, out _, out var targetProblem))
        {
            return targetProblem;
        }

        var type = (patch.Type ?? string.Empty).ToLowerInvariant();
        if (type is not ("json" or "merge" or "strategic"))
        {
            return $"patch type \"{patch.Type}\" for \"{patch.Target}\" is not json, merge or strategic";
        }

        JsonNode? document;
        try
        {
            document = ParseDocument(patch.Patch);
        }
        catch (FormatException ex)
        {
            return $"the {type} patch for \"{patch.Target}\" cannot be read: {ex.Message}";
        }

        if (type == "json")
        {
            if (document is not JsonArray ops)
            {
                return $"the json patch for \"{patch.Target}\" must be a list of operations";
            }

            foreach (var op in ops)
            {
                if (op is not JsonObject o || o["op"] is not JsonValue || o["path"] is not JsonValue)
                {
                    return $"every operation of the json patch for \"{patch.Target}\" needs op and path";
                }
            }
        }
        else if (document is not JsonObject)
        {
            return $"the {type} patch for \"{patch.Target}\" must be an object";
        }

        return null;
    }

    /// <summary>Compiles the valid patches of a spec (validation reports the others).</summary>
    public static List<CompiledPatch> Compile(IEnumerable<ObjectPatchSpec>? patches, IResourceCatalog catalog)
    {
        var result = new List<CompiledPatch>();
        foreach (var patch in patches ?? Array.Empty<ObjectPatchSpec>())
        {
            if (Check(patch, catalog) is not null || !ObjectSelector.TryParse(patch.Target, catalog, out var target, out _))
            {
                continue;
            }

            var type = patch.Type.ToLowerInvariant();
            var document = ParseDocument(patch.Patch);
            result.Add(new CompiledPatch(patch, target!, type, type == "json" ? JsonPatch.FromJson(document) : null, document as JsonObject));
        }

        return result;
    }

    /// <summary>Applies every matching patch in order; a failing patch leaves the object as it was and adds an error.</summary>
    public static JsonObject Apply(IReadOnlyList<CompiledPatch> patches, JsonObject obj, string groupResource, string sourceNamespace, string name, List<string> errors)
    {
        foreach (var p in patches)
        {
            if (!p.Target.Matches(groupResource, sourceNamespace, name))
            {
                continue;
            }

            try
            {
                var apiVersion = obj["apiVersion"] is JsonValue a && a.TryGetValue<string>(out var av) ? av : string.Empty;
                var kind = obj["kind"] is JsonValue k && k.TryGetValue<string>(out var kv) ? kv : string.Empty;
                var patched = p.Type switch
                {
                    "json" => p.Json!.Apply(obj),
                    "merge" => JsonMergePatch.Apply(obj, p.Document),
                    _ => StrategicMergePatch.Apply(obj, p.Document!, apiVersion, kind),
                };
                if (patched is JsonObject result)
                {
                    obj = result;
                }
                else
                {
                    errors.Add($"error applying the {p.Type} patch for \"{p.Spec.Target}\": the result is not an object");
                }
            }
            catch (Exception ex) when (ex is JsonPatchException or StrategicMergePatchException or InvalidOperationException or ArgumentException)
            {
                errors.Add($"error applying the {p.Type} patch for \"{p.Spec.Target}\": {ex.Message}");
            }
        }

        return obj;
    }

    /// <summary>Parses patch text as JSON, or as YAML when it is not JSON.</summary>
    internal static JsonNode? ParseDocument(string text)
    {
        var trimmed = (text ?? string.Empty).TrimStart();
        if (trimmed.StartsWith("{", StringComparison.Ordinal) || trimmed.StartsWith("[", StringComparison.Ordinal))
        {
            try
            {
                return JsonNode.Parse(trimmed);
            }
            catch (JsonException ex)
            {
                throw new FormatException(ex.Message, ex);
            }
        }

        return ManifestYaml.Parse(text ?? string.Empty, "the patch");
    }
}

/// <summary>A checked inline patch.</summary>
internal sealed class CompiledPatch
{
    public CompiledPatch(ObjectPatchSpec spec, ObjectSelector target, string type, JsonPatch? json, JsonObject? document)
    {
        Spec = spec;
        Target = target;
        Type = type;
        Json = json;
        Document = document;
    }

    public ObjectPatchSpec Spec { get; }

    public ObjectSelector Target { get; }

    public string Type { get; }

    public JsonPatch? Json { get; }

    public JsonObject? Document { get; }
}
