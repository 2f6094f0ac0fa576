using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Records;
using Restore.Engine.Storage;

namespace Restore.PowerShell.Infrastructure;

/// <summary>
/// Base for the cmdlets that read or delete restores by name (Get-RestoreItem, Get-RestoreLog, Remove-Restore):
/// resolving names with wildcards against the restores in the location, and their error records.
/// </summary>
public abstract class RestoreRecordCmdletBase : StorageCmdletBase
{
    /// <summary>
    /// Opens the location and runs <paramref name="work"/> on the engine thread with a catalog over it, once the
    /// location is verified. Location failures become terminating errors; a restore whose files cannot be read
    /// becomes a non-terminating <c>&lt;Cmdlet&gt;InvalidRecord</c> error.
    /// </summary>
    protected void RunWithCatalog(Func<RestoreCatalog, CancellationToken, Task> work)
    {
        if (work is null)
        {
            throw new ArgumentNullException(nameof(work));
        }

        var location = OpenStorageLocation();
        try
        {
            RunEngine(async token =>
            {
                await VerifyOnceAsync(location, token).ConfigureAwait(false);
                await work(new RestoreCatalog(location), token).ConfigureAwait(false);
            });
        }
        catch (StorageException ex) when (IsLocationFailure(ex))
        {
            ThrowTerminatingError(StorageErrorRecord(ex, location.Location));
        }
        catch (StorageException ex)
        {
            WriteError(StorageErrorRecord(ex, ex.Key ?? location.Location));
        }
    }

    /// <summary>
    /// The restore names in the location that match <paramref name="patterns"/> (wildcards, case-insensitive), in
    /// ordinal order. Every pattern without wildcards that matches nothing is reported (from the engine thread) as
    /// <c>&lt;Cmdlet&gt;RestoreNotFound</c>.
    /// </summary>
    protected async Task<IReadOnlyList<string>> ResolveNamesAsync(RestoreCatalog catalog, IReadOnlyList<string> patterns, CancellationToken cancellationToken)
    {
        if (catalog is null)
        {
            throw new ArgumentNullException(nameof(catalog));
        }

        var all = await catalog.ListNamesAsync(cancellationToken).ConfigureAwait(false);
        return SelectNames(all, patterns, missing => Post(() => WriteError(NotFoundRecord(missing, catalog.Location))));
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
            new ItemNotFoundException($"No restore named '{name}' in {locationText}. Get-Restore lists the restores there."),
            ErrorIdPrefix + "RestoreNotFound",
            ErrorCategory.ObjectNotFound,
            name);

    /// <summary>The error for a restore whose record, items file or log cannot be read.</summary>
    protected ErrorRecord InvalidRecord(InvalidRestoreRecordException problem) =>
        new(
            problem ?? throw new ArgumentNullException(nameof(problem)),
            ErrorIdPrefix + "InvalidRecord",
            ErrorCategory.InvalidData,
            problem.RestoreName);
}
