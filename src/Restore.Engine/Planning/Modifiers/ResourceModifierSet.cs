using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Restore.Engine.Common;
using Restore.Engine.Kubernetes;

namespace Restore.Engine.Planning.Modifiers;

/// <summary>Whether a resource modifier document failed to decode or failed validation.</summary>
internal enum ResourceModifierErrorStage
{
    /// <summary>The document could not be read (syntax, strict decoding, ConfigMap shape).</summary>
    Parse,

    /// <summary>The document was read but breaks a rule (version, empty rules, patch lists, operations).</summary>
    Validation,
}

/// <summary>A resource modifier document is unusable; Velero puts the restore in FailedValidation for this.</summary>
internal sealed class ResourceModifierValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ResourceModifierValidationException(ResourceModifierErrorStage stage, string message)
        : base(message)
    {
        Stage = stage;
    }

    /// <summary>Which step failed.</summary>
    public ResourceModifierErrorStage Stage { get; }
}

/// <summary>
/// One rule of our inline JSON-patch parameter: which items (group-resource glob, optional name regex,
/// namespace globs and kubectl-style label selector) get which RFC 6902 patch (real JSON values, not Velero's
/// string-typed values).
/// </summary>
internal sealed class InlineJsonPatchRule
{
    /// <summary>Creates a rule.</summary>
    /// <param name="groupResource">Glob on the group-resource, '.' separated (e.g. <c>deployments.apps</c>, <c>*.apps</c>).</param>
    /// <param name="patchJson">An RFC 6902 patch: a JSON array of operations.</param>
    public InlineJsonPatchRule(string groupResource, string patchJson)
    {
        GroupResource = groupResource;
        PatchJson = patchJson;
    }

    /// <summary>Glob on the group-resource.</summary>
    public string GroupResource { get; }

    /// <summary>The RFC 6902 patch text.</summary>
    public string PatchJson { get; }

    /// <summary>Optional RE2 expression searched for in the item name.</summary>
    public string? ResourceNameRegex { get; set; }

    /// <summary>Optional globs for the original namespace.</summary>
    public IReadOnlyList<string>? Namespaces { get; set; }

    /// <summary>Optional label selector in kubectl syntax (<c>app=web,tier!=db</c>).</summary>
    public string? LabelSelector { get; set; }
}

/// <summary>
/// Velero resource modifiers (docs/velero-compatibility.md#resource-modifiers): ordered rules whose conditions are tested against the item
/// as it was before any rule ran, and whose patches accumulate on the item.
/// </summary>
internal sealed class ResourceModifierSet
{
    private ResourceModifierSet(string version, IReadOnlyList<ResourceModifierRule> rules)
    {
        Version = version;
        Rules = rules;
        var warnings = new List<string>();
        for (int i = 0; i < rules.Count; i++)
        {
            foreach (var problem in rules[i].Conditions.Problems())
            {
                warnings.Add($"resource modifier rule {i + 1}: {problem}; the rule will report this error for every item it is checked against");
            }
        }

        Warnings = warnings;
    }

    /// <summary>The document version (<c>v1</c> in any letter case).</summary>
    public string Version { get; }

    /// <summary>The rules, in order.</summary>
    public IReadOnlyList<ResourceModifierRule> Rules { get; }

    /// <summary>
    /// Problems Velero only reports while restoring (bad group-resource glob, regex or label selector): each makes
    /// the rule add an error for every item it is checked against. Worth showing before the restore starts.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Reads and validates a resource modifier document (YAML or JSON), strictly as Velero does.</summary>
    /// <exception cref="ResourceModifierValidationException">The document cannot be read or is invalid.</exception>
    public static ResourceModifierSet Parse(string document)
    {
        if (document is null)
        {
            throw new ArgumentNullException(nameof(document));
        }

        var (version, rules) = ResourceModifierDecoder.Decode(document);
        Validate(version, rules);
        return new ResourceModifierSet(version, rules);
    }

    /// <summary>
    /// Reads the modifiers from a ConfigMap object, which must have exactly one <c>data</c> entry. Messages carry
    /// Velero's ConfigMap prefixes (<c>Error in parsing resource modifiers provided in configmap ns/name: ...</c>).
    /// </summary>
    /// <exception cref="ResourceModifierValidationException">The ConfigMap or its document is unusable.</exception>
    public static ResourceModifierSet FromConfigMap(JsonObject configMap)
    {
        if (configMap is null)
        {
            throw new ResourceModifierValidationException(ResourceModifierErrorStage.Parse, "could not parse config from nil configmap");
        }

        var metadata = configMap["metadata"] as JsonObject;
        string ns = Text(metadata?["namespace"]);
        string name = Text(metadata?["name"]);
        string where = $"configmap {ns}/{name}";
        var data = configMap["data"] as JsonObject;
        if (data is null || data.Count != 1)
        {
            throw new ResourceModifierValidationException(
                ResourceModifierErrorStage.Parse,
                $"Error in parsing resource modifiers provided in {where}: illegal resource modifiers {ns}/{name} configmap (it has {data?.Count ?? 0} data entries; exactly one is required)");
        }

        string document = Text(data.First().Value);
        try
        {
            return Parse(document);
        }
        catch (ResourceModifierValidationException ex)
        {
            string prefix = ex.Stage == ResourceModifierErrorStage.Parse
                ? $"Error in parsing resource modifiers provided in {where}: "
                : $"Validation error in resource modifiers provided in {where}: ";
            throw new ResourceModifierValidationException(ex.Stage, prefix + ex.Message);
        }
    }

    /// <summary>
    /// Builds a set from our inline JSON-patch rules. Unlike Velero's document these are checked completely up front:
    /// a bad glob, regex, selector, or patch (including op-name case) is an error here, not during the restore.
    /// </summary>
    /// <exception cref="ResourceModifierValidationException">A rule is invalid.</exception>
    public static ResourceModifierSet FromJsonPatches(IEnumerable<InlineJsonPatchRule> rules)
    {
        var built = new List<ResourceModifierRule>();
        int index = 0;
        foreach (var rule in rules ?? throw new ArgumentNullException(nameof(rules)))
        {
            index++;
            string where = $"JSON patch rule {index}";
            if (string.IsNullOrEmpty(rule.GroupResource))
            {
                throw Invalid($"{where}: groupResource cannot be empty");
            }

            JsonPatch patch;
            try
            {
                patch = JsonPatch.Parse(rule.PatchJson ?? string.Empty);
            }
            catch (JsonPatchException ex)
            {
                throw Invalid($"{where}: the patch is not a valid RFC 6902 JSON patch: {ex.Message}");
            }

            if (patch.Operations.Count == 0)
            {
                throw Invalid($"{where}: the patch has no operations");
            }

            JsonObject? selector = null;
            if (!string.IsNullOrWhiteSpace(rule.LabelSelector))
            {
                try
                {
                    selector = Kubernetes.LabelSelector.Parse(rule.LabelSelector!).ToJson();
                }
                catch (FormatException ex)
                {
                    throw Invalid($"{where}: {ex.Message}");
                }
            }

            var conditions = new ResourceModifierConditions(rule.GroupResource, rule.ResourceNameRegex, rule.Namespaces, selector);
            if (conditions.Problems().FirstOrDefault() is string problem)
            {
                throw Invalid($"{where}: {problem}");
            }

            foreach (var ns in rule.Namespaces ?? Array.Empty<string>())
            {
                if (!GlobPattern.TryCompile(ns, null, out _, out var nsError))
                {
                    throw Invalid($"{where}: namespace pattern: {nsError}");
                }
            }

            built.Add(new ResourceModifierRule(conditions, inlinePatch: patch));
        }

        if (built.Count == 0)
        {
            throw Invalid("resource modifier rules cannot be empty");
        }

        return new ResourceModifierSet("v1", built);
    }

    /// <summary>
    /// Applies every rule to <paramref name="obj"/> in place. Conditions are tested against a copy taken before any
    /// rule ran; patches accumulate. Never throws for a rule's failure: the returned messages (Velero's texts such as
    /// <c>error in applying patch ...</c>) become namespace errors in the restore results, and the item is still
    /// restored with the patches that did apply.
    /// </summary>
    /// <param name="obj">The item, modified in place.</param>
    /// <param name="groupResource">The item's group-resource (<c>deployments.apps</c>, <c>pods</c>).</param>
    /// <param name="sourceNamespace">The item's namespace in the backup (before mapping); null or empty for cluster-scoped items.</param>
    /// <param name="log">Receives info entries (which rule applied, skipped test-guarded patches).</param>
    public IReadOnlyList<string> Apply(JsonObject obj, string groupResource, string sourceNamespace, IEngineLog? log = null)
    {
        if (obj is null)
        {
            throw new ArgumentNullException(nameof(obj));
        }

        log ??= NullEngineLog.Instance;
        var errors = new List<string>();
        // With one rule its conditions are tested before its own patches anyway, so no copy is needed.
        var snapshot = Rules.Count > 1 ? (JsonObject)obj.DeepClone() : obj;
        foreach (var rule in Rules)
        {
            string? error = rule.Conditions.Match(snapshot, groupResource ?? string.Empty, sourceNamespace, out bool matched);
            if (error is not null)
            {
                errors.Add(error);
                continue;
            }

            if (!matched)
            {
                continue;
            }

            log.Info($"Applying resource modifier patch on {sourceNamespace}/{ResourceModifierConditions.NameOf(snapshot)}");
            error = rule.ApplyPatch(obj, log);
            if (error is not null)
            {
                errors.Add(error);
            }
        }

        return errors;
    }

    private static void Validate(string version, List<ResourceModifierRule> rules)
    {
        if (!string.Equals(version, "v1", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid($"unsupported resource modifier version {version}");
        }

        if (rules.Count == 0)
        {
            throw Invalid("resource modifier rules cannot be empty");
        }

        string[] operations = { "add", "remove", "replace", "test", "move", "copy" };
        for (int i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            string where = $" (rule {i + 1})";
            if (rule.Conditions.GroupResource.Length == 0)
            {
                throw Invalid("groupResource cannot be empty" + where);
            }

            int lists = (rule.Patches.Count > 0 ? 1 : 0) + (rule.MergePatches.Count > 0 ? 1 : 0) + (rule.StrategicPatches.Count > 0 ? 1 : 0);
            if (lists >= 2)
            {
                throw Invalid("only one of patches, mergePatches, strategicPatches can be specified" + where);
            }

            foreach (var patch in rule.Patches)
            {
                if (patch.Operation.Length == 0)
                {
                    throw Invalid("operation cannot be empty" + where);
                }

                if (!operations.Contains(patch.Operation.ToLowerInvariant()))
                {
                    throw Invalid($"unsupported operation {patch.Operation}" + where);
                }

                if (patch.Path.Length == 0)
                {
                    throw Invalid("path cannot be empty" + where);
                }
            }
        }
    }

    private static ResourceModifierValidationException Invalid(string message) =>
        new(ResourceModifierErrorStage.Validation, message);

    private static string Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : string.Empty;
}
