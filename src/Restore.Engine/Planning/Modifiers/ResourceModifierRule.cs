using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using Restore.Engine.Common;
using Restore.Engine.Kubernetes;
using Restore.Engine.Planning.Matching;

namespace Restore.Engine.Planning.Modifiers;

/// <summary>The <c>conditions</c> of a resource modifier rule.</summary>
internal sealed class ResourceModifierConditions
{
    private readonly GlobPattern? groupResource;
    private readonly string? groupResourceError;
    private readonly Re2Regex? nameRegex;
    private readonly string? nameRegexError;
    private readonly LabelSelector? selector;
    private readonly string? selectorError;
    private readonly IncludeExcludeFilter namespaces;

    /// <summary>Creates conditions. Pattern problems are kept and reported when the rule is evaluated, as Velero does.</summary>
    public ResourceModifierConditions(
        string groupResource,
        string? resourceNameRegex = null,
        IEnumerable<string>? namespaces = null,
        JsonObject? labelSelector = null,
        IEnumerable<ResourceModifierJsonPatch>? matches = null)
    {
        GroupResource = groupResource ?? string.Empty;
        ResourceNameRegex = resourceNameRegex ?? string.Empty;
        Namespaces = namespaces?.ToArray() ?? Array.Empty<string>();
        LabelSelectorJson = labelSelector;
        Matches = matches?.ToArray() ?? Array.Empty<ResourceModifierJsonPatch>();
        this.namespaces = new IncludeExcludeFilter(Namespaces, null);

        if (!GlobPattern.TryCompile(GroupResource, '.', out this.groupResource, out groupResourceError))
        {
            this.groupResource = null;
        }

        if (ResourceNameRegex.Length > 0 && !Re2Regex.TryCompile(ResourceNameRegex, out nameRegex, out nameRegexError))
        {
            nameRegex = null;
        }

        if (labelSelector is not null)
        {
            try
            {
                selector = LabelSelector.FromJson(labelSelector);
            }
            catch (FormatException ex)
            {
                selectorError = ex.Message;
            }
        }
    }

    /// <summary>Glob on the group-resource string, with '.' as separator.</summary>
    public string GroupResource { get; }

    /// <summary>RE2 expression searched for in <c>metadata.name</c>; empty for none.</summary>
    public string ResourceNameRegex { get; }

    /// <summary>Globs for the original namespace; empty means every namespace.</summary>
    public IReadOnlyList<string> Namespaces { get; }

    /// <summary>The <c>metav1.LabelSelector</c> as given, or null.</summary>
    public JsonObject? LabelSelectorJson { get; }

    /// <summary>Value tests, all of which must hold.</summary>
    public IReadOnlyList<ResourceModifierJsonPatch> Matches { get; }

    /// <summary>Problems that will make this rule fail for every item it is checked against.</summary>
    internal IEnumerable<string> Problems()
    {
        if (groupResourceError is not null)
        {
            yield return groupResourceError;
        }

        if (nameRegexError is not null)
        {
            yield return "error in matching regex " + nameRegexError;
        }

        if (selectorError is not null)
        {
            yield return "error in creating label selector " + selectorError;
        }
    }

    /// <summary>Velero's rule matching, in its order; returns an error text, or null with <paramref name="matched"/> set.</summary>
    internal string? Match(JsonObject snapshot, string groupResource, string? sourceNamespace, out bool matched)
    {
        matched = false;
        if (!string.IsNullOrEmpty(sourceNamespace) && !namespaces.ShouldInclude(sourceNamespace!))
        {
            return null;
        }

        if (this.groupResource is null)
        {
            return groupResourceError;
        }

        if (!this.groupResource.IsMatch(groupResource))
        {
            return null;
        }

        if (ResourceNameRegex.Length > 0)
        {
            if (nameRegex is null)
            {
                return "error in matching regex " + nameRegexError;
            }

            string name = NameOf(snapshot);
            try
            {
                if (!nameRegex.IsMatch(name))
                {
                    return null;
                }
            }
            catch (TimeoutException ex)
            {
                return "error in matching regex " + ex.Message;
            }
        }

        if (LabelSelectorJson is not null)
        {
            if (selector is null)
            {
                return "error in creating label selector " + selectorError;
            }

            if (!selector.Matches(LabelsOf(snapshot)))
            {
                return null;
            }
        }

        if (Matches.Count > 0)
        {
            if (Matches.Any(m => m.Path.Length == 0))
            {
                return "path is required for match rule";
            }

            var tests = Matches.Select(m => new ResourceModifierJsonPatch("test", m.Path, null, m.Value));
            JsonPatch patch;
            try
            {
                patch = JsonPatch.Parse(ResourceModifierJsonPatch.Join(tests));
            }
            catch (JsonPatchException ex)
            {
                return "error in decoding json patch " + ex.Message;
            }

            try
            {
                patch.Apply(snapshot);
            }
            catch (JsonPatchException ex) when (ex.Kind is JsonPatchErrorKind.TestFailed or JsonPatchErrorKind.Missing)
            {
                return null;
            }
            catch (JsonPatchException ex)
            {
                return ex.Message;
            }
        }

        matched = true;
        return null;
    }

    internal static string NameOf(JsonObject obj) =>
        (obj["metadata"] as JsonObject)?["name"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty;

    private static Dictionary<string, string> LabelsOf(JsonObject obj)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if ((obj["metadata"] as JsonObject)?["labels"] is JsonObject map)
        {
            foreach (var pair in map)
            {
                if (pair.Value is JsonValue v && v.TryGetValue<string>(out var s))
                {
                    labels[pair.Key] = s;
                }
            }
        }

        return labels;
    }
}

/// <summary>One resource modifier rule: conditions plus one kind of patch list.</summary>
internal sealed class ResourceModifierRule
{
    /// <summary>Creates a rule. At most one of the patch lists should be non-empty (see validation).</summary>
    public ResourceModifierRule(
        ResourceModifierConditions conditions,
        IEnumerable<ResourceModifierJsonPatch>? patches = null,
        IEnumerable<string>? mergePatches = null,
        IEnumerable<string>? strategicPatches = null,
        JsonPatch? inlinePatch = null)
    {
        Conditions = conditions ?? throw new ArgumentNullException(nameof(conditions));
        Patches = patches?.ToArray() ?? Array.Empty<ResourceModifierJsonPatch>();
        MergePatches = mergePatches?.ToArray() ?? Array.Empty<string>();
        StrategicPatches = strategicPatches?.ToArray() ?? Array.Empty<string>();
        InlinePatch = inlinePatch;
    }

    /// <summary>When the rule applies.</summary>
    public ResourceModifierConditions Conditions { get; }

    /// <summary>Velero-style JSON patch operations (string values typed on rendering).</summary>
    public IReadOnlyList<ResourceModifierJsonPatch> Patches { get; }

    /// <summary>RFC 7386 merge patches (YAML or JSON), applied in order.</summary>
    public IReadOnlyList<string> MergePatches { get; }

    /// <summary>Strategic merge patches (YAML or JSON), applied in order.</summary>
    public IReadOnlyList<string> StrategicPatches { get; }

    /// <summary>A ready RFC 6902 patch with real JSON values (from our inline parameter), or null.</summary>
    public JsonPatch? InlinePatch { get; }

    /// <summary>Applies the rule's patches to <paramref name="obj"/> in place; returns an error text or null.</summary>
    internal string? ApplyPatch(JsonObject obj, IEngineLog log)
    {
        JsonNode? updated;
        if (Patches.Count > 0 || InlinePatch is not null)
        {
            JsonPatch patch;
            if (InlinePatch is not null)
            {
                patch = InlinePatch;
            }
            else
            {
                try
                {
                    patch = JsonPatch.Parse(ResourceModifierJsonPatch.Join(Patches));
                }
                catch (JsonPatchException ex)
                {
                    return "error in applying patch error in applying JSON Patch error in decoding json patch " + ex.Message + BadOperationHint();
                }
            }

            try
            {
                updated = patch.Apply(obj);
            }
            catch (JsonPatchException ex) when (ex.Kind == JsonPatchErrorKind.TestFailed)
            {
                log.Info("Test operation failed for JSON Patch " + ex.Message);
                return null;
            }
            catch (JsonPatchException ex)
            {
                return "error in applying patch error in applying JSON Patch " + ex.Message;
            }
        }
        else if (MergePatches.Count > 0)
        {
            updated = obj;
            foreach (var data in MergePatches)
            {
                JsonNode? patch;
                try
                {
                    patch = YamlJson.Parse(data);
                }
                catch (FormatException ex)
                {
                    return "error in applying patch error in converting YAML to JSON " + ex.Message;
                }

                updated = JsonMergePatch.Apply(updated, patch);
            }
        }
        else if (StrategicPatches.Count > 0)
        {
            string apiVersion = (obj["apiVersion"] as JsonValue)?.TryGetValue<string>(out var av) == true ? av : string.Empty;
            string kind = (obj["kind"] as JsonValue)?.TryGetValue<string>(out var k) == true ? k : string.Empty;
            if (!StrategicMergePatch.IsKnownKind(apiVersion, kind))
            {
                // Velero fails here with "no kind registered"; we apply generic rules instead.
                log.Info($"Kind {kind} ({apiVersion}) has no built-in strategic merge metadata (Velero would reject it with \"no kind is registered\"); applying the strategic patch with generic rules: maps are merged, lists are replaced");
            }

            var current = (JsonObject)obj.DeepClone();
            foreach (var data in StrategicPatches)
            {
                JsonNode? patch;
                try
                {
                    patch = YamlJson.Parse(data);
                }
                catch (FormatException ex)
                {
                    return "error in applying patch error in converting YAML to JSON " + ex.Message;
                }

                if (patch is null)
                {
                    continue; // an empty patch document decodes to an empty map
                }

                if (patch is not JsonObject patchObject)
                {
                    return "error in applying patch error in applying Strategic Patch json: cannot unmarshal "
                        + (patch is JsonArray ? "array" : "value") + " into Go value of type map[string]interface {}";
                }

                try
                {
                    current = StrategicMergePatch.Apply(current, patchObject, apiVersion, kind);
                }
                catch (StrategicMergePatchException ex)
                {
                    return "error in applying patch error in applying Strategic Patch " + ex.Message;
                }
            }

            Replace(obj, current);
            return null;
        }
        else
        {
            return "no patch data found";
        }

        if (updated is not JsonObject updatedObject
            || updatedObject["kind"] is not JsonValue kindValue
            || !kindValue.TryGetValue<string>(out var kindText)
            || kindText.Length == 0)
        {
            return "error in applying patch error in unmarshalling modified object Object 'Kind' is missing";
        }

        if (!ReferenceEquals(updatedObject, obj))
        {
            Replace(obj, updatedObject);
        }

        return null;
    }

    private string BadOperationHint()
    {
        for (int i = 0; i < Patches.Count; i++)
        {
            string one = Patches[i].ToPatchJson();
            try
            {
                JsonValues.Parse(one);
            }
            catch (System.Text.Json.JsonException)
            {
                return $" (patch {i + 1} renders as {one}, which is not valid JSON)";
            }
        }

        return string.Empty;
    }

    private static void Replace(JsonObject target, JsonObject source)
    {
        var members = source.ToList();
        source.Clear();
        target.Clear();
        foreach (var pair in members)
        {
            target[pair.Key] = pair.Value;
        }
    }
}
