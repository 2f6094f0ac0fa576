using System;
using System.Linq;
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

    /// <summary>Delete the Restore objects in these kube contexts' Velero namespaces instead (restores through the Velero server); Velero then deletes their files. Binds from Get-Restore -Context output.</summary>
    // No validation attribute: Get-Restore output of client restores pipes a null Context, which means "not given".
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KubeContextCompleter))]
    public string[]? Context { get; set; }

    /// <summary>With -Context: the kubeconfig file. Default: $env:KUBECONFIG, then ~/.kube/config.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? KubeConfig { get; set; }

    /// <summary>With -Context: the namespace Velero runs in. Binds from the Namespace property of Get-Restore output.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Namespace")]
    [PSDefaultValue(Value = "velero")]
    public string? VeleroNamespace { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (Context is { Length: > 0 } contexts && contexts.Any(c => !string.IsNullOrWhiteSpace(c)))
        {
            RemoveFromClusters(contexts.Where(c => !string.IsNullOrWhiteSpace(c)).ToArray());
            return;
        }

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

    /// <summary>
    /// Remove-Restore -Context: deletes the Restore object (and the ConfigMaps New-Restore -Server made for it) from each
    /// context that has it; Velero's finalizer then deletes the restore's files, as <c>velero restore delete</c> does.
    /// Never anything that was restored. A restore still running is left alone unless -Force (Velero cannot stop it).
    /// </summary>
    private void RemoveFromClusters(string[] contexts)
    {
        var kubeConfig = string.IsNullOrWhiteSpace(KubeConfig) ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(KubeConfig);
        var ns = string.IsNullOrWhiteSpace(VeleroNamespace) ? "velero" : VeleroNamespace!;
        var force = Force.IsPresent;
        try
        {
            RunEngine(async token =>
            {
                var restores = await ServerRestoreQuery.ListAsync(kubeConfig, contexts, ns, Name, p => Post(() => WriteError(FailureRecord(p, p.Subject))), token).ConfigureAwait(false);
                foreach (var missing in Name.Where(p => !WildcardPattern.ContainsWildcardCharacters(p) && !restores.Any(r => string.Equals(r.Name, p, StringComparison.OrdinalIgnoreCase))))
                {
                    Post(() => WriteError(NotFoundRecord(missing, $"the Velero namespace '{ns}' of {string.Join(", ", contexts)}")));
                }

                foreach (var restore in restores)
                {
                    var name = restore.Name;
                    if (restore.IsRunning && !force)
                    {
                        Post(() => WriteError(new ErrorRecord(
                            new InvalidOperationException($"The restore '{name}' is still running on the Velero server in {restore.Cluster} (phase {restore.Phase}). Velero cannot stop it; give -Force to delete the Restore object anyway."),
                            ErrorIdPrefix + "StillRunning",
                            ErrorCategory.ResourceBusy,
                            restore)));
                        continue;
                    }

                    var where = string.Join(", ", restore.Context ?? Array.Empty<string>());
                    var approved = await InvokeOnPipelineAsync(() => ShouldProcess(
                        $"Deleting the Restore object '{name}' in namespace '{ns}' of {where}; Velero then deletes its log and results from its storage location. Nothing that was restored is deleted.",
                        $"Delete the Restore object '{name}' in namespace '{ns}' of {where}? Velero then deletes its files; nothing that was restored is deleted.",
                        "Remove-Restore")).ConfigureAwait(false);
                    if (!approved)
                    {
                        continue;
                    }

                    var had = await VeleroServer.DeleteAsync(name, kubeConfig, restore.Context, ns, token).ConfigureAwait(false);
                    Post(() => WriteVerbose($"Restore '{name}': Restore object deleted in {string.Join(", ", had)}."));
                }
            });
        }
        catch (RestoreEngineException ex)
        {
            WriteError(FailureRecord(ex, ex.Subject ?? ex.Name));
        }
    }
}
