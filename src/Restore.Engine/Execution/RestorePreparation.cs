using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster;
using Restore.Engine.Common;
using Restore.Engine.Kubernetes;
using Restore.Engine.Planning;
using Restore.Engine.Planning.Modifiers;
using Restore.Engine.Storage;
using Restore.Engine.Velero;

namespace Restore.Engine.Execution;

/// <summary>One target of a prepared restore.</summary>
internal sealed class TargetSpec
{
    public TargetSpec(RunTarget info, ClusterConnectionSettings? settings, string? folder)
    {
        Info = info;
        Settings = settings;
        Folder = folder;
    }

    public RunTarget Info { get; }

    public string Name => Info.Name;

    /// <summary>Connection settings of a cluster target; null for a folder.</summary>
    public ClusterConnectionSettings? Settings { get; }

    /// <summary>The absolute folder of a folder target; null for clusters.</summary>
    public string? Folder { get; }

    /// <summary>Resource modifiers for this target (the document, or the ConfigMap read from this cluster).</summary>
    public ResourceModifierSet? Modifiers { get; set; }

    /// <summary>What Velero's ConfigMaps in this cluster add (mappings, API group version priorities), read once connected; none for folders.</summary>
    public TargetVeleroConfig VeleroConfig { get; set; } = TargetVeleroConfig.None;
}

/// <summary>A validated restore: name, completed spec, resolved backup and targets.</summary>
internal sealed class PreparedRestore
{
    public PreparedRestore(string name, RestoreSpec storedSpec, Backup backup, IReadOnlyList<TargetSpec> targets, IReadOnlyList<string> warnings)
    {
        Name = name;
        StoredSpec = storedSpec;
        Backup = backup;
        Targets = targets;
        Warnings = warnings;
    }

    /// <summary>The restore's name; a run whose default name is taken sets the suffixed one it claimed.</summary>
    public string Name { get; set; }

    /// <summary>True when <see cref="Name"/> is the default name: the run adds a suffix when it is taken.</summary>
    public bool NameIsDefault { get; init; }

    /// <summary>The spec as Velero's server would store it: non-restorable resources appended, backupName filled in, scheduleName kept.</summary>
    public RestoreSpec StoredSpec { get; }

    /// <summary>The spec handed to the planner: like <see cref="StoredSpec"/> but with scheduleName cleared (the backup is resolved).</summary>
    public RestoreSpec PlannerSpec
    {
        get
        {
            var copy = StoredSpec.Clone();
            copy.ScheduleName = null;
            return copy;
        }
    }

    /// <summary>The planner's spec for one target: <see cref="PlannerSpec"/> over that cluster's Velero ConfigMaps (docs/velero-compatibility.md#plugin-configmaps).</summary>
    public RestoreSpec PlannerSpecFor(TargetSpec target) => target.VeleroConfig.Apply(PlannerSpec);

    public Backup Backup { get; }

    public IReadOnlyList<TargetSpec> Targets { get; }

    public IReadOnlyList<string> Warnings { get; }
}

/// <summary>
/// Everything checked before a restore writes anything (Velero's validation, docs/velero-compatibility.md#restore-validation, plus our request checks):
/// the name, the spec, the targets, the schedule and backup, and the resource modifiers.
/// </summary>
internal sealed class RestorePreparation
{
    /// <summary>The namespace Velero's Restore objects (and the resource-modifier ConfigMap) live in.</summary>
    public const string VeleroNamespace = "velero";

    private static readonly ApiResourceInfo ConfigMaps = new(string.Empty, "v1", "configmaps", "ConfigMap", true);

    private readonly StorageLocation location;
    private readonly IEngineLog log;
    private readonly List<string> errors = new();
    private RestoreValidationProblem? problem;
    private string? subject;

    public RestorePreparation(StorageLocation location, IEngineLog log)
    {
        this.location = location;
        this.log = log;
    }

    /// <summary>For -WhatIf: the checks that need no cluster, then one line per target.</summary>
    public async Task<RunDescription> DescribeAsync(RestoreRequest request, CancellationToken cancellationToken)
    {
        var prepared = await PrepareAsync(request, readConfigMaps: false, forRun: false, cancellationToken).ConfigureAwait(false);
        var count = prepared.Backup.ItemsBackedUp ?? prepared.Backup.TotalItems;
        var items = count is null ? string.Empty : $" ({count.Value.ToString(CultureInfo.InvariantCulture)} items)";
        var lines = prepared.Targets.Select(t => $"Restore backup '{prepared.Backup.Name}'{items} into {t.Info} as restore '{prepared.Name}'").ToList();
        return new RunDescription(prepared.Name, prepared.Backup.Name, count, prepared.Targets.Select(t => t.Info).ToList(), lines) { NameIsDefault = prepared.NameIsDefault };
    }

    /// <summary>
    /// Validates the request and resolves what it refers to; throws <see cref="RestoreValidationException"/> with every problem
    /// found. Only a run (<paramref name="forRun"/>) creates the target folder and proves it writable; -WhatIf and plans write nothing.
    /// </summary>
    public async Task<PreparedRestore> PrepareAsync(RestoreRequest request, bool readConfigMaps, bool forRun, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        var spec = (request.Spec ?? new RestoreSpec()).Clone();
        CheckRequest(request);
        var validation = RestoreValidator.Validate(spec);
        foreach (var e in validation.Errors)
        {
            Fail(RestoreValidationProblem.InvalidArguments, e);
        }

        var completed = validation.Spec;
        if (string.IsNullOrEmpty(completed.ItemOperationTimeout))
        {
            // Velero writes its default into the stored spec; ours is the per-item limit this run uses.
            completed.ItemOperationTimeout = GoDuration.Format(request.ItemOperationTimeout);
        }

        var targets = ResolveTargets(request, forRun);
        var documentModifiers = ReadModifierDocument(request, spec, targets);
        var sourceName = string.IsNullOrEmpty(spec.ScheduleName) ? spec.BackupName : spec.ScheduleName;
        var nameIsDefault = string.IsNullOrEmpty(request.Name) || request.NameIsDefault;
        var name = string.IsNullOrEmpty(request.Name) ? DefaultName(sourceName) : request.Name!;

        // Velero stops validating here when the source is ambiguous (docs/velero-compatibility.md#restore-validation step 5); so do we.
        Backup? backup = null;
        var hasOneSource = string.IsNullOrEmpty(spec.BackupName) != string.IsNullOrEmpty(spec.ScheduleName);
        if (hasOneSource)
        {
            backup = await ResolveBackupAsync(request, completed, cancellationToken).ConfigureAwait(false);
        }

        if (errors.Count == 0 && readConfigMaps && completed.ResourceModifier is { IsConfigMap: true } reference)
        {
            await ReadModifierConfigMapsAsync(request, reference, targets, cancellationToken).ConfigureAwait(false);
        }

        if (errors.Count > 0 || backup is null)
        {
            throw new RestoreValidationException(problem ?? RestoreValidationProblem.InvalidArguments, errors.Count > 0 ? errors.ToArray() : new[] { "the backup could not be resolved" }, subject);
        }

        foreach (var t in targets)
        {
            t.Modifiers ??= documentModifiers;
        }

        foreach (var w in validation.Warnings)
        {
            log.Warning(w);
        }

        return new PreparedRestore(name, completed, backup, targets, validation.Warnings) { NameIsDefault = nameIsDefault };
    }

    private void Fail(RestoreValidationProblem kind, string message, string? about = null)
    {
        if (problem is null)
        {
            problem = kind;
            subject = about;
        }

        errors.Add(message);
    }

    private void Fail(KubeConfigException error) =>
        Fail(
            error.Problem switch
            {
                KubeConfigProblem.NotFound => RestoreValidationProblem.KubeConfigNotFound,
                KubeConfigProblem.ContextNotFound => RestoreValidationProblem.ContextNotFound,
                _ => RestoreValidationProblem.KubeConfigInvalid,
            },
            error.Message,
            error.Subject);

    private void CheckRequest(RestoreRequest request)
    {
        if (!string.IsNullOrEmpty(request.Name) && !ObjectStoreLayout.IsValidRestoreName(request.Name))
        {
            Fail(RestoreValidationProblem.InvalidArguments, $"'{request.Name}' is not a valid restore name: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters.");
        }

        if (request.Parallel < 0)
        {
            Fail(RestoreValidationProblem.InvalidArguments, $"Parallel must be 0 (the processor count) or more, not {request.Parallel.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (request.ItemOperationTimeout <= TimeSpan.Zero)
        {
            Fail(RestoreValidationProblem.InvalidArguments, "ItemOperationTimeout must be longer than zero.");
        }

        if (request.NamespaceTerminationTimeout < TimeSpan.Zero)
        {
            Fail(RestoreValidationProblem.InvalidArguments, "NamespaceTerminationTimeout cannot be negative.");
        }

        if (request.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            Fail(RestoreValidationProblem.InvalidArguments, "Timeout must be longer than zero.");
        }

        if (request.Qps is { } qps && !(qps > 0))
        {
            Fail(RestoreValidationProblem.InvalidArguments, "Qps must be greater than zero.");
        }

        if (request.Burst is { } burst && burst < 1)
        {
            Fail(RestoreValidationProblem.InvalidArguments, "Burst must be at least 1.");
        }

        foreach (var pattern in request.SensitiveObjects ?? Array.Empty<string>())
        {
            if (!ObjectSelector.TryParse(pattern, null, out _, out var problem))
            {
                Fail(RestoreValidationProblem.InvalidArguments, "SensitiveObjects: " + problem);
            }
        }
    }

    private List<TargetSpec> ResolveTargets(RestoreRequest request, bool forRun)
    {
        var contexts = (request.Contexts ?? Array.Empty<string>()).Where(c => !string.IsNullOrWhiteSpace(c)).Distinct(StringComparer.Ordinal).ToList();
        if (!string.IsNullOrEmpty(request.ToDirectory))
        {
            if (contexts.Count > 0)
            {
                Fail(RestoreValidationProblem.InvalidArguments, "Restore either into clusters (contexts) or into a folder, not both.");
                return new List<TargetSpec>();
            }

            var folder = CheckFolder(request.ToDirectory!, request.Force, forRun);
            return folder is null ? new List<TargetSpec>() : new List<TargetSpec> { new(new RunTarget(folder, RunTarget.DirectoryKind, null), null, folder) };
        }

        var targets = new List<TargetSpec>();
        foreach (var context in contexts.Count == 0 ? new List<string?> { null } : contexts.Select(c => (string?)c).ToList())
        {
            try
            {
                var settings = KubeConfig.Load(request.KubeConfig, context);
                var display = settings.ContextName ?? context ?? settings.DisplayName;
                targets.Add(new TargetSpec(new RunTarget(display, "cluster", settings.Server.ToString().TrimEnd('/')), settings, null));
            }
            catch (KubeConfigException ex)
            {
                Fail(ex);
            }
        }

        return targets;
    }

    /// <summary>The folder must be absolute and, unless forced, empty or new; for a run a probe file proves it can be written.</summary>
    private string? CheckFolder(string path, bool force, bool forRun)
    {
        if (!Path.IsPathRooted(path))
        {
            Fail(RestoreValidationProblem.TargetUnusable, $"The folder '{path}' is not an absolute path.");
            return null;
        }

        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException or IOException)
        {
            Fail(RestoreValidationProblem.TargetUnusable, $"The folder '{path}' is not a usable path: {ex.Message}");
            return null;
        }

        if (File.Exists(full))
        {
            Fail(RestoreValidationProblem.TargetUnusable, $"'{full}' is a file, not a folder.");
            return null;
        }

        try
        {
            if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && !force)
            {
                Fail(RestoreValidationProblem.TargetUnusable, $"The folder '{full}' is not empty. Restore into an empty or new folder, or use -Force to write into it (files of the same name are replaced).");
                return null;
            }

            if (!forRun)
            {
                return full;
            }

            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, ".restore-write-test-" + Guid.NewGuid().ToString("N"));
            File.WriteAllBytes(probe, Array.Empty<byte>());
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            Fail(RestoreValidationProblem.TargetUnusable, $"The folder '{full}' cannot be written: {ex.Message}");
            return null;
        }

        return full;
    }

    private ResourceModifierSet? ReadModifierDocument(RestoreRequest request, RestoreSpec spec, IReadOnlyList<TargetSpec> targets)
    {
        var usesConfigMap = spec.ResourceModifier is { IsConfigMap: true };
        if (usesConfigMap && !string.IsNullOrEmpty(request.ResourceModifierDocument))
        {
            Fail(RestoreValidationProblem.ResourceModifier, "Give resource modifiers either as a document (-ResourceModifier) or as a ConfigMap (spec.resourceModifier), not both.");
            return null;
        }

        if (usesConfigMap && targets.Any(t => t.Folder is not null))
        {
            Fail(RestoreValidationProblem.ResourceModifier, $"The resource modifier ConfigMap {spec.ResourceModifier!.Name} is read from the target cluster, so it cannot be used when restoring into a folder; pass the document with -ResourceModifier instead.");
            return null;
        }

        if (string.IsNullOrEmpty(request.ResourceModifierDocument))
        {
            return null;
        }

        try
        {
            // A ConfigMap manifest (the form kept in git for Velero) holds the rules in its one data entry.
            return AsConfigMap(request.ResourceModifierDocument!) is { } configMap
                ? ResourceModifierSet.FromConfigMap(configMap)
                : ResourceModifierSet.Parse(request.ResourceModifierDocument!);
        }
        catch (ResourceModifierValidationException ex)
        {
            Fail(RestoreValidationProblem.ResourceModifier, "Error in parsing resource modifiers: " + ex.Message);
            return null;
        }
    }

    /// <summary>The document as a ConfigMap object when it is one (docs/velero-compatibility.md#resource-modifiers); null for a rules document or text that is not YAML.</summary>
    internal static System.Text.Json.Nodes.JsonObject? AsConfigMap(string document)
    {
        try
        {
            return ManifestYaml.Parse(document, "the resource modifier document") is System.Text.Json.Nodes.JsonObject o
                && o["kind"] is System.Text.Json.Nodes.JsonValue kind && kind.TryGetValue<string>(out var k) && k == "ConfigMap"
                ? o
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private async Task<Backup?> ResolveBackupAsync(RestoreRequest request, RestoreSpec completed, CancellationToken cancellationToken)
    {
        var store = new BackupStore(location, log);
        if (!string.IsNullOrEmpty(completed.ScheduleName))
        {
            var schedule = completed.ScheduleName!;
            var all = await store.ListBackupsAsync(cancellationToken).ConfigureAwait(false);
            var ofSchedule = all.Where(b => b.Schedule == schedule).ToList();
            if (ofSchedule.Count == 0)
            {
                Fail(RestoreValidationProblem.BackupNotFound, $"No backups found for schedule {schedule} in {location.Location}");
                return null;
            }

            var chosen = BackupStore.SelectLatestForSchedule(ofSchedule, schedule, request.AllowPartiallyFailed);
            if (chosen is null)
            {
                Fail(RestoreValidationProblem.BackupNotFound, $"No completed backups found for schedule {schedule}" + (request.AllowPartiallyFailed ? " (nor partially failed ones)" : string.Empty));
                return null;
            }

            completed.BackupName = chosen.Name;
            log.Info($"Restoring backup {chosen.Name}, the latest eligible backup of schedule {schedule}", ("backup", chosen.Name));
            return chosen;
        }

        try
        {
            var backup = await store.GetBackupAsync(completed.BackupName!, cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(backup.Schedule))
            {
                // Velero fills the schedule in from the backup's label (docs/velero-compatibility.md#restore-object).
                completed.ScheduleName = backup.Schedule;
            }

            return backup;
        }
        catch (BackupNotFoundException ex)
        {
            Fail(RestoreValidationProblem.BackupNotFound, "Error retrieving backup: " + ex.Message);
        }
        catch (InvalidBackupException ex)
        {
            Fail(RestoreValidationProblem.BackupNotFound, "Error retrieving backup: " + ex.Message);
        }

        return null;
    }

    private async Task ReadModifierConfigMapsAsync(RestoreRequest request, ResourceModifierReference reference, IReadOnlyList<TargetSpec> targets, CancellationToken cancellationToken)
    {
        foreach (var target in targets.Where(t => t.Settings is not null))
        {
            var where = $"{request.VeleroNamespace}/{reference.Name}";
            try
            {
                using var client = new KubernetesClient(target.Settings!, ClusterConnection.ClientOptions(request, log));
                var configMap = await client.GetAsync(ConfigMaps, request.VeleroNamespace, reference.Name, cancellationToken).ConfigureAwait(false);
                target.Modifiers = ResourceModifierSet.FromConfigMap(configMap);
            }
            catch (KubernetesApiException ex)
            {
                Fail(RestoreValidationProblem.ResourceModifier, $"failed to get resource modifiers configmap {where} in {target.Name}: {ex.ApiMessage}");
            }
            catch (KubeConfigException ex)
            {
                Fail(ex);
            }
            catch (ResourceModifierValidationException ex)
            {
                Fail(RestoreValidationProblem.ResourceModifier, $"{ex.Message} (context {target.Name})");
            }
        }
    }

    private string DefaultName(string? source)
    {
        var baseName = string.IsNullOrEmpty(source) ? "restore" : source!;
        var name = baseName + "-" + DateTime.Now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        if (!ObjectStoreLayout.IsValidRestoreName(name))
        {
            Fail(RestoreValidationProblem.InvalidArguments, $"The default restore name '{name}' is not a valid name; give one with -Name.");
        }

        return name;
    }
}
