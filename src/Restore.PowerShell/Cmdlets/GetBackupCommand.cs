using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Restore.Engine.Api;
using Restore.PowerShell.Infrastructure;

namespace Restore.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Lists the Velero backups in a backup storage location.</para>
/// <para type="description">Reads velero-backup.json of each backup, newest first. Output pipes into New-Restore, Get-RestorePlan, Get-BackupItem and Get-Restore.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "Backup", DefaultParameterSetName = ListSet, HelpUri = HelpLinks.Docs + "Get-Backup.md")]
[OutputType(typeof(BackupInfo))]
public sealed class GetBackupCommand : StorageCmdletBase
{
    private const string ListSet = "List";

    /// <summary>Backup names; wildcards allowed. Default: all backups.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ParameterSetName = ListSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(BackupNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>Only backups created by this schedule (label <c>velero.io/schedule-name</c>); wildcards allowed.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ScheduleNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Schedule { get; set; }

    /// <summary>Only backups in these phases (Completed, PartiallyFailed, Failed…); wildcards allowed.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(BackupPhaseCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Phase { get; set; }

    /// <summary>
    /// Only the newest backup by start time. Without -Phase it must be Completed (or PartiallyFailed with
    /// -AllowPartiallyFailed), the rule Velero uses for restores from a schedule.
    /// </summary>
    [Parameter(ParameterSetName = ListSet)]
    public SwitchParameter Latest { get; set; }

    /// <summary>With -Latest: a PartiallyFailed backup also qualifies, like velero restore create --allow-partially-failed.</summary>
    [Parameter(ParameterSetName = ListSet)]
    public SwitchParameter AllowPartiallyFailed { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var engine = OpenEngine();
        var names = Name;
        IReadOnlyList<BackupInfo> backups;
        try
        {
            backups = RunEngine(async token =>
            {
                await engine.VerifyAsync(token).ConfigureAwait(false);
                var exact = names is not null && names.All(n => !WildcardPattern.ContainsWildcardCharacters(n));
                if (exact)
                {
                    return await engine.GetBackupsAsync(names!.Distinct(StringComparer.Ordinal), problem => Post(() => WriteError(FailureRecord(problem, problem.Name))), token).ConfigureAwait(false);
                }

                var all = await engine.ListBackupNamesAsync(token).ConfigureAwait(false);
                var patterns = Patterns(names);
                var wanted = patterns is null ? all : all.Where(n => patterns.Any(p => p.IsMatch(n))).ToList();
                return await engine.GetBackupsAsync(wanted, problem => Post(() => ReportListingProblem(problem)), token).ConfigureAwait(false);
            });
        }
        catch (RestoreEngineException ex) when (ex.IsLocationFailure)
        {
            ThrowTerminatingError(FailureRecord(ex, engine.Location));
            return;
        }

        WriteVerbose($"{backups.Count} backup(s) read from {engine.Location}.");
        var selected = Filter(backups);
        if (Latest.IsPresent)
        {
            // Without -Phase, Velero's rule for restores from a schedule; with it, the phases asked for.
            var latest = RestoreEngine.SelectLatest(selected, AllowPartiallyFailed.IsPresent, anyPhase: Phase is not null);
            if (latest is null)
            {
                WriteError(new ErrorRecord(
                    new ItemNotFoundException(NoLatestMessage(engine.Location)),
                    ErrorIdPrefix + "NoLatestBackup",
                    ErrorCategory.ObjectNotFound,
                    Schedule ?? engine.Location));
                return;
            }

            selected = new[] { latest };
        }

        foreach (var backup in selected)
        {
            WriteObject(WithBackupAlias(backup));
        }
    }

    /// <summary>Adds the <c>Backup</c> property (an alias of Name) that New-Restore and Get-BackupItem bind by name.</summary>
    internal static PSObject WithBackupAlias(BackupInfo backup)
    {
        var wrapped = PSObject.AsPSObject(backup);
        if (wrapped.Properties["Backup"] is null)
        {
            wrapped.Properties.Add(new PSAliasProperty("Backup", nameof(BackupInfo.Name)));
        }

        return wrapped;
    }

    private static List<WildcardPattern>? Patterns(IEnumerable<string>? values) =>
        values?.Select(v => new WildcardPattern(v, WildcardOptions.IgnoreCase)).ToList();

    private string NoLatestMessage(string location)
    {
        var phases = Phase is not null ? string.Join(", ", Phase) : AllowPartiallyFailed.IsPresent ? "Completed or PartiallyFailed" : "Completed";
        var scope = Schedule is null ? $"in {location}" : $"for schedule '{Schedule}' in {location}";
        return $"No {phases} backups found {scope}.";
    }

    private IReadOnlyList<BackupInfo> Filter(IReadOnlyList<BackupInfo> backups)
    {
        var schedule = Schedule is null ? null : new WildcardPattern(Schedule, WildcardOptions.IgnoreCase);
        var phases = Patterns(Phase);
        return backups
            .Where(b => schedule is null || (b.Schedule is not null && schedule.IsMatch(b.Schedule)))
            .Where(b => phases is null || phases.Any(p => p.IsMatch(b.Phase)))
            .ToList();
    }

    private void ReportListingProblem(RestoreEngineException problem)
    {
        // Velero's sync skips a folder without velero-backup.json; we say so, but it is no error.
        if (problem.Kind == FailureKind.BackupNotFound)
        {
            WriteWarning(problem.Message);
        }
        else
        {
            WriteError(FailureRecord(problem, problem.Name));
        }
    }
}
