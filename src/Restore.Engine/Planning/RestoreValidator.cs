using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Restore.Engine.Kubernetes;
using Restore.Engine.Planning.Matching;
using Restore.Engine.Velero;

namespace Restore.Engine.Planning;

/// <summary>The outcome of validating a restore spec.</summary>
internal sealed class RestoreValidationResult
{
    internal RestoreValidationResult(RestoreSpec spec, IReadOnlyList<string> veleroErrors, IReadOnlyList<string> extensionErrors, IReadOnlyList<string> warnings)
    {
        Spec = spec;
        VeleroErrors = veleroErrors;
        ExtensionErrors = extensionErrors;
        Errors = veleroErrors.Concat(extensionErrors).ToArray();
        Warnings = warnings;
    }

    /// <summary>The completed spec: a copy with the non-restorable resources appended to <c>excludedResources</c>.</summary>
    public RestoreSpec Spec { get; }

    /// <summary>Every error: Velero's messages in Velero's order, then the checks of our extensions. These go to <c>status.validationErrors</c>.</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>The errors Velero itself would report, with Velero's texts.</summary>
    public IReadOnlyList<string> VeleroErrors { get; }

    /// <summary>Errors found by our own checks (patterns, selectors, mappings, extensions).</summary>
    public IReadOnlyList<string> ExtensionErrors { get; }

    /// <summary>Things that are allowed but probably not meant.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>True when there is no error; a restore with errors ends in <c>FailedValidation</c>.</summary>
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Validates a restore spec like Velero's restore controller (docs/velero-compatibility.md#restore-validation: same checks, same order, same texts)
/// for the checks that need neither object storage nor the cluster (steps 1-7; the caller resolves schedules,
/// backups and the resource-modifier ConfigMap), then checks our own notations. Unknown resource names are
/// not errors: Velero keeps them verbatim.
/// </summary>
internal static class RestoreValidator
{
    /// <summary>Resources that are never restored, in Velero's order (docs/velero-compatibility.md#non-restorable).</summary>
    public static IReadOnlyList<string> NonRestorableResources { get; } = new[]
    {
        "nodes",
        "events",
        "events.events.k8s.io",
        "backups.velero.io",
        "restores.velero.io",
        "resticrepositories.velero.io",
        "csinodes.storage.k8s.io",
        "volumeattachments.storage.k8s.io",
        "backuprepositories.velero.io",
    };

    private static readonly Regex NamespaceName = new("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant);

    /// <summary>Validates <paramref name="spec"/> without changing it.</summary>
    /// <param name="spec">The spec to check.</param>
    /// <param name="catalog">Resolves resource names in <c>-Object</c> patterns; may be null.</param>
    public static RestoreValidationResult Validate(RestoreSpec spec, IResourceCatalog? catalog = null)
    {
        if (spec is null)
        {
            throw new ArgumentNullException(nameof(spec));
        }

        var completed = spec.Clone();
        var velero = new List<string>();
        ValidateLikeVelero(completed, velero);
        var ours = new List<string>();
        var warnings = new List<string>();
        ValidateExtensions(completed, catalog, ours, warnings);
        return new RestoreValidationResult(completed, velero, ours, warnings);
    }

    private static void ValidateLikeVelero(RestoreSpec spec, List<string> errors)
    {
        // 1. Non-restorable resources are appended to the excludes (this changes the stored spec).
        var excluded = new HashSet<string>(spec.ExcludedResources ?? new List<string>(), StringComparer.Ordinal);
        foreach (var name in NonRestorableResources.Where(n => !excluded.Contains(n)))
        {
            (spec.ExcludedResources ??= new List<string>()).Add(name);
        }

        // 2. Naming one of them in the includes is an error (exact string match).
        var included = new HashSet<string>(spec.IncludedResources ?? new List<string>(), StringComparer.Ordinal);
        errors.AddRange(NonRestorableResources.Where(included.Contains).Select(n => $"{n} are non-restorable resources"));

        // 3. Include/exclude list rules, resources first, then namespaces.
        errors.AddRange(IncludeExcludeFilter.Validate(spec.IncludedResources, spec.ExcludedResources).Select(e => "Invalid included/excluded resource lists: " + e));
        errors.AddRange(IncludeExcludeFilter.Validate(spec.IncludedNamespaces, spec.ExcludedNamespaces).Select(e => "Invalid included/excluded namespace lists: " + e));

        // 4. labelSelector and orLabelSelectors (even an empty list) exclude each other.
        if (spec.OrLabelSelectors is not null && spec.LabelSelector is not null)
        {
            errors.Add("encountered labelSelector as well as orLabelSelectors in restore spec, only one can be specified");
        }

        // 5. Exactly one source; Velero stops validating here when this fails.
        if (string.IsNullOrEmpty(spec.BackupName) == string.IsNullOrEmpty(spec.ScheduleName))
        {
            errors.Add("Either a backup or schedule must be specified as a source for the restore, but not both");
            return;
        }

        // 6. Hook label selectors, then init containers.
        ValidateHooks(spec.Hooks, errors);

        // 7. The existing-resource policy is case-sensitive.
        if (!string.IsNullOrEmpty(spec.ExistingResourcePolicy) && spec.ExistingResourcePolicy is not ("none" or "update"))
        {
            errors.Add("Invalid ExistingResourcePolicy: " + spec.ExistingResourcePolicy);
        }
    }

    private static void ValidateHooks(RestoreHooksSpec? hooks, List<string> errors)
    {
        if (hooks?.Resources is null)
        {
            return;
        }

        foreach (var resource in hooks.Resources)
        {
            if (resource.LabelSelector is not null && SelectorError(resource.LabelSelector) is string problem)
            {
                // Velero stops at the first bad hook selector and checks no init container.
                errors.Add(problem);
                return;
            }
        }

        foreach (var container in hooks.Resources.SelectMany(r => r.PostHooks ?? new List<RestoreHookSpec>()).Where(h => h.Init is not null).SelectMany(h => h.Init!.InitContainers ?? new List<string>()))
        {
            if (InitContainerError(container) is string problem)
            {
                errors.Add(problem);
            }
        }
    }

    private static string? InitContainerError(string json)
    {
        JsonObject? container;
        try
        {
            container = JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException ex)
        {
            return "invalid InitContainer in restore hook: " + ex.Message;
        }

        static bool HasText(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0;
        var hasCommand = container?["command"] is JsonArray { Count: > 0 };
        if (container is null || !hasCommand || !HasText(container["name"]) || !HasText(container["image"]))
        {
            return "invalid InitContainer in restore hook, it doesn't have Command, Name or Image field";
        }

        return null;
    }

    private static void ValidateExtensions(RestoreSpec spec, IResourceCatalog? catalog, List<string> errors, List<string> warnings)
    {
        foreach (var (field, list) in new[] { ("includedResources", spec.IncludedResources), ("excludedResources", spec.ExcludedResources) })
        {
            foreach (var entry in list ?? new List<string>())
            {
                if (!GlobPattern.TryCompile(entry, null, out _, out var problem))
                {
                    errors.Add($"{field}: {problem}");
                }
            }
        }

        var matching = spec.NamespaceMatching ?? NamespaceMatching.Glob;
        foreach (var (field, list) in new[] { ("includedNamespaces", spec.IncludedNamespaces), ("excludedNamespaces", spec.ExcludedNamespaces) })
        {
            foreach (var entry in list ?? new List<string>())
            {
                if (NamespaceFilter.Check(entry) is string problem)
                {
                    errors.Add($"{field}: {problem}");
                }
                else if (matching == NamespaceMatching.Expand && !NamespaceFilter.IsRegex(entry) && entry != "*" && NamespaceWildcards.Validate(entry) is string wildcardProblem)
                {
                    errors.Add($"{field}: \"{entry}\": {wildcardProblem}");
                }
            }
        }

        if (matching == NamespaceMatching.Expand && spec.ExcludedNamespaces?.Contains("*") == true
            && NamespaceWildcards.ShouldExpand(spec.IncludedNamespaces, spec.ExcludedNamespaces))
        {
            errors.Add(NamespaceWildcards.StarExcludeMessage);
        }

        if (spec.LabelSelector is not null && SelectorError(spec.LabelSelector) is string selectorProblem)
        {
            errors.Add("labelSelector: " + selectorProblem);
        }

        for (var i = 0; i < (spec.OrLabelSelectors?.Count ?? 0); i++)
        {
            if (spec.OrLabelSelectors![i] is LabelSelectorSpec s && SelectorError(s) is string orProblem)
            {
                errors.Add($"orLabelSelectors[{i}]: {orProblem}");
            }
        }

        ValidateNamespaceMapping(spec.NamespaceMapping, errors, warnings);
        foreach (var (field, map) in new[] { ("storageClassMapping", spec.StorageClassMapping), ("imageMapping", spec.ImageMapping), ("nodeMapping", spec.NodeMapping) })
        {
            if (map?.Keys.Any(string.IsNullOrEmpty) == true || map?.Values.Any(string.IsNullOrEmpty) == true)
            {
                errors.Add($"{field}: keys and values must not be empty");
            }
        }

        foreach (var pattern in spec.Objects ?? new List<string>())
        {
            if (!ObjectSelector.TryParse(pattern, catalog, out _, out var problem))
            {
                errors.Add("objects: " + problem);
            }
        }

        if (spec.ResourcePriorities is not null)
        {
            if (spec.ResourcePriorities.Count(e => e == "-") > 1)
            {
                errors.Add("resourcePriorities: multiple priority separator \"-\" found");
            }

            if (spec.ResourcePriorities.Any(string.IsNullOrWhiteSpace))
            {
                errors.Add("resourcePriorities: entries must not be empty");
            }
        }

        foreach (var patch in spec.Patches ?? new List<ObjectPatchSpec>())
        {
            if (InlinePatches.Check(patch, catalog) is string problem)
            {
                errors.Add("patches: " + problem);
            }
        }

        ValidateDurations(spec, errors);
        foreach (var kv in spec.ApiGroupVersionPriorities ?? new Dictionary<string, List<string>>())
        {
            if (kv.Key.Length == 0 || kv.Value.Count == 0 || kv.Value.Any(string.IsNullOrEmpty))
            {
                warnings.Add($"apiGroupVersionPriorities: the entry \"{kv.Key}\" needs a group-resource and at least one version; it is ignored");
            }
        }

        if (spec.ResourceModifier is not null && !spec.ResourceModifier.IsConfigMap)
        {
            warnings.Add($"resourceModifier: kind \"{spec.ResourceModifier.Kind}\" is not ConfigMap, so Velero ignores the reference");
        }
    }

    private static void ValidateNamespaceMapping(Dictionary<string, string>? mapping, List<string> errors, List<string> warnings)
    {
        if (mapping is null)
        {
            return;
        }

        foreach (var kv in mapping.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!IsNamespaceName(kv.Key))
            {
                errors.Add($"namespaceMapping: \"{kv.Key}\" is not a valid namespace name");
            }

            if (!IsNamespaceName(kv.Value))
            {
                errors.Add($"namespaceMapping: the target \"{kv.Value}\" of \"{kv.Key}\" is not a valid namespace name (lower-case letters, digits and '-', at most 63 characters)");
            }
            else if (kv.Value != kv.Key && mapping.TryGetValue(kv.Value, out var next) && next != kv.Value)
            {
                errors.Add($"namespaceMapping: \"{kv.Key}\" is mapped onto \"{kv.Value}\", which is itself mapped onto \"{next}\"; mappings are not chained, so the items of the two namespaces would be mixed up");
            }
        }

        foreach (var group in mapping.Where(kv => kv.Key != kv.Value).GroupBy(kv => kv.Value, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            warnings.Add($"namespaceMapping: [{string.Join(", ", group.Select(g => g.Key).OrderBy(k => k, StringComparer.Ordinal))}] are all mapped onto \"{group.Key}\"; same-named items will collide");
        }
    }

    private static void ValidateDurations(RestoreSpec spec, List<string> errors)
    {
        void Check(string field, string? value)
        {
            if (!string.IsNullOrEmpty(value) && !GoDuration.TryParse(value, out _, out var problem))
            {
                errors.Add($"{field}: {problem}");
            }
        }

        Check("itemOperationTimeout", spec.ItemOperationTimeout);
        foreach (var hook in spec.Hooks?.Resources?.SelectMany(r => r.PostHooks ?? new List<RestoreHookSpec>()) ?? Enumerable.Empty<RestoreHookSpec>())
        {
            Check("hooks exec.execTimeout", hook.Exec?.ExecTimeout);
            Check("hooks exec.waitTimeout", hook.Exec?.WaitTimeout);
            Check("hooks init.timeout", hook.Init?.Timeout);
        }
    }

    /// <summary>Returns why a selector is invalid, or null.</summary>
    internal static string? SelectorError(LabelSelectorSpec selector)
    {
        try
        {
            LabelSelector.FromJson(RestoreSpecJson.WriteSelector(selector));
            return null;
        }
        catch (FormatException ex)
        {
            return ex.Message;
        }
    }

    private static bool IsNamespaceName(string? name) => !string.IsNullOrEmpty(name) && name!.Length <= 63 && NamespaceName.IsMatch(name);
}
