using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Api;

namespace Restore.PowerShell.Infrastructure;

/// <summary>
/// Base for the cmdlets that read or delete restores by name (Get-RestoreItem, Get-RestoreLog, Remove-Restore):
/// resolving names with wildcards against the restores in the location, and their error records.
/// </summary>
public abstract class RestoreRecordCmdletBase : StorageCmdletBase
{
    /// <summary>
    /// Opens the location and runs <paramref name="work"/> on the engine thread with the engine over it, once the
    /// location is verified. Location failures become terminating errors, other storage failures non-terminating ones.
    /// </summary>
    protected void RunWithEngine(Func<RestoreEngine, CancellationToken, Task> work)
    {
        if (work is null)
        {
            throw new ArgumentNullException(nameof(work));
        }

        var engine = OpenEngine();
        try
        {
            RunEngine(async token =>
            {
                await engine.VerifyAsync(token).ConfigureAwait(false);
                await work(engine, token).ConfigureAwait(false);
            });
        }
        catch (RestoreEngineException ex) when (ex.IsLocationFailure)
        {
            ThrowTerminatingError(FailureRecord(ex, engine.Location));
        }
        catch (RestoreEngineException ex)
        {
            WriteError(FailureRecord(ex, ex.Key ?? engine.Location));
        }
    }

    /// <summary>
    /// The restore names in the location that match <paramref name="patterns"/> (wildcards, case-insensitive), in
    /// ordinal order. Every pattern without wildcards that matches nothing is reported (from the engine thread) as
    /// <c>&lt;Cmdlet&gt;RestoreNotFound</c>.
    /// </summary>
    protected async Task<IReadOnlyList<string>> ResolveNamesAsync(RestoreEngine engine, IReadOnlyList<string> patterns, CancellationToken cancellationToken)
    {
        if (engine is null)
        {
            throw new ArgumentNullException(nameof(engine));
        }

        var all = await engine.ListRestoreNamesAsync(cancellationToken).ConfigureAwait(false);
        return SelectNames(all, patterns, missing => Post(() => WriteError(NotFoundRecord(missing, engine.Location))));
    }

    /// <summary>
    /// Matches names against patterns; <paramref name="onMissing"/> gets each literal pattern that matched nothing.
    /// </summary>
    internal static IReadOnlyList<string> SelectNames(IReadOnlyList<string> names, IReadOnlyList<string> patterns, Action<string> onMissing)
    {
        var selected = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var pattern in patterns.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var wildcard = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
            var matches = names.Where(wildcard.IsMatch).ToList();
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
            {
                onMissing(pattern);
            }

            selected.UnionWith(matches);
        }

        return selected.ToList();
    }

    /// <summary>The error for a restore name that does not exist in the location.</summary>
    protected ErrorRecord NotFoundRecord(string name, string locationText) =>
        new(
            new ItemNotFoundException($"No restore named '{name}' in {locationText}. Get-Restore lists the restores there. "
                + "If a Velero server runs it (New-Restore -Server), that server has not written its log and results yet: it writes them when the restore ends, and Get-Restore -Context shows its phase meanwhile."),
            ErrorIdPrefix + "RestoreNotFound",
            ErrorCategory.ObjectNotFound,
            name);

    /// <summary>The error for a restore whose record, items file or log cannot be read (<see cref="FailureKind.RecordInvalid"/>): the restore as target.</summary>
    protected ErrorRecord InvalidRecord(RestoreEngineException problem) =>
        FailureRecord(problem ?? throw new ArgumentNullException(nameof(problem)), problem.Name);
}
