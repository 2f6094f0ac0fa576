using System;
using System.Collections.Generic;

namespace Restore.Engine.Storage;

/// <summary>Optional per-backup files Velero writes next to the tarball (docs/velero-compatibility.md#backup-files).</summary>
internal enum BackupFile
{
    /// <summary><c>&lt;b&gt;-logs.gz</c>: gzip text of the backup log.</summary>
    Logs,

    /// <summary><c>&lt;b&gt;-resource-list.json.gz</c>: map of <c>apiVersion/Kind</c> to item names.</summary>
    ResourceList,

    /// <summary><c>&lt;b&gt;-results.gz</c>: gzip JSON <c>{"errors":…,"warnings":…}</c>.</summary>
    Results,

    /// <summary><c>&lt;b&gt;-volumeinfo.json.gz</c>: BackupVolumeInfo array (Velero 1.13 and later).</summary>
    VolumeInfo,

    /// <summary><c>&lt;b&gt;-volumesnapshots.json.gz</c>: native volume snapshots; may be <c>null</c>.</summary>
    VolumeSnapshots,

    /// <summary><c>&lt;b&gt;-podvolumebackups.json.gz</c>: PodVolumeBackup objects; may be <c>null</c>.</summary>
    PodVolumeBackups,

    /// <summary><c>&lt;b&gt;-itemoperations.json.gz</c>: asynchronous backup item operations.</summary>
    ItemOperations,

    /// <summary><c>&lt;b&gt;-csi-volumesnapshots.json.gz</c> (written up to Velero 1.16).</summary>
    CsiVolumeSnapshots,

    /// <summary><c>&lt;b&gt;-csi-volumesnapshotcontents.json.gz</c> (written up to Velero 1.16).</summary>
    CsiVolumeSnapshotContents,

    /// <summary><c>&lt;b&gt;-csi-volumesnapshotclasses.json.gz</c> (written up to Velero 1.17).</summary>
    CsiVolumeSnapshotClasses,
}

/// <summary>
/// The one place that knows every object key of a Velero backup storage location (docs/velero-compatibility.md#storage-layout).
/// Keys are relative to the bucket (or local folder) and already carry the location prefix.
/// </summary>
internal sealed class ObjectStoreLayout
{
    /// <summary>The only top-level prefixes Velero accepts under the root (docs/velero-compatibility.md#storage-layout), without the trailing slash.</summary>
    public static readonly IReadOnlyList<string> VeleroTopLevelDirectories =
        new[] { "backups", "restores", "restic", "kopia", "metadata", "plugins" };

    /// <summary>Creates the layout for a location prefix; leading and trailing slashes are trimmed as Velero does.</summary>
    public ObjectStoreLayout(string? prefix)
    {
        var trimmed = (prefix ?? string.Empty).Trim('/');
        if (trimmed.Length > 0 && Array.Exists(trimmed.Split('/'), s => s.Length == 0 || s == "." || s == ".."))
        {
            throw new ArgumentException($"The prefix '{prefix}' has an empty, '.' or '..' segment.", nameof(prefix));
        }

        Prefix = trimmed;
        Root = trimmed.Length == 0 ? string.Empty : trimmed + "/";
    }

    /// <summary>The prefix without leading or trailing slashes; empty when the location has none.</summary>
    public string Prefix { get; }

    /// <summary>The root: empty, or the prefix followed by <c>/</c>.</summary>
    public string Root { get; }

    /// <summary><c>&lt;root&gt;backups/</c>.</summary>
    public string BackupsPrefix => Root + "backups/";

    /// <summary><c>&lt;root&gt;restores/</c>.</summary>
    public string RestoresPrefix => Root + "restores/";

    /// <summary>True when <paramref name="directory"/> (no slashes) is one of Velero's top-level directories.</summary>
    public static bool IsVeleroTopLevelDirectory(string directory) =>
        directory is "backups" or "restores" or "restic" or "kopia" or "metadata" or "plugins";

    /// <summary><c>&lt;root&gt;backups/&lt;b&gt;/</c>, with the trailing slash that keeps <c>a</c> from matching <c>ab</c>.</summary>
    public string BackupPrefix(string backup) => BackupsPrefix + CheckBackupName(backup) + "/";

    /// <summary>The backup object: <c>velero-backup.json</c>.</summary>
    public string BackupMetadataKey(string backup) => BackupPrefix(backup) + "velero-backup.json";

    /// <summary>The resource tarball: <c>&lt;b&gt;.tar.gz</c>.</summary>
    public string BackupTarballKey(string backup) => BackupPrefix(backup) + backup + ".tar.gz";

    /// <summary>The backup log: <c>&lt;b&gt;-logs.gz</c>.</summary>
    public string BackupLogsKey(string backup) => BackupFileKey(backup, BackupFile.Logs);

    /// <summary>The key of one optional backup file.</summary>
    public string BackupFileKey(string backup, BackupFile file)
    {
        var suffix = file switch
        {
            BackupFile.Logs => "-logs.gz",
            BackupFile.ResourceList => "-resource-list.json.gz",
            BackupFile.Results => "-results.gz",
            BackupFile.VolumeInfo => "-volumeinfo.json.gz",
            BackupFile.VolumeSnapshots => "-volumesnapshots.json.gz",
            BackupFile.PodVolumeBackups => "-podvolumebackups.json.gz",
            BackupFile.ItemOperations => "-itemoperations.json.gz",
            BackupFile.CsiVolumeSnapshots => "-csi-volumesnapshots.json.gz",
            BackupFile.CsiVolumeSnapshotContents => "-csi-volumesnapshotcontents.json.gz",
            BackupFile.CsiVolumeSnapshotClasses => "-csi-volumesnapshotclasses.json.gz",
            _ => throw new ArgumentOutOfRangeException(nameof(file), file, "Unknown backup file."),
        };
        return BackupPrefix(backup) + backup + suffix;
    }

    /// <summary>
    /// The backup name of a common prefix returned by listing <see cref="BackupsPrefix"/>
    /// (<c>&lt;root&gt;backups/nightly/</c> gives <c>nightly</c>); null when the prefix is not a backup folder.
    /// </summary>
    public string? BackupNameFromPrefix(string commonPrefix) => NameFromPrefix(commonPrefix, BackupsPrefix);

    /// <summary><c>&lt;root&gt;restores/&lt;r&gt;/</c>, with the trailing slash that keeps <c>r1</c> from matching <c>r10</c>.</summary>
    public string RestorePrefix(string restore) => RestoresPrefix + CheckRestoreName(restore) + "/";

    /// <summary>The restore log: <c>restore-&lt;r&gt;-logs.gz</c>.</summary>
    public string RestoreLogsKey(string restore) => RestorePrefix(restore) + "restore-" + restore + "-logs.gz";

    /// <summary>The restore results: <c>restore-&lt;r&gt;-results.gz</c>.</summary>
    public string RestoreResultsKey(string restore) => RestorePrefix(restore) + "restore-" + restore + "-results.gz";

    /// <summary>The restored resource list: <c>restore-&lt;r&gt;-resource-list.json.gz</c>.</summary>
    public string RestoreResourceListKey(string restore) => RestorePrefix(restore) + "restore-" + restore + "-resource-list.json.gz";

    /// <summary>The restore item operations: <c>restore-&lt;r&gt;-itemoperations.json.gz</c>.</summary>
    public string RestoreItemOperationsKey(string restore) => RestorePrefix(restore) + "restore-" + restore + "-itemoperations.json.gz";

    /// <summary>The restore volume info: <c>&lt;r&gt;-volumeinfo.json.gz</c> (no <c>restore-</c> prefix, as Velero writes it).</summary>
    public string RestoreVolumeInfoKey(string restore) => RestorePrefix(restore) + restore + "-volumeinfo.json.gz";

    /// <summary>
    /// Our own extension: the Restore object and its progress, <c>restore-&lt;r&gt;-record.json</c>. Velero
    /// never stores Restore objects (docs/velero-compatibility.md#restore-files); this name matches none of Velero's patterns, so Velero ignores it
    /// and still deletes it together with the restore prefix.
    /// </summary>
    public string RestoreRecordKey(string restore) => RestorePrefix(restore) + "restore-" + restore + "-record.json";

    /// <summary>Our own extension: the create-once claim on a restore name, <c>restore-&lt;r&gt;-claim.json</c>.</summary>
    public string RestoreClaimKey(string restore) => RestorePrefix(restore) + "restore-" + restore + "-claim.json";

    /// <summary>Our own extension: every item's outcome with its message, <c>restore-&lt;r&gt;-items.json.gz</c> (Get-RestoreItem).</summary>
    public string RestoreItemsKey(string restore) => RestorePrefix(restore) + "restore-" + restore + "-items.json.gz";

    /// <summary>The restore name of a common prefix returned by listing <see cref="RestoresPrefix"/>; null when it is not one.</summary>
    public string? RestoreNameFromPrefix(string commonPrefix) => NameFromPrefix(commonPrefix, RestoresPrefix);

    /// <summary>
    /// True when the engine may write <paramref name="key"/>: it must be a file under <c>&lt;root&gt;restores/&lt;r&gt;/</c>
    /// for a valid restore name. Nothing else is ever written, so no foreign top-level prefix can appear.
    /// </summary>
    public bool IsWritableKey(string key)
    {
        if (key is null || !key.StartsWith(RestoresPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = key.Substring(RestoresPrefix.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0 || slash == rest.Length - 1)
        {
            return false;
        }

        foreach (var segment in rest.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                return false;
            }
        }

        return IsValidRestoreName(rest.Substring(0, slash));
    }

    /// <summary>
    /// True when <paramref name="name"/> is a valid Restore name: a Kubernetes object name (DNS-1123 subdomain:
    /// at most 253 characters of <c>a-z</c>, <c>0-9</c>, <c>-</c> and <c>.</c>, starting and ending alphanumeric).
    /// </summary>
    public static bool IsValidRestoreName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name!.Length > 253)
        {
            return false;
        }

        foreach (var label in name.Split('.'))
        {
            if (label.Length == 0 || !IsAlphanumeric(label[0]) || !IsAlphanumeric(label[label.Length - 1]))
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!IsAlphanumeric(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// True when <paramref name="name"/> can be a backup folder name: not empty, not <c>.</c> or <c>..</c>, no <c>/</c>,
    /// <c>\</c>, <c>:</c> or control characters (Backup names are Kubernetes names, which have none of these).
    /// Backups are only read, so this is looser than <see cref="IsValidRestoreName"/>.
    /// </summary>
    public static bool IsValidBackupName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name == "." || name == "..")
        {
            return false;
        }

        foreach (var c in name!)
        {
            if (c == '/' || c == '\\' || c == ':' || char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAlphanumeric(char c) => c is >= 'a' and <= 'z' or >= '0' and <= '9';

    private static string CheckBackupName(string backup) =>
        IsValidBackupName(backup) ? backup : throw new ArgumentException($"'{backup}' is not a valid backup name.", nameof(backup));

    private static string CheckRestoreName(string restore) =>
        IsValidRestoreName(restore)
            ? restore
            : throw new ArgumentException($"'{restore}' is not a valid restore name: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters.", nameof(restore));

    private static string? NameFromPrefix(string commonPrefix, string parent)
    {
        if (commonPrefix is null || commonPrefix.Length <= parent.Length || !commonPrefix.StartsWith(parent, StringComparison.Ordinal) || !commonPrefix.EndsWith("/", StringComparison.Ordinal))
        {
            return null;
        }

        var name = commonPrefix.Substring(parent.Length, commonPrefix.Length - parent.Length - 1);
        return name.Length > 0 && name.IndexOf('/') < 0 ? name : null;
    }
}
