using System;
using System.Management.Automation;
using Restore.Engine.Api;
using Restore.PowerShell.Infrastructure;

namespace Restore.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Deletes restore records from a backup storage location.</para>
/// <para type="description">Deletes everything under restores/&lt;name&gt;/: the record, log, results and resource list. Never anything in a cluster, never a backup.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "Restore", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = HelpLinks.Docs + "Remove-Restore.md")]
[OutputType(typeof(void))]
public sealed class RemoveRestoreCommand : RestoreRecordCmdletBase
{
    /// <summary>The restore(s) to delete; wildcards allowed. Binds from the Name property of Get-Restore output.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("RestoreName")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(RestoreNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Also delete a restore that is still running (its record has a fresh heartbeat).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var force = Force.IsPresent;
        RunWithEngine(async (engine, token) =>
        {
            foreach (var name in await ResolveNamesAsync(engine, Name, token).ConfigureAwait(false))
            {
                RestoreInfo? restore;
                try
                {
                    restore = await engine.GetRestoreAsync(name, token).ConfigureAwait(false);
                }
                catch (RestoreEngineException problem) when (problem.Kind == FailureKind.RecordInvalid)
                {
                    // An unreadable record is exactly what one may want to delete.
                    restore = null;
                }

                if (restore is { IsRunning: true } && !force)
                {
                    var running = restore;
                    Post(() => WriteError(new ErrorRecord(
                        new InvalidOperationException(
                            $"The restore '{name}' is still running ({running.ItemsRestored} of {running.TotalItems} items, last heartbeat {running.LastUpdateTimestamp:u}). "
                            + "Stop it first (Ctrl+C in its session), or give -Force to delete its files anyway; a run that is still alive writes them again."),
                        ErrorIdPrefix + "StillRunning",
                        ErrorCategory.ResourceBusy,
                        running)));
                    continue;
                }

                var approved = await InvokeOnPipelineAsync(() => ShouldProcess(
                    $"Deleting the record, log, results and resource list of restore '{name}' (everything under restores/{name}/ in {engine.Location}). Nothing in any cluster and no backup is deleted.",
                    $"Delete the record, log, results and resource list of restore '{name}' in {engine.Location}? Nothing in any cluster and no backup is deleted.",
                    "Remove-Restore")).ConfigureAwait(false);
                if (!approved)
                {
                    continue;
                }

                var deleted = await engine.DeleteRestoreAsync(name, token).ConfigureAwait(false);
                Post(() => WriteVerbose($"Restore '{name}': {deleted} file(s) deleted from {engine.Location}."));
            }
        });
    }
}
