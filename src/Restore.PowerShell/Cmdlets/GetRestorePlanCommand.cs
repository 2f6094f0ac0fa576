using System;
using System.Linq;
using System.Management.Automation;
using Restore.Engine.Api;
using Restore.PowerShell.Infrastructure;

namespace Restore.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Shows what a restore would do with every item of the backup, without doing it.</para>
/// <para type="description">Takes the same restore parameters as New-Restore and writes nothing anywhere. One object per item: where it goes, whether it is created, excluded, skipped or fails and why, its place in the restore order and the warnings it would raise. With a cluster, live objects are read to predict create, skip or update.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "RestorePlan", DefaultParameterSetName = BackupSet, HelpUri = HelpLinks.Docs + "Get-RestorePlan.md")]
[OutputType(typeof(RestorePlanItem))]
public sealed class GetRestorePlanCommand : RestoreSpecCmdletBase
{
    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var parameters = BuildParameters();
        ValidateParameters(parameters);
        var engine = OpenEngine();
        RestorePlanResult preview;
        try
        {
            preview = RunEngine(async token =>
            {
                await engine.VerifyAsync(token).ConfigureAwait(false);
                return await engine.PlanAsync(parameters, token).ConfigureAwait(false);
            });
        }
        catch (Exception ex) when (RestoreErrorRecord(ex, BackupName ?? Schedule ?? Manifest) is { } record)
        {
            ThrowTerminatingError(record);
            return;
        }

        foreach (var target in preview.Targets.Where(t => t.Error is not null))
        {
            WriteError(new ErrorRecord(
                new InvalidOperationException($"The plan for {target.Target} could not be made: {target.Error}"),
                ErrorIdPrefix + "TargetUnreachable",
                ErrorCategory.ConnectionError,
                target.Target));
        }

        foreach (var target in preview.Targets.Where(t => t.IsPlanned))
        {
            foreach (var message in target.ValidationErrors)
            {
                WriteError(new ErrorRecord(new InvalidOperationException(message), ErrorIdPrefix + "ValidationFailed", ErrorCategory.InvalidArgument, target.Target));
            }

            // Validation warnings already reached the warning stream through the engine log; notes did not.
            foreach (var warning in target.Notes)
            {
                WriteWarning($"{target.Target.Name}: {warning}");
            }

            if (target.StoppedReason is { } stopped)
            {
                WriteWarning($"{target.Target.Name}: the restore would stop before restoring anything: {stopped}");
            }

            WriteVerbose($"{target.Target.Name}: {target.Summary}");
        }

        foreach (var item in preview.Items)
        {
            WriteObject(item);
        }
    }
}
