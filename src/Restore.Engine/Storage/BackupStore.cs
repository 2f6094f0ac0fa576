using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Velero;

namespace Restore.Engine.Storage;

/// <summary>
/// Reads the backups of a storage location: listing, metadata, schedule selection, tarball and the
/// optional per-backup files. Read-only.
/// </summary>
internal sealed class BackupStore
{
    /// <summary>Largest decompressed optional file accepted (256 MiB); protects against gzip bombs.</summary>
    public const long MaxOptionalFileSize = 256L * 1024 * 1024;

    private const int ParallelReads = 16;

    private readonly StorageLocation location;
    private readonly IEngineLog log;

    /// <summary>Creates a reader over an opened location.</summary>
    public BackupStore(StorageLocation location, IEngineLog? log)
    {
        this.location = location ?? throw new ArgumentNullException(nameof(location));
        this.log = log ?? NullEngineLog.Instance;
    }

    /// <summary>The location read from.</summary>
    public StorageLocation Location => location;

    private IObjectStore Store => location.Store;

    private ObjectStoreLayout Layout => location.Layout;

    /// <summary>Orders backups newest first: start time, else creation time, then name (both descending).</summary>
    public static IComparer<Backup> NewestFirst { get; } = Comparer<Backup>.Create((a, b) =>
    {
        var byTime = Nullable.Compare(b.StartTimestamp ?? b.CreationTimestamp, a.StartTimestamp ?? a.CreationTimestamp);
        return byTime != 0 ? byTime : string.CompareOrdinal(b.Name, a.Name);
    });

    /// <summary>
    /// Velero's "latest backup of a schedule" rule (docs/velero-compatibility.md#schedule-selection): backups labelled with the schedule, sorted by
    /// <c>status.startTimestamp</c> newest first (missing times last), the first whose phase is <c>Completed</c>,
    /// or also <c>PartiallyFailed</c> when <paramref name="allowPartiallyFailed"/>. Null when none qualifies.
    /// </summary>
    public static Backup? SelectLatestForSchedule(IEnumerable<Backup> backups, string schedule, bool allowPartiallyFailed)
    {
        if (backups is null)
        {
            throw new ArgumentNullException(nameof(backups));
        }

        return SelectLatest(backups.Where(b => string.Equals(b.Schedule, schedule, StringComparison.Ordinal)), allowPartiallyFailed);
    }

    /// <summary>
    /// The newest backup by <c>status.startTimestamp</c> (missing times last; ties broken by name, descending, where
    /// Velero leaves them unordered) whose phase is <c>Completed</c>, or also <c>PartiallyFailed</c> when
    /// <paramref name="allowPartiallyFailed"/>, or any phase when <paramref name="anyPhase"/> (the caller chose the
    /// phases itself). Null when none qualifies. The one "latest" rule: restores from a schedule and Get-Backup -Latest.
    /// </summary>
    public static Backup? SelectLatest(IEnumerable<Backup> backups, bool allowPartiallyFailed, bool anyPhase = false)
    {
        if (backups is null)
        {
            throw new ArgumentNullException(nameof(backups));
        }

        return backups
            .OrderByDescending(b => b.StartTimestamp ?? DateTime.MinValue)
            .ThenByDescending(b => b.Name, StringComparer.Ordinal)
            .FirstOrDefault(b => anyPhase || b.Phase == BackupPhase.Completed || (allowPartiallyFailed && b.Phase == BackupPhase.PartiallyFailed));
    }

    /// <summary>Names of the backup folders (common prefixes under <c>backups/</c>), in ordinal order. Cheap: one listing.</summary>
    public async Task<IReadOnlyList<string>> ListBackupNamesAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        foreach (var prefix in await Store.ListCommonPrefixesAsync(Layout.BackupsPrefix, cancellationToken).ConfigureAwait(false))
        {
            if (Layout.BackupNameFromPrefix(prefix) is { } name && ObjectStoreLayout.IsValidBackupName(name))
            {
                names.Add(name);
            }
        }

        return names;
    }

    /// <summary>
    /// Every usable backup, newest first. Folders without <c>velero-backup.json</c> are skipped as Velero skips
    /// them; those and unreadable metadata go to <paramref name="onProblem"/> (default: a log warning).
    /// </summary>
    public async Task<IReadOnlyList<Backup>> ListBackupsAsync(CancellationToken cancellationToken, Action<StorageException>? onProblem = null)
    {
        var names = await ListBackupNamesAsync(cancellationToken).ConfigureAwait(false);
        return await GetBackupsAsync(names, cancellationToken, onProblem).ConfigureAwait(false);
    }

    /// <summary>Reads the named backups in parallel, newest first; missing or bad ones go to <paramref name="onProblem"/>.</summary>
    public async Task<IReadOnlyList<Backup>> GetBackupsAsync(IEnumerable<string> names, CancellationToken cancellationToken, Action<StorageException>? onProblem = null)
    {
        if (names is null)
        {
            throw new ArgumentNullException(nameof(names));
        }

        onProblem ??= problem => log.Warning(problem.Message);
        using var gate = new SemaphoreSlim(ParallelReads);
        var tasks = names.Select(async name =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await ReadBackupOrProblemAsync(name, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        var results = await Task.WhenAll(tasks).ConfigureAwait(false);
        var backups = new List<Backup>(results.Length);
        foreach (var (backup, problem) in results)
        {
            if (backup is not null)
            {
                backups.Add(backup);
            }
            else if (problem is not null)
            {
                onProblem(problem);
            }
        }

        backups.Sort(NewestFirst);
        return backups;
    }

    /// <summary>
    /// Reads one backup. Throws <see cref="BackupNotFoundException"/> when there is no <c>velero-backup.json</c>
    /// (saying whether the folder exists at all) and <see cref="InvalidBackupException"/> when it is not a Velero Backup.
    /// </summary>
    public async Task<Backup> GetBackupAsync(string name, CancellationToken cancellationToken)
    {
        var json = await ReadBackupMetadataAsync(name, cancellationToken).ConfigureAwait(false);
        var key = Layout.BackupMetadataKey(name);
        return BackupMetadataParser.Parse(json, name, location.Location, key);
    }

    /// <summary>The raw bytes of <c>velero-backup.json</c>, for callers that need fields <see cref="Backup"/> does not carry.</summary>
    public async Task<byte[]> ReadBackupMetadataAsync(string name, CancellationToken cancellationToken)
    {
        if (!ObjectStoreLayout.IsValidBackupName(name))
        {
            throw new BackupNotFoundException(location.Location, name ?? string.Empty, $"'{name}' is not a valid backup name.");
        }

        var key = Layout.BackupMetadataKey(name);
        try
        {
            return await Store.ReadAllBytesAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            var leftovers = await Store.ListKeysAsync(Layout.BackupPrefix(name), cancellationToken).ConfigureAwait(false);
            var message = leftovers.Count > 0
                ? $"The folder {Layout.BackupPrefix(name)} in {location.Location} has no velero-backup.json, so it is not a usable backup (Velero skips it too)."
                : $"There is no backup named '{name}' in {location.Location}.";
            throw new BackupNotFoundException(location.Location, name, message, key);
        }
    }

    /// <summary>The latest backup of a schedule by Velero's rule (<see cref="SelectLatestForSchedule"/>); null when none qualifies.</summary>
    public async Task<Backup?> FindLatestForScheduleAsync(string schedule, bool allowPartiallyFailed, CancellationToken cancellationToken)
    {
        var backups = await ListBackupsAsync(cancellationToken).ConfigureAwait(false);
        return SelectLatestForSchedule(backups, schedule, allowPartiallyFailed);
    }

    /// <summary>Distinct schedule names (label <c>velero.io/schedule-name</c>) over all backups, sorted.</summary>
    public async Task<IReadOnlyList<string>> ListScheduleNamesAsync(CancellationToken cancellationToken)
    {
        var backups = await ListBackupsAsync(cancellationToken, _ => { }).ConfigureAwait(false);
        return backups.Where(b => b.Schedule is not null).Select(b => b.Schedule!).Distinct(StringComparer.Ordinal).OrderBy(s => s, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Opens <c>&lt;b&gt;.tar.gz</c> for streaming. Throws <see cref="BackupNotFoundException"/> when the backup does not
    /// exist and a <see cref="StorageException"/> of kind <see cref="StorageErrorKind.TarballMissing"/> when only the
    /// tarball is missing (failed backups may have none).
    /// </summary>
    public async Task<Stream> OpenTarballAsync(string name, CancellationToken cancellationToken)
    {
        if (!ObjectStoreLayout.IsValidBackupName(name))
        {
            throw new BackupNotFoundException(location.Location, name ?? string.Empty, $"'{name}' is not a valid backup name.");
        }

        var key = Layout.BackupTarballKey(name);
        try
        {
            return await Store.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException ex)
        {
            var backup = await GetBackupAsync(name, cancellationToken).ConfigureAwait(false);
            var phase = backup.Phase.Length == 0 ? string.Empty : $" (its phase is {backup.Phase})";
            throw new StorageException(StorageErrorKind.TarballMissing, location.Location, $"The backup '{name}'{phase} has no tarball: {key} is missing.", key, ex);
        }
    }

    /// <summary>
    /// The decompressed bytes of an optional gzip file of a backup (volume info, results, resource list, log…),
    /// or null when the file is missing; a missing optional file is not an error. JSON content may be the
    /// literal <c>null</c> (docs/velero-compatibility.md#file-encoding): parsing is the caller's business.
    /// </summary>
    public async Task<byte[]?> ReadOptionalBackupFileAsync(string name, BackupFile which, CancellationToken cancellationToken)
    {
        if (!ObjectStoreLayout.IsValidBackupName(name))
        {
            throw new BackupNotFoundException(location.Location, name ?? string.Empty, $"'{name}' is not a valid backup name.");
        }

        var key = Layout.BackupFileKey(name, which);
        Stream compressed;
        try
        {
            compressed = await Store.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }

        using (compressed)
        {
            try
            {
                return await GunzipAsync(compressed, MaxOptionalFileSize, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException ex)
            {
                throw new InvalidBackupException(location.Location, name, key, $"{key} in {location.Location} is not valid gzip data: {ex.Message}", ex);
            }
        }
    }

    /// <summary>Decompresses a whole gzip stream (every member), refusing more than <paramref name="maxSize"/> bytes.</summary>
    internal static async Task<byte[]> GunzipAsync(Stream compressed, long maxSize, CancellationToken cancellationToken)
    {
        using var gzip = new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true);
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await gzip.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (output.Length + read > maxSize)
            {
                throw new InvalidDataException($"it decompresses to more than {maxSize} bytes");
            }

            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }

    private async Task<(Backup? Backup, StorageException? Problem)> ReadBackupOrProblemAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await GetBackupAsync(name, cancellationToken).ConfigureAwait(false), null);
        }
        catch (BackupNotFoundException ex)
        {
            return (null, ex);
        }
        catch (InvalidBackupException ex)
        {
            return (null, ex);
        }
    }
}
