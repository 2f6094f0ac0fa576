using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Restore.Engine.Kubernetes;

namespace Restore.Engine.Planning.Modifiers;

/// <summary>
/// Strict decoding of a resource modifier document the way Velero's <c>yaml.UnmarshalStrict</c> into its Go
/// structs behaves: field names match case-insensitively, unknown fields and duplicate YAML keys are errors,
/// numbers and booleans given for string fields become strings, null leaves a field empty.
/// </summary>
internal static class ResourceModifierDecoder
{
    private const string Package = "resourcemodifiers.";

    public static (string Version, List<ResourceModifierRule> Rules) Decode(string document)
    {
        JsonNode? root;
        try
        {
            root = YamlJson.Parse(document, rejectDuplicateKeys: true);
        }
        catch (FormatException yamlError)
        {
            root = TryJson(document) ?? throw Fail("error converting YAML to JSON: " + yamlError.Message);
        }

        if (root is null)
        {
            return (string.Empty, new List<ResourceModifierRule>());
        }

        if (root is not JsonObject top)
        {
            throw Fail($"error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {JsonKind(root)} into Go value of type {Package}ResourceModifiers");
        }

        var fields = Fields(top, "ResourceModifiers", "version", "resourceModifierRules");
        string version = Str(fields, "version", "ResourceModifiers", "version");
        var rules = new List<ResourceModifierRule>();
        foreach (var ruleNode in Arr(fields, "resourceModifierRules", "ResourceModifiers", "resourceModifierRules", $"[]{Package}ResourceModifierRule"))
        {
            rules.Add(DecodeRule(ruleNode));
        }

        return (version, rules);
    }

    private static ResourceModifierRule DecodeRule(JsonNode? node)
    {
        const string path = "resourceModifierRules";
        var rule = Obj(node, "ResourceModifiers", path, $"{Package}ResourceModifierRule");
        var f = Fields(rule, "ResourceModifierRule", "conditions", "patches", "mergePatches", "strategicPatches");

        var cond = Obj(f.TryGetValue("conditions", out var c) ? c : null, "ResourceModifierRule", path + ".conditions", $"{Package}Conditions");
        var cf = Fields(cond, "Conditions", "namespaces", "groupResource", "resourceNameRegex", "labelSelector", "matches");
        string cpath = path + ".conditions";
        var namespaces = Arr(cf, "namespaces", "Conditions", cpath + ".namespaces", "[]string")
            .Select(n => Scalar(n, "Conditions", cpath + ".namespaces", "string")).ToList();
        var matches = new List<ResourceModifierJsonPatch>();
        foreach (var m in Arr(cf, "matches", "Conditions", cpath + ".matches", $"[]{Package}MatchRule"))
        {
            var mf = Fields(Obj(m, "Conditions", cpath + ".matches", $"{Package}MatchRule"), "MatchRule", "path", "value");
            matches.Add(new ResourceModifierJsonPatch("test", Str(mf, "path", "MatchRule", cpath + ".matches.path"), null, Str(mf, "value", "MatchRule", cpath + ".matches.value")));
        }

        var conditions = new ResourceModifierConditions(
            Str(cf, "groupResource", "Conditions", cpath + ".groupResource"),
            Str(cf, "resourceNameRegex", "Conditions", cpath + ".resourceNameRegex"),
            namespaces,
            LabelSelector(cf.TryGetValue("labelSelector", out var ls) ? ls : null, cpath + ".labelSelector"),
            matches);

        var patches = new List<ResourceModifierJsonPatch>();
        foreach (var p in Arr(f, "patches", "ResourceModifierRule", path + ".patches", $"[]{Package}JSONPatch"))
        {
            string pp = path + ".patches";
            var pf = Fields(Obj(p, "ResourceModifierRule", pp, $"{Package}JSONPatch"), "JSONPatch", "operation", "from", "path", "value");
            patches.Add(new ResourceModifierJsonPatch(
                Str(pf, "operation", "JSONPatch", pp + ".operation"),
                Str(pf, "path", "JSONPatch", pp + ".path"),
                Str(pf, "from", "JSONPatch", pp + ".from"),
                Str(pf, "value", "JSONPatch", pp + ".value")));
        }

        var merge = PatchData(f, "mergePatches", "JSONMergePatch");
        var strategic = PatchData(f, "strategicPatches", "StrategicMergePatch");
        return new ResourceModifierRule(conditions, patches, merge, strategic);
    }

    private static List<string> PatchData(Dictionary<string, JsonNode?> f, string field, string goStruct)
    {
        string path = "resourceModifierRules." + field;
        var result = new List<string>();
        foreach (var item in Arr(f, field, "ResourceModifierRule", path, $"[]{Package}{goStruct}"))
        {
            var pf = Fields(Obj(item, "ResourceModifierRule", path, Package + goStruct), goStruct, "patchData");
            result.Add(Str(pf, "patchData", goStruct, path + ".patchData"));
        }

        return result;
    }

    private static JsonObject? LabelSelector(JsonNode? node, string path)
    {
        if (node is null)
        {
            return null;
        }

        var sel = Obj(node, "Conditions", path, "v1.LabelSelector");
        var f = Fields(sel, "LabelSelector", "matchLabels", "matchExpressions");
        var result = new JsonObject();
        if (f.TryGetValue("matchLabels", out var ml) && ml is not null)
        {
            var labels = Obj(ml, "LabelSelector", path + ".matchLabels", "map[string]string");
            var normalized = new JsonObject();
            foreach (var pair in labels)
            {
                normalized[pair.Key] = Scalar(pair.Value, "LabelSelector", path + ".matchLabels", "string");
            }

            result["matchLabels"] = normalized;
        }

        var expressions = new JsonArray();
        foreach (var e in Arr(f, "matchExpressions", "LabelSelector", path + ".matchExpressions", "[]v1.LabelSelectorRequirement"))
        {
            string ep = path + ".matchExpressions";
            var ef = Fields(Obj(e, "LabelSelector", ep, "v1.LabelSelectorRequirement"), "LabelSelectorRequirement", "key", "operator", "values");
            var values = new JsonArray(Arr(ef, "values", "LabelSelectorRequirement", ep + ".values", "[]string")
                .Select(v => (JsonNode?)Scalar(v, "LabelSelectorRequirement", ep + ".values", "string")).ToArray());
            expressions.Add(new JsonObject
            {
                ["key"] = Str(ef, "key", "LabelSelectorRequirement", ep + ".key"),
                ["operator"] = Str(ef, "operator", "LabelSelectorRequirement", ep + ".operator"),
                ["values"] = values,
            });
        }

        if (expressions.Count > 0)
        {
            result["matchExpressions"] = expressions;
        }

        return result;
    }

    /// <summary>Maps the members of an object onto known field names, case-insensitively as Go does.</summary>
    private static Dictionary<string, JsonNode?> Fields(JsonObject? obj, string goStruct, params string[] known)
    {
        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (obj is null)
        {
            return result;
        }

        foreach (var pair in obj)
        {
            string? name = known.FirstOrDefault(k => k == pair.Key)
                ?? known.FirstOrDefault(k => string.Equals(k, pair.Key, StringComparison.OrdinalIgnoreCase));
            if (name is null)
            {
                throw Fail($"error unmarshaling JSON: while decoding JSON: json: unknown field \"{pair.Key}\"");
            }

            result[name] = pair.Value;
        }

        return result;
    }

    private static string Str(Dictionary<string, JsonNode?> fields, string name, string goStruct, string path) =>
        fields.TryGetValue(name, out var node) ? Scalar(node, goStruct, path, "string") : string.Empty;

    private static string Scalar(JsonNode? node, string goStruct, string path, string goType)
    {
        switch (node)
        {
            case null:
                return string.Empty;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return v.GetValue<string>();
            case JsonValue v when YamlJson.ScalarAsGoString(v) is string converted:
                return converted;
            default:
                throw TypeError(node, goStruct, path, goType);
        }
    }

    private static IEnumerable<JsonNode?> Arr(Dictionary<string, JsonNode?> fields, string name, string goStruct, string path, string goType)
    {
        if (!fields.TryGetValue(name, out var node) || node is null)
        {
            return Array.Empty<JsonNode?>();
        }

        if (node is not JsonArray array)
        {
            throw TypeError(node, goStruct, path, goType);
        }

        return array.ToList();
    }

    private static JsonObject Obj(JsonNode? node, string goStruct, string path, string goType)
    {
        if (node is null)
        {
            return new JsonObject();
        }

        return node as JsonObject ?? throw TypeError(node, goStruct, path, goType);
    }

    private static ResourceModifierValidationException TypeError(JsonNode node, string goStruct, string path, string goType) =>
        Fail($"error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {JsonKind(node)} into Go struct field {goStruct}.{path} of type {goType}");

    private static string JsonKind(JsonNode node) => node switch
    {
        JsonObject => "object",
        JsonArray => "array",
        _ => node.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            _ => "bool",
        },
    };

    private static JsonNode? TryJson(string document)
    {
        string trimmed = document.TrimStart();
        if (!trimmed.StartsWith("{", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return JsonValues.Parse(document);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ResourceModifierValidationException Fail(string detail) =>
        new(ResourceModifierErrorStage.Parse, "failed to decode yaml data into resource modifiers, err: " + detail);
}
