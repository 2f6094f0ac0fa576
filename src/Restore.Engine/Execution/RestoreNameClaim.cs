using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Records;
using Restore.Engine.Storage;

namespace Restore.Engine.Execution;

/// <summary>
/// Claims a restore's name in the storage location. A default name (<c>&lt;backup&gt;-&lt;yyyyMMddHHmmss&gt;</c>, Velero's CLI
/// shape) has one-second resolution, so two restores of one backup or schedule started together would collide: when a
/// default name is taken, <c>-2</c>, <c>-3</c>, ... is added until a free one is claimed
/// (docs/velero-compatibility.md#default-restore-name). A name given by the user is never changed.
/// </summary>
internal static class RestoreNameClaim
{
    private const int MaxSuffix = 1000;

    /// <summary>
    /// Names being claimed in this process, by location: the claim itself is atomic on a folder and on stores that
    /// honour If-None-Match, but some S3 servers do not, and two runs in one process must not race there.
    /// </summary>
    private static readonly ConcurrentDictionary<string, byte> InFlight = new(StringComparer.Ordinal);

    /// <summary>Claims the record's name, or a suffixed one for a default name (the record is renamed); false when none is free.</summary>
    public static async Task<bool> TryClaimAsync(RestoreRecordStore store, RestoreRecord record, string location, bool nameIsDefault, CancellationToken cancellationToken)
    {
        var baseName = record.Name;
        for (var n = 1; n <= (nameIsDefault ? MaxSuffix : 1); n++)
        {
            var candidate = n == 1 ? baseName : baseName + "-" + n.ToString(CultureInfo.InvariantCulture);
            if (n > 1 && !ObjectStoreLayout.IsValidRestoreName(candidate))
            {
                return false;
            }

            var key = location + "\n" + candidate;
            if (!InFlight.TryAdd(key, 0))
            {
                continue;
            }

            try
            {
                record.Name = candidate;
                if (await store.TryClaimAsync(record, cancellationToken).ConfigureAwait(false))
                {
                    return true;
                }
            }
            finally
            {
                // Once claimed, the claim object itself keeps the name: the in-process mark is only for the race.
                InFlight.TryRemove(key, out _);
            }
        }

        record.Name = baseName;
        return false;
    }
}
