using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Storage;
using Restore.Engine.Velero;

namespace Restore.Engine.Records;

/// <summary>
/// Reads and writes everything a restore keeps under <c>restores/&lt;name&gt;/</c> in the storage
/// location: Velero's files (log, results, resource list, item operations, volume info) and our own
/// (record, claim, item outcomes). Writes replace whole objects, so readers never see half a file.
/// </summary>
internal sealed class RestoreRecordStore
{
    private readonly IObjectStore store;
    private readonly ObjectStoreLayout layout;

    /// <summary>Creates a store over an opened storage location.</summary>
    public RestoreRecordStore(StorageLocation location)
        : this((location ?? throw new ArgumentNullException(nameof(location))).Store, location.Layout)
    {
    }

    /// <summary>Creates a store over an object store and its layout.</summary>
    public RestoreRecordStore(IObjectStore store, ObjectStoreLayout layout)
    {
        this.store = store ?? throw new ArgumentNullException(nameof(store));
        this.layout = layout ?? throw new ArgumentNullException(nameof(layout));
    }

    /// <summary>
    /// Claims <see cref="RestoreRecord.Name"/> for this run and writes the first record. Returns false
    /// when another run holds the name (its files are left untouched).
    /// </summary>
    public async Task<bool> TryClaimAsync(RestoreRecord record, CancellationToken cancellationToken)
    {
        if (record is null)
        {
            throw new ArgumentNullException(nameof(record));
        }

        if (await store.ExistsAsync(layout.RestoreRecordKey(record.Name), cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        var claim = new JsonObject
        {
            ["uid"] = record.Uid,
            ["host"] = Environment.MachineName,
            ["processId"] = CurrentProcessId(),
            ["claimedAt"] = RestoreRecord.Time(DateTimeOffset.UtcNow),
        };
        if (!await store.TryCreateAsync(layout.RestoreClaimKey(record.Name), Encoding.UTF8.GetBytes(claim.ToJsonString()), cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            await WriteRecordAsync(record, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A claim without its record would hold the name for good: give it back (best effort) and report the failure.
            try
            {
                await store.DeleteAsync(layout.RestoreClaimKey(record.Name), CancellationToken.None).ConfigureAwait(false);
            }
            catch (StorageException)
            {
                // The first failure is the one to report.
            }

            throw;
        }

        return true;
    }

    /// <summary>Writes (replaces) the record.</summary>
    public Task WriteRecordAsync(RestoreRecord record, CancellationToken cancellationToken)
    {
        if (record is null)
        {
            throw new ArgumentNullException(nameof(record));
        }

        var bytes = Encoding.UTF8.GetBytes(record.ToJson().ToJsonString() + "\n");
        return store.PutAsync(layout.RestoreRecordKey(record.Name), bytes, cancellationToken);
    }

    /// <summary>Writes the gzipped log.</summary>
    public Task WriteLogAsync(string name, byte[] gzipLog, CancellationToken cancellationToken) =>
        store.PutAsync(layout.RestoreLogsKey(name), gzipLog, cancellationToken);

    /// <summary>Writes <c>restore-&lt;r&gt;-results.gz</c>.</summary>
    public Task WriteResultsAsync(string name, RestoreResults results, CancellationToken cancellationToken) =>
        store.PutAsync(layout.RestoreResultsKey(name), GzipJson.EncodeText((results ?? throw new ArgumentNullException(nameof(results))).ToJson()), cancellationToken);

    /// <summary>Writes <c>restore-&lt;r&gt;-resource-list.json.gz</c>.</summary>
    public Task WriteResourceListAsync(string name, RestoredResourceList list, CancellationToken cancellationToken) =>
        store.PutAsync(layout.RestoreResourceListKey(name), GzipJson.Encode((list ?? throw new ArgumentNullException(nameof(list))).ToJson()), cancellationToken);

    /// <summary>Writes Velero's item-operations and volume-info files; a client-side restore has no async operations, so both are <c>[]</c> unless volume info is given.</summary>
    public async Task WriteOperationsAndVolumeInfoAsync(string name, JsonArray? volumeInfo, CancellationToken cancellationToken)
    {
        await store.PutAsync(layout.RestoreItemOperationsKey(name), GzipJson.Encode(new JsonArray()), cancellationToken).ConfigureAwait(false);
        await store.PutAsync(layout.RestoreVolumeInfoKey(name), GzipJson.Encode(volumeInfo ?? new JsonArray()), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes our per-item outcomes file.</summary>
    public Task WriteItemOutcomesAsync(string name, IEnumerable<RestoreItemOutcome> outcomes, CancellationToken cancellationToken) =>
        store.PutAsync(layout.RestoreItemsKey(name), GzipJson.EncodeArray(outcomes, o => o.ToJson()), cancellationToken);

    /// <summary>Names of every restore folder in the location, whether or not it has our record.</summary>
    public async Task<IReadOnlyList<string>> ListNamesAsync(CancellationToken cancellationToken)
    {
        var prefixes = await store.ListCommonPrefixesAsync(layout.RestoresPrefix, cancellationToken).ConfigureAwait(false);
        return prefixes.Select(layout.RestoreNameFromPrefix).Where(n => n is not null).Select(n => n!).OrderBy(n => n, StringComparer.Ordinal).ToList();
    }

    /// <summary>Reads a record; null when the restore has no record (missing, or written by Velero itself).</summary>
    public async Task<RestoreRecord?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var bytes = await store.TryReadAsync(layout.RestoreRecordKey(name), cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : RestoreRecord.FromJson(JsonNode.Parse(bytes));
    }

    /// <summary>Reads every record, skipping restore folders that have none.</summary>
    public async Task<IReadOnlyList<RestoreRecord>> ListAsync(CancellationToken cancellationToken)
    {
        var names = await ListNamesAsync(cancellationToken).ConfigureAwait(false);
        var records = await Task.WhenAll(names.Select(n => GetAsync(n, cancellationToken))).ConfigureAwait(false);
        return records.Where(r => r is not null).Select(r => r!).ToList();
    }

    /// <summary>The log text so far; null when there is no log yet.</summary>
    public async Task<string?> ReadLogTextAsync(string name, CancellationToken cancellationToken)
    {
        var bytes = await store.TryReadAsync(layout.RestoreLogsKey(name), cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : GzipJson.DecodeText(bytes);
    }

    /// <summary>The results; null when not written yet.</summary>
    public async Task<RestoreResults?> ReadResultsAsync(string name, CancellationToken cancellationToken)
    {
        var bytes = await store.TryReadAsync(layout.RestoreResultsKey(name), cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : RestoreResults.Parse(GzipJson.DecodeText(bytes));
    }

    /// <summary>
    /// Per-item outcomes. Restores without our items file (for example ones Velero made) fall back to
    /// Velero's resource list, which has the action but no message.
    /// </summary>
    public async Task<IReadOnlyList<RestoreItemOutcome>> ReadItemOutcomesAsync(string name, CancellationToken cancellationToken)
    {
        var ours = await store.TryReadAsync(layout.RestoreItemsKey(name), cancellationToken).ConfigureAwait(false);
        if (ours is not null)
        {
            return RestoreItemOutcome.FromJsonArray(GzipJson.Decode(ours));
        }

        var list = await store.TryReadAsync(layout.RestoreResourceListKey(name), cancellationToken).ConfigureAwait(false);
        if (list is null || GzipJson.Decode(list) is not JsonObject map)
        {
            return Array.Empty<RestoreItemOutcome>();
        }

        var outcomes = new List<RestoreItemOutcome>();
        foreach (var pair in map)
        {
            var slash = pair.Key.LastIndexOf('/');
            foreach (var entry in (pair.Value as JsonArray ?? new JsonArray()).Select(e => (string?)e))
            {
                if (entry is not null && RestoredResourceList.TryParseEntry(entry, out var ns, out var itemName, out var action))
                {
                    outcomes.Add(new RestoreItemOutcome
                    {
                        ApiVersion = slash < 0 ? string.Empty : pair.Key.Substring(0, slash),
                        Kind = slash < 0 ? pair.Key : pair.Key.Substring(slash + 1),
                        Namespace = ns,
                        Name = itemName,
                        Action = action,
                    });
                }
            }
        }

        return outcomes;
    }

    /// <summary>Deletes every object under <c>restores/&lt;name&gt;/</c>, the claim and record last (never anything in a cluster). Returns how many were deleted.</summary>
    public async Task<int> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var keys = await store.ListKeysAsync(layout.RestorePrefix(name), cancellationToken).ConfigureAwait(false);
        // The claim and the record go last: a deletion cut short still lists the restore, so running it again finishes the job.
        var recordKey = layout.RestoreRecordKey(name);
        var claimKey = layout.RestoreClaimKey(name);
        foreach (var key in keys.OrderBy(k => k == recordKey ? 2 : k == claimKey ? 1 : 0).ThenBy(k => k, StringComparer.Ordinal))
        {
            await store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }

        return keys.Count;
    }

    private static int CurrentProcessId()
    {
        using var process = Process.GetCurrentProcess();
        return process.Id;
    }
}
