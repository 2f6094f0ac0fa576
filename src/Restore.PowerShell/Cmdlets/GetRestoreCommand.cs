using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Restore.Engine.Api;
using Restore.PowerShell.Infrastructure;

namespace Restore.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Lists the restores recorded in a backup storage location.</para>
/// <para type="description">Reads each restore's record under restores/, newest first. A run that stopped without finishing is shown as abandoned. Backups piped from Get-Backup list their restores. Output pipes into Get-RestoreItem, Get-RestoreLog and Remove-Restore.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "Restore", DefaultParameterSetName = NameSet, HelpUri = HelpLinks.Docs + "Get-Restore.md")]
[OutputType(typeof(RestoreInfo))]
public sealed class GetRestoreCommand : RestoreRecordCmdletBase
{
    private const string NameSet = "Name";
    private const string BackupObjectSet = "BackupObject";

    /// <summary>Restore names; wildcards allowed. Default: all restores.</summary>
    // Strings only come by value: a Backup object would otherwise be turned into its name and read as a restore name.
    [Parameter(Position = 0, ValueFromPipeline = true, ParameterSetName = NameSet)]
    [Parameter(Position = 0, ParameterSetName = BackupObjectSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(RestoreNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>Only restores into these targets (kubeconfig context names, or folders); wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Cluster { get; set; }

    /// <summary>Only restores with these statuses: phases (Completed, PartiallyFailed…), Running or Abandoned; wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(RestoreStatusCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Status { get; set; }

    /// <summary>Only restores run by these identities; wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? CreatedBy { get; set; }

    /// <summary>Only restores with all these labels (values take wildcards).</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? Label { get; set; }

    /// <summary>Only restores of these backups; wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(BackupNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Backup { get; set; }

    /// <summary>Only restores of backups made by these schedules; wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ScheduleNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Schedule { get; set; }

    /// <summary>
    /// Backups from Get-Backup: only their restores are listed, read from the storage location each came from.
    /// A typed parameter, because a Restore object has a Backup property too and must not bind here.
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = BackupObjectSet)]
    [ValidateNotNull]
    public BackupInfo[]? InputObject { get; set; }

    /// <summary>Also list the Restore objects in these kube contexts' Velero namespaces, with their live phase and progress (restores through the Velero server).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(KubeContextCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Context { get; set; }

    /// <summary>With -Context: the kubeconfig file. Default: $env:KUBECONFIG, then ~/.kube/config.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KubeConfig { get; set; }

    /// <summary>With -Context: the namespace Velero runs in.</summary>
    [Parameter]
    [PSDefaultValue(Value = "velero")]
    [ValidateNotNullOrEmpty]
    public string? VeleroNamespace { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var patterns = Name ?? new[] { "*" };
        var filter = RestoreFilter.Build(Cluster, Status, CreatedBy, LabelMap(Label), Backup, Schedule);
        if (InputObject is { } backups)
        {
            var names = new HashSet<string>(backups.Where(b => b is not null).Select(b => b.Name), StringComparer.Ordinal);
            var byOtherFilters = filter;
            filter = restore => restore.Backup is { } backup && names.Contains(backup) && byOtherFilters(restore);
        }

        if (Context is { Length: > 0 })
        {
            ProcessWithClusters(patterns, filter);
            return;
        }

        IReadOnlyList<RestoreInfo> restores = Array.Empty<RestoreInfo>();
        RunWithEngine(async (engine, token) =>
        {
            var names = await ResolveNamesAsync(engine, patterns, token).ConfigureAwait(false);
            restores = await engine.GetRestoresAsync(names, problem => Post(() => WriteError(InvalidRecord(problem))), token).ConfigureAwait(false);
        });

        WriteVerbose($"{restores.Count} restore(s) read.");
        foreach (var restore in RestoreFilter.Sort(restores.Where(filter)))
        {
            WriteObject(restore);
        }
    }

    /// <summary>
    /// Get-Restore -Context: the Restore objects in the clusters (live), then, when a storage location is given, the
    /// restores recorded there that the clusters do not have (a cluster's restore wins: it is the live one).
    /// </summary>
    private void ProcessWithClusters(string[] patterns, Func<RestoreInfo, bool> filter)
    {
        var kubeConfig = KubeConfig is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(KubeConfig);
        var contexts = Context!;
        var fromClusters = RunEngine(token => ServerRestoreQuery.ListAsync(kubeConfig, contexts, VeleroNamespace, patterns, p => Post(() => WriteError(FailureRecord(p, p.Subject))), token));
        var restores = fromClusters.ToList();
        var found = new HashSet<string>(restores.Select(r => r.Name), StringComparer.OrdinalIgnoreCase);
        if (HasStorageLocation)
        {
            RunWithEngine(async (engine, token) =>
            {
                var all = await engine.ListRestoreNamesAsync(token).ConfigureAwait(false);
                var names = SelectNames(all, patterns, _ => { }).Where(n => !found.Contains(n)).ToList();
                restores.AddRange(await engine.GetRestoresAsync(names, problem => Post(() => WriteError(InvalidRecord(problem))), token).ConfigureAwait(false));
            });
        }

        var where = HasStorageLocation ? $"{StorageLocation ?? Environment.GetEnvironmentVariable(StorageLocationVariable)} or the Velero namespace of {string.Join(", ", contexts)}" : $"the Velero namespace of {string.Join(", ", contexts)}";
        foreach (var missing in patterns.Where(p => !WildcardPattern.ContainsWildcardCharacters(p) && !restores.Any(r => string.Equals(r.Name, p, StringComparison.OrdinalIgnoreCase))))
        {
            WriteError(new ErrorRecord(
                new ItemNotFoundException($"No restore named '{missing}' in {where}."),
                ErrorIdPrefix + "RestoreNotFound",
                ErrorCategory.ObjectNotFound,
                missing));
        }

        WriteVerbose($"{restores.Count} restore(s) read ({fromClusters.Count} from clusters).");
        foreach (var restore in RestoreFilter.Sort(restores.Where(filter)))
        {
            WriteObject(restore);
        }
    }

    /// <summary>Converts a PowerShell hashtable of labels to a string map (keys and values as text).</summary>
    internal static IDictionary<string, string>? LabelMap(Hashtable? table)
    {
        if (table is null)
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            map[LanguagePrimitives.ConvertTo<string>(entry.Key)] = entry.Value is null ? string.Empty : LanguagePrimitives.ConvertTo<string>(entry.Value);
        }

        return map;
    }

    /// <summary>The filters of Get-Restore, as one predicate.</summary>
    private static class RestoreFilter
    {
        public static Func<RestoreInfo, bool> Build(
            string[]? cluster, string[]? status, string[]? createdBy, IDictionary<string, string>? labels, string[]? backup, string[]? schedule)
        {
            var clusters = Patterns(cluster);
            var statuses = Patterns(status);
            var creators = Patterns(createdBy);
            var backups = Patterns(backup);
            var schedules = Patterns(schedule);
            var labelPatterns = labels?.ToDictionary(kv => kv.Key, kv => new WildcardPattern(kv.Value, WildcardOptions.IgnoreCase), StringComparer.Ordinal);
            return restore =>
                (clusters is null || restore.Targets.Any(t => clusters.Any(p => p.IsMatch(t.Name))))
                && (statuses is null || statuses.Any(p => MatchesStatus(p, restore)))
                && (creators is null || (restore.CreatedBy is { } who && creators.Any(p => p.IsMatch(who))))
                && (backups is null || (restore.Backup is { } b && backups.Any(p => p.IsMatch(b))))
                && (schedules is null || (restore.Schedule is { } s && schedules.Any(p => p.IsMatch(s))))
                && (labelPatterns is null || labelPatterns.All(l => restore.Labels.TryGetValue(l.Key, out var value) && l.Value.IsMatch(value)));
        }

        public static IEnumerable<RestoreInfo> Sort(IEnumerable<RestoreInfo> restores) =>
            restores.OrderByDescending(r => r.CreationTimestamp ?? DateTime.MinValue).ThenBy(r => r.Name, StringComparer.Ordinal);

        private static bool MatchesStatus(WildcardPattern pattern, RestoreInfo restore) =>
            pattern.IsMatch(restore.Phase)
            || pattern.IsMatch(restore.Status)
            || (restore.IsAbandoned && pattern.IsMatch(RestorePhases.Abandoned))
            || (restore.IsRunning && pattern.IsMatch(RestorePhases.Running))
            || (restore.Canceled && pattern.IsMatch(RestorePhases.Canceled));

        private static List<WildcardPattern>? Patterns(IEnumerable<string>? values) =>
            values?.Select(v => new WildcardPattern(v, WildcardOptions.IgnoreCase)).ToList();
    }
}
