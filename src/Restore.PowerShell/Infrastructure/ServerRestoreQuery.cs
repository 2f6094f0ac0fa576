using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Api;

namespace Restore.PowerShell.Infrastructure;

/// <summary>What Get-Restore and Remove-Restore share for restores in clusters (-Context): the Restore objects, by name pattern.</summary>
internal static class ServerRestoreQuery
{
    /// <summary>The restores in the contexts' Velero namespaces whose names match any pattern.</summary>
    public static async Task<IReadOnlyList<RestoreInfo>> ListAsync(string? kubeConfig, IReadOnlyList<string> contexts, string? veleroNamespace, IReadOnlyList<string> patterns, Action<RestoreEngineException> onProblem, CancellationToken cancellationToken)
    {
        var all = await VeleroServer.ListAsync(kubeConfig, contexts, veleroNamespace, onProblem, cancellationToken).ConfigureAwait(false);
        var wildcards = patterns.Select(p => new WildcardPattern(p, WildcardOptions.IgnoreCase)).ToList();
        return all.Where(r => wildcards.Any(w => w.IsMatch(r.Name))).ToList();
    }
}
