using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Restore.Engine.Api;
using Restore.PowerShell.Infrastructure;

namespace Restore.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Lists what a restore did with each item: created, updated, skipped or failed, and why.</para>
/// <para type="description">Reads the restore's item outcomes from the storage location, also while the restore runs. Restores made by a Velero server show the actions of their resource list, without messages.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "RestoreItem", HelpUri = HelpLinks.Docs + "Get-RestoreItem.md")]
[OutputType(typeof(RestoreItem))]
public sealed class GetRestoreItemCommand : RestoreRecordCmdletBase
{
    /// <summary>The restore(s); wildcards allowed. Binds from the Name property of Get-Restore output.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("RestoreName")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(RestoreNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = System.Array.Empty<string>();

    /// <summary>Only items with these outcomes: Created, Updated, Skipped, Failed, Unknown.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateSet(RestoreItem.Created, RestoreItem.Updated, RestoreItem.Skipped, RestoreItem.Failed, RestoreItem.Unknown)]
    public string[]? Action { get; set; }

    /// <summary>Only items in these target namespaces; wildcards allowed. Cluster-scoped items are left out when given.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Namespace { get; set; }

    /// <summary>Only these resources, as <c>resource.group</c> or a bare resource name; wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Resource { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var namespaces = Patterns(Namespace);
        var resources = Resource?.Select(r => (Pattern: new WildcardPattern(r, WildcardOptions.IgnoreCase), Bare: r.IndexOf('.') < 0)).ToList();
        var actions = Action is null ? null : new HashSet<string>(Action, StringComparer.OrdinalIgnoreCase);
        RunWithEngine(async (engine, token) =>
        {
            foreach (var name in await ResolveNamesAsync(engine, Name, token).ConfigureAwait(false))
            {
                IReadOnlyList<RestoreItem> outcomes;
                try
                {
                    outcomes = await engine.GetRestoreItemsAsync(name, token).ConfigureAwait(false);
                }
                catch (RestoreEngineException problem) when (problem.Kind == FailureKind.RecordInvalid)
                {
                    Post(() => WriteError(InvalidRecord(problem)));
                    continue;
                }

                var selected = outcomes
                    .Where(o => actions is null || actions.Contains(o.Action))
                    .Where(o => namespaces is null || (o.Namespace.Length > 0 && namespaces.Any(p => p.IsMatch(o.Namespace))))
                    .Where(o => resources is null || resources.Any(r => r.Pattern.IsMatch(o.Resource) || (r.Bare && r.Pattern.IsMatch(BareResource(o.Resource)))))
                    // Targets run in parallel, so their rows interleave; one run per target keeps the table's groups whole.
                    .GroupBy(o => o.Target, StringComparer.Ordinal)
                    .SelectMany(g => g)
                    .ToList();
                Post(() =>
                {
                    WriteVerbose($"{name}: {outcomes.Count} item outcome(s), {selected.Count} selected.");
                    foreach (var outcome in selected)
                    {
                        WriteObject(outcome);
                    }
                });
            }
        });
    }

    // "deployments" means deployments of any group, as users type it; "deployments.apps" is exact.
    private static string BareResource(string groupResource)
    {
        var dot = groupResource.IndexOf('.');
        return dot < 0 ? groupResource : groupResource.Substring(0, dot);
    }

    private static List<WildcardPattern>? Patterns(IEnumerable<string>? values) =>
        values?.Select(v => new WildcardPattern(v, WildcardOptions.IgnoreCase)).ToList();
}
