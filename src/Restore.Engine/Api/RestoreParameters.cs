using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Restore.Engine.Execution;
using Restore.Engine.Kubernetes;
using Restore.Engine.Velero;

namespace Restore.Engine.Api;

/// <summary>
/// The parameters of New-Restore and Get-RestorePlan as plain values, and their mapping to a
/// <see cref="RestoreRequest"/>: every parameter that is given overrides the manifest's field, every parameter that
/// is not given leaves it alone. Null means "not given" throughout. Paths must already be absolute.
/// </summary>
public sealed class RestoreParameters
{
    /// <summary>The Velero namespace, where Velero keeps the resource modifier ConfigMap.</summary>
    internal const string DefaultVeleroNamespace = "velero";

    /// <summary>The default of <see cref="Parallel"/>: items in flight per target.</summary>
    public const int DefaultParallel = RestoreRequest.DefaultParallel;

    /// <summary>The default of <see cref="Qps"/>: requests per second per cluster.</summary>
    public const double DefaultQps = RestoreRequest.DefaultQps;

    /// <summary>The default of <see cref="Burst"/> (twice <see cref="Qps"/> when that is given).</summary>
    public const int DefaultBurst = RestoreRequest.DefaultBurst;

    /// <summary>The default of <see cref="ItemOperationTimeout"/>.</summary>
    public const string DefaultItemOperationTimeout = RestoreRequest.DefaultItemOperationTimeout;

    /// <summary><c>-Backup</c>.</summary>
    public string? Backup { get; set; }

    /// <summary><c>-Schedule</c>.</summary>
    public string? Schedule { get; set; }

    /// <summary><c>-AllowPartiallyFailed</c>.</summary>
    public bool AllowPartiallyFailed { get; set; }

    /// <summary>The text of the <c>-Manifest</c> file (a velero.io/v1 Restore in YAML or JSON).</summary>
    public string? ManifestText { get; set; }

    /// <summary>Where <see cref="ManifestText"/> came from, for messages.</summary>
    public string? ManifestSource { get; set; }

    /// <summary><c>-Name</c>.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// True when <see cref="Name"/> holds the default name <see cref="RestoreWhatIf.RestoreName"/> chose (the caller keeps
    /// the name it showed): when the name is taken by the time the restore starts, <c>-2</c>, <c>-3</c>, ... is added.
    /// </summary>
    public bool NameIsDefault { get; set; }

    /// <summary><c>-IncludeNamespace</c>.</summary>
    public IList<string>? IncludeNamespace { get; set; }

    /// <summary><c>-ExcludeNamespace</c>.</summary>
    public IList<string>? ExcludeNamespace { get; set; }

    /// <summary><c>-IncludeResource</c>.</summary>
    public IList<string>? IncludeResource { get; set; }

    /// <summary><c>-ExcludeResource</c>.</summary>
    public IList<string>? ExcludeResource { get; set; }

    /// <summary><c>-ClusterResources</c>: <c>Auto</c>, <c>All</c> or <c>None</c>.</summary>
    public string? ClusterResources { get; set; }

    /// <summary><c>-LabelSelector</c>: each string one kubectl-style selector; several are OR'ed.</summary>
    public IList<string>? LabelSelector { get; set; }

    /// <summary><c>-Object</c>.</summary>
    public IList<string>? Object { get; set; }

    /// <summary><c>-NamespaceMapping</c>.</summary>
    public IDictionary? NamespaceMapping { get; set; }

    /// <summary><c>-ExistingResourcePolicy</c>: <c>None</c> or <c>Update</c>.</summary>
    public string? ExistingResourcePolicy { get; set; }

    /// <summary><c>-RestoreVolumes</c> when given explicitly.</summary>
    public bool? RestoreVolumes { get; set; }

    /// <summary><c>-PreserveNodePorts</c> when given explicitly.</summary>
    public bool? PreserveNodePorts { get; set; }

    /// <summary><c>-IncludeStatusResource</c>.</summary>
    public IList<string>? IncludeStatusResource { get; set; }

    /// <summary><c>-ExcludeStatusResource</c>.</summary>
    public IList<string>? ExcludeStatusResource { get; set; }

    /// <summary><c>-ResourcePriority</c>.</summary>
    public IList<string>? ResourcePriority { get; set; }

    /// <summary>The text of the <c>-ResourceModifier</c> file.</summary>
    public string? ResourceModifierDocument { get; set; }

    /// <summary><c>-ResourceModifierConfigMap</c>: <c>name</c> or <c>velero/name</c>.</summary>
    public string? ResourceModifierConfigMap { get; set; }

    /// <summary>
    /// <c>-JsonPatch</c>: object pattern (<c>resource.group/namespace/name</c>, globs) to an RFC 6902 operation list,
    /// given as JSON or YAML text or as a list of dictionaries.
    /// </summary>
    public IDictionary? JsonPatch { get; set; }

    /// <summary><c>-StorageClassMapping</c>.</summary>
    public IDictionary? StorageClassMapping { get; set; }

    /// <summary><c>-ImageMapping</c>.</summary>
    public IDictionary? ImageMapping { get; set; }

    /// <summary><c>-NodeMapping</c>.</summary>
    public IDictionary? NodeMapping { get; set; }

    /// <summary><c>-EnableApiGroupVersions</c> when given explicitly (docs/velero-compatibility.md#api-group-versions).</summary>
    public bool? EnableApiGroupVersions { get; set; }

    /// <summary>
    /// <c>-ApiGroupVersionPriority</c>: group-resource (<c>rockbands.music.example.io</c>) to versions in preference order,
    /// as a list or as comma-separated text. Turns the API group version choice on unless
    /// <see cref="EnableApiGroupVersions"/> is false.
    /// </summary>
    public IDictionary? ApiGroupVersionPriority { get; set; }

    /// <summary><c>-VeleroNamespace</c>: where Velero's ConfigMaps are read; default <c>velero</c>.</summary>
    public string? VeleroNamespace { get; set; }

    /// <summary><c>-Description</c>.</summary>
    public string? Description { get; set; }

    /// <summary><c>-Label</c>: labels of the restore record.</summary>
    public IDictionary? Label { get; set; }

    /// <summary>
    /// <c>-SensitiveObject</c>: objects (<c>-Object</c> patterns) whose values the plan's differences hide, as they hide
    /// Secret data.
    /// </summary>
    public IList<string>? SensitiveObject { get; set; }

    /// <summary><c>-Context</c>.</summary>
    public IList<string>? Context { get; set; }

    /// <summary><c>-KubeConfig</c>, absolute.</summary>
    public string? KubeConfig { get; set; }

    /// <summary><c>-ToDirectory</c>, absolute.</summary>
    public string? ToDirectory { get; set; }

    /// <summary><c>-Force</c>: write into a folder that is not empty.</summary>
    public bool Force { get; set; }

    /// <summary><c>-Parallel</c>.</summary>
    public int? Parallel { get; set; }

    /// <summary><c>-Qps</c>.</summary>
    public double? Qps { get; set; }

    /// <summary><c>-Burst</c>.</summary>
    public int? Burst { get; set; }

    /// <summary><c>-ItemOperationTimeout</c>: a Go duration (<c>10m</c>, <c>1h30m</c>) or a time span (<c>00:10:00</c>).</summary>
    public string? ItemOperationTimeout { get; set; }

    /// <summary><c>-Timeout</c>: a Go duration or a time span.</summary>
    public string? Timeout { get; set; }

    /// <summary>
    /// Checks the parameters without running anything: the manifest is read, every value parsed. Call it early, to
    /// reject bad parameters before the storage location is touched; the engine's calls check them again.
    /// </summary>
    /// <exception cref="RestoreEngineException">
    /// <see cref="FailureKind.InvalidArgument"/> or <see cref="FailureKind.ManifestInvalid"/>; <see cref="RestoreEngineException.Parameter"/> names it.
    /// </exception>
    public void Validate() => ToRequest();

    /// <summary>
    /// Builds the request: the manifest (if any) with every given parameter applied over it.
    /// </summary>
    /// <exception cref="RestoreEngineException">A parameter or the manifest is unusable; the message names it.</exception>
    internal RestoreRequest ToRequest()
    {
        var manifest = ReadManifest();
        var baseSpec = manifest?.Spec ?? new RestoreSpec();
        var spec = baseSpec.Merge(Overrides(baseSpec));

        // A source, selector or tri-state given here replaces the manifest's counterpart, which Merge cannot clear.
        if (Backup is not null)
        {
            spec.ScheduleName = null;
        }

        if (Schedule is not null)
        {
            spec.BackupName = null;
        }

        if (LabelSelector is { Count: 1 })
        {
            spec.OrLabelSelectors = null;
        }
        else if (LabelSelector is { Count: > 1 })
        {
            spec.LabelSelector = null;
        }

        if (ClusterResources is not null)
        {
            spec.IncludeClusterResources = ClusterResourcesValue(ClusterResources);
        }

        var request = new RestoreRequest
        {
            Name = NullIfBlank(Name) ?? NullIfBlank(manifest?.Name),
            NameIsDefault = NameIsDefault,
            Spec = spec,
            AllowPartiallyFailed = AllowPartiallyFailed,
            ResourceModifierDocument = ResourceModifierDocument,
            Contexts = Context?.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c.Trim()).Distinct(StringComparer.Ordinal).ToList() ?? new List<string>(),
            KubeConfig = NullIfBlank(KubeConfig),
            ToDirectory = NullIfBlank(ToDirectory),
            Force = Force,
            Description = NullIfBlank(Description) ?? spec.Description ?? Annotation(manifest, "description"),
            Labels = Labels(manifest),
            SensitiveObjects = Copy(SensitiveObject) ?? new List<string>(),
            VeleroNamespace = VeleroNamespaceValue(),
        };

        if (request.ToDirectory is not null && request.Contexts.Count > 0)
        {
            throw RestoreEngineException.ForParameter("ToDirectory", "-ToDirectory and -Context cannot be combined: a restore goes into clusters or into a folder.");
        }

        if (Parallel is { } parallel)
        {
            request.Parallel = parallel >= 0 ? parallel : throw RestoreEngineException.ForParameter("Parallel", "-Parallel must be 0 (one per processor) or more.");
        }

        if (Qps is { } qps)
        {
            request.Qps = qps > 0 ? qps : throw RestoreEngineException.ForParameter("Qps", "-Qps must be more than 0.");
        }

        if (Burst is { } burst)
        {
            request.Burst = burst > 0 ? burst : throw RestoreEngineException.ForParameter("Burst", "-Burst must be more than 0.");
        }

        var itemTimeout = ItemOperationTimeout is not null
            ? ParseDuration("ItemOperationTimeout", ItemOperationTimeout)
            : spec.ItemOperationTimeout is { Length: > 0 } stored ? ParseDuration("ItemOperationTimeout", stored) : (TimeSpan?)null;
        if (itemTimeout is { } perItem)
        {
            request.ItemOperationTimeout = perItem;
            spec.ItemOperationTimeout = GoDuration.Format(perItem);
        }

        if (Timeout is not null)
        {
            request.Timeout = ParseDuration("Timeout", Timeout);
        }

        return request;
    }

    /// <summary>
    /// Parses a duration as users type it: a Go duration (<c>90s</c>, <c>10m</c>, <c>1h30m</c>) or a .NET time span
    /// (<c>00:10:00</c>, <c>1.00:00:00</c>). It must be more than zero.
    /// </summary>
    /// <exception cref="RestoreEngineException">The text is neither, or not positive.</exception>
    internal static TimeSpan ParseDuration(string parameter, string text)
    {
        var trimmed = (text ?? string.Empty).Trim();
        TimeSpan value;
        if (trimmed.IndexOf(':') >= 0)
        {
            if (!TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out value))
            {
                throw RestoreEngineException.ForParameter(parameter, $"-{parameter} '{text}' is not a duration: use 10m, 1h30m or 00:10:00.");
            }
        }
        else if (!GoDuration.TryParse(trimmed, out value, out _))
        {
            throw RestoreEngineException.ForParameter(parameter, $"-{parameter} '{text}' is not a duration: use 10m, 1h30m or 00:10:00.");
        }

        return value > TimeSpan.Zero ? value : throw RestoreEngineException.ForParameter(parameter, $"-{parameter} must be longer than zero, not '{text}'.");
    }

    /// <summary>Reads one kubectl-style label selector (<c>app=web,tier!=cache</c>, <c>env in (a,b)</c>) into the spec form.</summary>
    /// <exception cref="RestoreEngineException">The selector is invalid.</exception>
    internal static LabelSelectorSpec ParseLabelSelector(string text)
    {
        try
        {
            var selector = Kubernetes.LabelSelector.Parse(text ?? string.Empty);
            return RestoreSpecJson.Selector(selector.ToJson(), "labelSelector") ?? new LabelSelectorSpec();
        }
        catch (FormatException ex)
        {
            throw RestoreEngineException.ForParameter("LabelSelector", $"-LabelSelector '{text}' is not a label selector: {ex.Message}");
        }
    }

    private RestoreManifest? ReadManifest()
    {
        if (ManifestText is null)
        {
            return null;
        }

        try
        {
            return RestoreManifest.Parse(ManifestText);
        }
        catch (FormatException ex)
        {
            throw RestoreEngineException.ForParameter("Manifest", $"-Manifest {ManifestSource ?? string.Empty}: {ex.Message}".Replace("-Manifest :", "-Manifest:"));
        }
    }

    private RestoreSpec Overrides(RestoreSpec baseSpec)
    {
        var o = new RestoreSpec
        {
            BackupName = NullIfBlank(Backup),
            ScheduleName = NullIfBlank(Schedule),
            IncludedNamespaces = Copy(IncludeNamespace),
            ExcludedNamespaces = Copy(ExcludeNamespace),
            IncludedResources = Copy(IncludeResource),
            ExcludedResources = Copy(ExcludeResource),
            NamespaceMapping = Map("NamespaceMapping", NamespaceMapping),
            Objects = Copy(Object),
            ResourcePriorities = Copy(ResourcePriority),
            StorageClassMapping = Map("StorageClassMapping", StorageClassMapping),
            ImageMapping = Map("ImageMapping", ImageMapping),
            NodeMapping = Map("NodeMapping", NodeMapping),
            RestorePVs = RestoreVolumes,
            EnableApiGroupVersions = EnableApiGroupVersions ?? (ApiGroupVersionPriority is { Count: > 0 } ? true : null),
            ApiGroupVersionPriorities = Priorities(ApiGroupVersionPriority),
            PreserveNodePorts = PreserveNodePorts,
            ExistingResourcePolicy = Policy(ExistingResourcePolicy),
            Description = NullIfBlank(Description),
        };

        if (LabelSelector is { Count: > 0 })
        {
            var selectors = LabelSelector.Select(ParseLabelSelector).ToList();
            if (selectors.Count == 1)
            {
                o.LabelSelector = selectors[0];
            }
            else
            {
                o.OrLabelSelectors = selectors.Select(s => (LabelSelectorSpec?)s).ToList();
            }
        }

        if (IncludeStatusResource is not null || ExcludeStatusResource is not null)
        {
            o.RestoreStatus = new RestoreStatusSpec
            {
                IncludedResources = Copy(IncludeStatusResource) ?? RestoreSpec.CopyList(baseSpec.RestoreStatus?.IncludedResources),
                ExcludedResources = Copy(ExcludeStatusResource) ?? RestoreSpec.CopyList(baseSpec.RestoreStatus?.ExcludedResources),
            };
        }

        if (ResourceModifierConfigMap is not null)
        {
            o.ResourceModifier = new ResourceModifierReference { Kind = "ConfigMap", Name = ConfigMapName(ResourceModifierConfigMap, VeleroNamespaceValue()) };
        }

        if (JsonPatch is not null)
        {
            o.Patches = Patches(JsonPatch);
        }

        return o;
    }

    private IReadOnlyDictionary<string, string> Labels(RestoreManifest? manifest)
    {
        var labels = new Dictionary<string, string>(manifest?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var pair in Map("Label", Label) ?? new Dictionary<string, string>())
        {
            labels[pair.Key] = pair.Value;
        }

        foreach (var pair in labels)
        {
            if ((LabelSyntax.ValidateKey(pair.Key) ?? LabelSyntax.ValidateValue(pair.Value)) is string problem)
            {
                throw RestoreEngineException.ForParameter("Label", $"-Label '{pair.Key}={pair.Value}' is not a Kubernetes label: {problem}");
            }
        }

        return labels;
    }

    private static string? Annotation(RestoreManifest? manifest, string key) =>
        manifest?.Annotations is { } annotations && annotations.TryGetValue(Records.RestoreRecord.AnnotationPrefix + key, out var value) ? value : null;

    private static bool? ClusterResourcesValue(string value) => value.Trim().ToLowerInvariant() switch
    {
        "auto" => null,
        "all" => true,
        "none" => false,
        _ => throw RestoreEngineException.ForParameter("ClusterResources", $"-ClusterResources must be Auto, All or None, not '{value}'."),
    };

    private static string? Policy(string? value)
    {
        if (value is null)
        {
            return null;
        }

        return value.Trim().ToLowerInvariant() switch
        {
            "none" => "none",
            "update" => "update",
            _ => throw RestoreEngineException.ForParameter("ExistingResourcePolicy", $"-ExistingResourcePolicy must be None or Update, not '{value}'."),
        };
    }

    private string VeleroNamespaceValue()
    {
        if (VeleroNamespace is null)
        {
            return DefaultVeleroNamespace;
        }

        var ns = VeleroNamespace.Trim();
        return ns.Length > 0 && ns.Length <= 63 && ns.All(c => c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) && ns[0] != '-' && ns[ns.Length - 1] != '-'
            ? ns
            : throw RestoreEngineException.ForParameter("VeleroNamespace", $"-VeleroNamespace '{VeleroNamespace}' is not a namespace name: use lowercase letters, digits and '-', at most 63 characters.");
    }

    private static Dictionary<string, List<string>>? Priorities(IDictionary? table)
    {
        if (table is null)
        {
            return null;
        }

        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            var key = (Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty).Trim();
            IEnumerable<object?> raw = entry.Value is string text ? text.Split(',') : entry.Value is IEnumerable list ? list.Cast<object?>() : new[] { entry.Value };
            var versions = raw.Select(v => (Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty).Trim()).Where(v => v.Length > 0).ToList();
            if (key.Length == 0 || versions.Count == 0)
            {
                throw RestoreEngineException.ForParameter("ApiGroupVersionPriority", $"-ApiGroupVersionPriority: '{key}' needs a resource (resource.group, as rockbands.music.example.io) and at least one version.");
            }

            if (versions.FirstOrDefault(v => !Kubernetes.KubeVersion.IsKubeVersion(v)) is { } bad)
            {
                throw RestoreEngineException.ForParameter("ApiGroupVersionPriority", $"-ApiGroupVersionPriority: '{bad}' (for {key}) is not an API version such as v1, v2beta1 or v1alpha2.");
            }

            result[key] = versions;
        }

        return result;
    }

    private static string ConfigMapName(string reference, string veleroNamespace)
    {
        var parts = reference.Trim().Split('/');
        var (ns, name) = parts.Length switch
        {
            1 => (veleroNamespace, parts[0]),
            2 => (parts[0], parts[1]),
            _ => (string.Empty, string.Empty),
        };
        if (name.Length == 0)
        {
            throw RestoreEngineException.ForParameter("ResourceModifierConfigMap", $"-ResourceModifierConfigMap '{reference}' must be a ConfigMap name, or velero/<name>.");
        }

        if (!string.Equals(ns, veleroNamespace, StringComparison.Ordinal))
        {
            throw RestoreEngineException.ForParameter(
                "ResourceModifierConfigMap",
                $"-ResourceModifierConfigMap '{reference}': the ConfigMap must be in the {veleroNamespace} namespace, where Velero reads it. Copy it there, or save its rules to a file and give -ResourceModifier <file>.");
        }

        return name;
    }

    private static List<ObjectPatchSpec> Patches(IDictionary table)
    {
        var patches = new List<ObjectPatchSpec>();
        foreach (DictionaryEntry entry in table)
        {
            var target = Convert.ToString(entry.Key, CultureInfo.InvariantCulture)?.Trim() ?? string.Empty;
            if (target.Length == 0)
            {
                throw RestoreEngineException.ForParameter("JsonPatch", "-JsonPatch: every key must name objects, as resource.group/namespace/name.");
            }

            var text = entry.Value switch
            {
                null => throw RestoreEngineException.ForParameter("JsonPatch", $"-JsonPatch '{target}' has no patch."),
                string s => s,
                _ => PlainJson.Write(entry.Value),
            };
            patches.Add(new ObjectPatchSpec { Target = target, Type = "json", Patch = text });
        }

        return patches.OrderBy(p => p.Target, StringComparer.Ordinal).ToList();
    }

    private static Dictionary<string, string>? Map(string parameter, IDictionary? table)
    {
        if (table is null)
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            var key = Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty;
            var value = entry.Value is null ? null : Convert.ToString(entry.Value, CultureInfo.InvariantCulture);
            if (key.Trim().Length == 0 || (parameter != "Label" && string.IsNullOrWhiteSpace(value)))
            {
                throw RestoreEngineException.ForParameter(parameter, $"-{parameter}: '{key}' = '{value}' has an empty side; every entry maps a non-empty name to a non-empty name.");
            }

            map[key.Trim()] = (value ?? string.Empty).Trim();
        }

        return map;
    }

    private static List<string>? Copy(IList<string>? values) =>
        values?.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).ToList();

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
}
