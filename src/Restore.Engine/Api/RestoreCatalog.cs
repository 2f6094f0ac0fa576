using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Records;
using Restore.Engine.Storage;
using Restore.Engine.Velero;

namespace Restore.Engine.Api;

/// <summary>
/// The read side of the restores in a storage location, for Get-Restore, Get-RestoreItem, Get-RestoreLog and
/// Remove-Restore: restore names, their records as <see cref="RestoreInfo"/>, item outcomes, log text, and deletion.
/// Its surface uses only BCL and Restore types.
/// </summary>
internal sealed class RestoreCatalog
{
    // Enough to hide S3 latency when listing many records, few enough not to be throttled.
    private const int ReadConcurrency = 8;

    private readonly StorageLocation location;
    private readonly RestoreRecordStore records;

    /// <summary>Creates a catalog over an opened storage location.</summary>
    public RestoreCatalog(StorageLocation location)
    {
        this.location = location ?? throw new ArgumentNullException(nameof(location));
        records = new RestoreRecordStore(location);
    }

    /// <summary>The storage location as given (for messages).</summary>
    public string Location => location.Location;

    /// <summary>Names of every restore folder under <c>restores/</c>, in ordinal order (with or without a record).</summary>
    public Task<IReadOnlyList<string>> ListNamesAsync(CancellationToken cancellationToken) => records.ListNamesAsync(cancellationToken);

    /// <summary>
    /// Reads one restore. Null when the location has no folder of that name. A folder without our record (made by a
    /// Velero server) gives <see cref="RestoreInfo.WithoutRecord"/>.
    /// </summary>
    /// <exception cref="InvalidRestoreRecordException">The record exists but cannot be read.</exception>
    /// <exception cref="StorageException">The storage location failed.</exception>
    public async Task<RestoreInfo?> GetAsync(string name, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!ObjectStoreLayout.IsValidRestoreName(name))
        {
            return null;
        }

        RestoreRecord? record;
        try
        {
            record = await records.GetAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            throw new InvalidRestoreRecordException(name, location.Layout.RestoreRecordKey(name), ex);
        }

        if (record is not null)
        {
            var info = RestoreInfo.FromRecord(record, location.Options, now);
            if (record.Warnings + record.Errors > 0)
            {
                // The messages by scope live in Velero's results file; a restore without warnings or errors needs no read.
                info.SetResults(await TryReadResultsAsync(name, cancellationToken).ConfigureAwait(false));
            }

            return info;
        }

        var keys = await location.Store.ListKeysAsync(location.Layout.RestorePrefix(name), cancellationToken).ConfigureAwait(false);
        if (keys.Count == 0)
        {
            return null;
        }

        return RestoreInfo.WithoutRecord(name, await TryReadResultsAsync(name, cancellationToken).ConfigureAwait(false), location.Options);
    }

    /// <summary>The results file; null when missing or unreadable (it only adds detail, so it never fails the read).</summary>
    private async Task<RestoreResults?> TryReadResultsAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await records.ReadResultsAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or System.IO.InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads several restores, a few at a time, in the order given. A restore that cannot be read is passed to
    /// <paramref name="onProblem"/> (from any thread) and left out; a folder that vanished meanwhile is left out silently.
    /// Failures of the storage location itself are thrown.
    /// </summary>
    public async Task<IReadOnlyList<RestoreInfo>> GetManyAsync(IReadOnlyList<string> names, DateTimeOffset now, Action<InvalidRestoreRecordException>? onProblem, CancellationToken cancellationToken)
    {
        if (names is null)
        {
            throw new ArgumentNullException(nameof(names));
        }

        var found = new RestoreInfo?[names.Count];
        using var gate = new SemaphoreSlim(ReadConcurrency);
        var reads = names.Select(async (name, index) =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                found[index] = await GetAsync(name, now, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidRestoreRecordException problem)
            {
                onProblem?.Invoke(problem);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        await Task.WhenAll(reads).ConfigureAwait(false);
        return found.Where(i => i is not null).Select(i => i!).ToList();
    }

    /// <summary>
    /// Per-item outcomes of a restore. Restores without our items
    /// file fall back to Velero's resource list (actions, no messages). Empty while nothing has been written yet.
    /// </summary>
    /// <exception cref="InvalidRestoreRecordException">The items file or resource list cannot be read.</exception>
    public async Task<IReadOnlyList<RestoreItemOutcome>> GetItemsAsync(string name, CancellationToken cancellationToken)
    {
        IReadOnlyList<RestoreItemOutcome> outcomes;
        try
        {
            outcomes = await records.ReadItemOutcomesAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException or System.IO.InvalidDataException)
        {
            throw new InvalidRestoreRecordException(name, location.Layout.RestoreItemsKey(name), ex);
        }

        Kubernetes.StaticResourceCatalog? builtIns = null;
        foreach (var outcome in outcomes)
        {
            if (outcome.Resource.Length == 0 && outcome.Kind.Length > 0)
            {
                // Velero's resource list names kinds, not resources: name the resource as Kubernetes would.
                builtIns ??= Kubernetes.StaticResourceCatalog.CreateDefault();
                outcome.Resource = GroupResourceOf(builtIns, outcome.ApiVersion, outcome.Kind);
            }
        }

        return outcomes;
    }

    /// <summary>
    /// The group-resource of a kind: from the built-in resources when known, otherwise the lower-case plural Kubernetes
    /// would derive (<c>Widget</c> in <c>example.com/v1</c> is <c>widgets.example.com</c>).
    /// </summary>
    internal static string GroupResourceOf(Kubernetes.StaticResourceCatalog builtIns, string apiVersion, string kind)
    {
        var slash = apiVersion.IndexOf('/');
        var group = slash < 0 ? string.Empty : apiVersion.Substring(0, slash);
        var resource = builtIns.FindByKind(apiVersion, kind)?.Resource ?? Plural(kind.ToLowerInvariant());
        return group.Length == 0 ? resource : resource + "." + group;
    }

    private static string Plural(string singular) =>
        singular.EndsWith("s", StringComparison.Ordinal) || singular.EndsWith("x", StringComparison.Ordinal) || singular.EndsWith("ch", StringComparison.Ordinal) || singular.EndsWith("sh", StringComparison.Ordinal) ? singular + "es"
        : singular.EndsWith("y", StringComparison.Ordinal) && singular.Length > 1 && "aeiou".IndexOf(singular[singular.Length - 2]) < 0 ? singular.Substring(0, singular.Length - 1) + "ies"
        : singular + "s";

    /// <summary>The log text written so far; null when the restore has no log yet.</summary>
    /// <exception cref="InvalidRestoreRecordException">The log is not readable gzip text.</exception>
    public async Task<string?> ReadLogTextAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await records.ReadLogTextAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.IO.InvalidDataException or FormatException)
        {
            throw new InvalidRestoreRecordException(name, location.Layout.RestoreLogsKey(name), ex);
        }
    }

    /// <summary>
    /// Deletes every file of the restore under <c>restores/&lt;name&gt;/</c>, the record last, and returns how many.
    /// Never touches a cluster or a backup.
    /// </summary>
    public Task<int> DeleteAsync(string name, CancellationToken cancellationToken) => records.DeleteAsync(name, cancellationToken);
}

/// <summary>A restore's record (or items file, or log) exists but cannot be read.</summary>
internal sealed class InvalidRestoreRecordException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidRestoreRecordException(string restoreName, string key, Exception innerException)
        : base($"The restore '{restoreName}' has an unreadable file {key}: {innerException?.Message}", innerException)
    {
        RestoreName = restoreName;
        Key = key;
    }

    /// <summary>The restore.</summary>
    public string RestoreName { get; }

    /// <summary>The object key that could not be read.</summary>
    public string Key { get; }
}
