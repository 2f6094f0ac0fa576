using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;
using Restore.Engine.Cluster;
using Restore.Engine.Model;

namespace Restore.Engine.Planning;

/// <summary>
/// The <c>patches</c> extension of a restore: inline patches for the objects an <see cref="ObjectSelector"/>
/// pattern names, applied after Velero's resource modifiers (spec §4.4 step 11). <c>json</c> is an RFC 6902
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

        return YamlJson.Parse(text ?? string.Empty, "the patch");
    }
}
