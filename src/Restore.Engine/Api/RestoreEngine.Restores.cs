using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Restore.Engine.Api;

/// <summary>The restores recorded in the location (Get-Restore, Get-RestoreItem, Get-RestoreLog, Remove-Restore, completion).</summary>
public sealed partial class RestoreEngine
{
    /// <summary>Names of every restore folder under <c>restores/</c>, in ordinal order (with or without a record).</summary>
    /// <exception cref="RestoreEngineException">The location cannot be read.</exception>
    public Task<IReadOnlyList<string>> ListRestoreNamesAsync(CancellationToken cancellationToken) =>
        EngineFailures.Guard(() => new RestoreCatalog(location).ListNamesAsync(cancellationToken));

    /// <summary>
    /// Reads one restore as it is now (a run that stopped writing its heartbeat shows as abandoned). Null when the
    /// location has no restore of that name. A restore folder a Velero server made (no record) reads too.
    /// </summary>
    /// <exception cref="RestoreEngineException"><see cref="FailureKind.RecordInvalid"/>: the record cannot be read; or the location failed.</exception>
    public Task<RestoreInfo?> GetRestoreAsync(string name, CancellationToken cancellationToken) =>
        EngineFailures.Guard(() => new RestoreCatalog(location).GetAsync(name, DateTimeOffset.UtcNow, cancellationToken));

    /// <summary>
    /// Reads several restores, a few at a time, in the order given. A restore whose record cannot be read goes to
    /// <paramref name="onProblem"/> (from any thread, <see cref="FailureKind.RecordInvalid"/>) and is left out.
    /// </summary>
    /// <exception cref="RestoreEngineException">The location failed.</exception>
    public Task<IReadOnlyList<RestoreInfo>> GetRestoresAsync(IReadOnlyList<string> names, Action<RestoreEngineException>? onProblem, CancellationToken cancellationToken) =>
        EngineFailures.Guard(() => new RestoreCatalog(location).GetManyAsync(
            names,
            DateTimeOffset.UtcNow,
            onProblem is null ? null : problem => onProblem(EngineFailures.Translate(problem)!),
            cancellationToken));

    /// <summary>
    /// What the restore did with each item, in every target. Restores a Velero server made fall back to its resource
    /// list (actions, no messages). Empty while nothing has been written yet.
    /// </summary>
    /// <exception cref="RestoreEngineException"><see cref="FailureKind.RecordInvalid"/>: the items cannot be read; or the location failed.</exception>
    public Task<IReadOnlyList<RestoreItem>> GetRestoreItemsAsync(string name, CancellationToken cancellationToken) =>
        EngineFailures.Guard(async () =>
        {
            var outcomes = await new RestoreCatalog(location).GetItemsAsync(name, cancellationToken).ConfigureAwait(false);
            return (IReadOnlyList<RestoreItem>)outcomes.Select(o => RestoreItem.From(o, name)).ToList();
        });

    /// <summary>
    /// The restore's log as written so far, one entry per line at <paramref name="minimumLevel"/> or above, only the last
    /// <paramref name="tail"/> when given; null when the restore has no log yet.
    /// </summary>
    /// <exception cref="RestoreEngineException"><see cref="FailureKind.RecordInvalid"/>: the log cannot be read; or the location failed.</exception>
    public Task<IReadOnlyList<RestoreLogEntry>?> ReadRestoreLogAsync(string name, RestoreLogLevel minimumLevel, int? tail, CancellationToken cancellationToken) =>
        EngineFailures.Guard(async () =>
        {
            var text = await new RestoreCatalog(location).ReadLogTextAsync(name, cancellationToken).ConfigureAwait(false);
            return text is null ? null : RestoreLogReader.Select(RestoreLogReader.Parse(name, text), LogSinkAdapter.LevelOf(minimumLevel), tail);
        });

    /// <summary>
    /// Deletes every file of the restore under <c>restores/&lt;name&gt;/</c>, the record last, and returns how many.
    /// Never touches a cluster or a backup.
    /// </summary>
    /// <exception cref="RestoreEngineException">The location failed.</exception>
    public Task<int> DeleteRestoreAsync(string name, CancellationToken cancellationToken) =>
        EngineFailures.Guard(() => new RestoreCatalog(location).DeleteAsync(name, cancellationToken));
}
