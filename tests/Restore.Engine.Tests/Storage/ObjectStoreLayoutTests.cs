using System;
using Restore.Engine.Storage;
using Xunit;

namespace Restore.Engine.Tests.Storage;

public class ObjectStoreLayoutTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("team-a", "team-a/")]
    [InlineData("/team-a/", "team-a/")]
    [InlineData("//team-a/velero//", "team-a/velero/")]
    public void TrimsPrefixSlashesAsVeleroDoes(string? prefix, string root)
    {
        var layout = new ObjectStoreLayout(prefix);
        Assert.Equal(root, layout.Root);
        Assert.Equal(root + "backups/", layout.BackupsPrefix);
        Assert.Equal(root + "restores/", layout.RestoresPrefix);
    }

    [Theory]
    [InlineData("a//b")]
    [InlineData("a/../b")]
    [InlineData("./a")]
    public void RejectsPrefixesWithEmptyOrDotSegments(string prefix)
    {
        Assert.Throws<ArgumentException>(() => new ObjectStoreLayout(prefix));
    }

    [Theory]
    [InlineData("metadata", "team-a/backups/nightly/velero-backup.json")]
    [InlineData("tarball", "team-a/backups/nightly/nightly.tar.gz")]
    [InlineData("logs", "team-a/backups/nightly/nightly-logs.gz")]
    [InlineData(nameof(BackupFile.ResourceList), "team-a/backups/nightly/nightly-resource-list.json.gz")]
    [InlineData(nameof(BackupFile.Results), "team-a/backups/nightly/nightly-results.gz")]
    [InlineData(nameof(BackupFile.VolumeInfo), "team-a/backups/nightly/nightly-volumeinfo.json.gz")]
    [InlineData(nameof(BackupFile.VolumeSnapshots), "team-a/backups/nightly/nightly-volumesnapshots.json.gz")]
    [InlineData(nameof(BackupFile.PodVolumeBackups), "team-a/backups/nightly/nightly-podvolumebackups.json.gz")]
    [InlineData(nameof(BackupFile.ItemOperations), "team-a/backups/nightly/nightly-itemoperations.json.gz")]
    [InlineData(nameof(BackupFile.CsiVolumeSnapshots), "team-a/backups/nightly/nightly-csi-volumesnapshots.json.gz")]
    [InlineData(nameof(BackupFile.CsiVolumeSnapshotContents), "team-a/backups/nightly/nightly-csi-volumesnapshotcontents.json.gz")]
    [InlineData(nameof(BackupFile.CsiVolumeSnapshotClasses), "team-a/backups/nightly/nightly-csi-volumesnapshotclasses.json.gz")]
    public void BackupKeys(string which, string expected)
    {
        var layout = new ObjectStoreLayout("/team-a/");
        var key = which switch
        {
            "metadata" => layout.BackupMetadataKey("nightly"),
            "tarball" => layout.BackupTarballKey("nightly"),
            "logs" => layout.BackupLogsKey("nightly"),
            _ => layout.BackupFileKey("nightly", Enum.Parse<BackupFile>(which)),
        };
        Assert.Equal(expected, key);
    }

    [Fact]
    public void RestoreKeys()
    {
        var layout = new ObjectStoreLayout(string.Empty);
        Assert.Equal("restores/r1/", layout.RestorePrefix("r1"));
        Assert.Equal("restores/r1/restore-r1-logs.gz", layout.RestoreLogsKey("r1"));
        Assert.Equal("restores/r1/restore-r1-results.gz", layout.RestoreResultsKey("r1"));
        Assert.Equal("restores/r1/restore-r1-resource-list.json.gz", layout.RestoreResourceListKey("r1"));
        Assert.Equal("restores/r1/restore-r1-itemoperations.json.gz", layout.RestoreItemOperationsKey("r1"));
        Assert.Equal("restores/r1/r1-volumeinfo.json.gz", layout.RestoreVolumeInfoKey("r1"));
        Assert.Equal("restores/r1/restore-r1-record.json", layout.RestoreRecordKey("r1"));
        Assert.Equal("restores/r1/restore-r1-claim.json", layout.RestoreClaimKey("r1"));
    }

    [Theory]
    [InlineData("restore-r1-record.json")]
    [InlineData("restore-r1-claim.json")]
    public void OurExtensionFilesMatchNoVeleroRestoreFilePattern(string fileName)
    {
        // Velero's restore files: restore-<r>-logs.gz, -results.gz, -resource-list.json.gz, -itemoperations.json.gz, <r>-volumeinfo.json.gz.
        foreach (var suffix in new[] { "-logs.gz", "-results.gz", "-resource-list.json.gz", "-itemoperations.json.gz", "-volumeinfo.json.gz" })
        {
            Assert.False(fileName.EndsWith(suffix, StringComparison.Ordinal), $"{fileName} ends with Velero's {suffix}");
        }
    }

    [Fact]
    public void ARestorePrefixDoesNotMatchAnotherRestoreWithTheSameStart()
    {
        var layout = new ObjectStoreLayout(null);
        Assert.False(layout.RestoreLogsKey("r10").StartsWith(layout.RestorePrefix("r1"), StringComparison.Ordinal));
        Assert.False(layout.BackupTarballKey("ab").StartsWith(layout.BackupPrefix("a"), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("p/restores/r1/restore-r1-record.json", true)]
    [InlineData("p/restores/r1/anything", true)]
    [InlineData("p/restores/r1/sub/file", true)]
    [InlineData("p/restores/r1/", false)]
    [InlineData("p/restores/r1", false)]
    [InlineData("p/restores/R1/x", false)]
    [InlineData("p/restores/r1/../../backups/x", false)]
    [InlineData("p/restores//x", false)]
    [InlineData("p/backups/b/velero-backup.json", false)]
    [InlineData("p/restic/x", false)]
    [InlineData("restores/r1/x", false)]
    [InlineData("p/other/x", false)]
    [InlineData("p/x", false)]
    public void OnlyFilesUnderARestoreFolderAreWritable(string key, bool writable)
    {
        Assert.Equal(writable, new ObjectStoreLayout("p").IsWritableKey(key));
    }

    [Theory]
    [InlineData("r1", true)]
    [InlineData("nightly-20250101000000-20250102", true)]
    [InlineData("a.b-c", true)]
    [InlineData("", false)]
    [InlineData("R1", false)]
    [InlineData("-r1", false)]
    [InlineData("r1-", false)]
    [InlineData("r_1", false)]
    [InlineData("a..b", false)]
    [InlineData("a/b", false)]
    public void RestoreNamesAreKubernetesNames(string name, bool valid)
    {
        Assert.Equal(valid, ObjectStoreLayout.IsValidRestoreName(name));
        if (!valid)
        {
            Assert.Throws<ArgumentException>(() => new ObjectStoreLayout(null).RestorePrefix(name));
        }
    }

    [Theory]
    [InlineData("backups/nightly/", "nightly")]
    [InlineData("backups/a.b/", "a.b")]
    [InlineData("backups/", null)]
    [InlineData("backups/x", null)]
    [InlineData("other/x/", null)]
    public void BackupNameFromPrefix(string prefix, string? name)
    {
        Assert.Equal(name, new ObjectStoreLayout(null).BackupNameFromPrefix(prefix));
    }

    [Theory]
    [InlineData("backups", true)]
    [InlineData("restores", true)]
    [InlineData("restic", true)]
    [InlineData("kopia", true)]
    [InlineData("metadata", true)]
    [InlineData("plugins", true)]
    [InlineData("foo", false)]
    [InlineData("Backups", false)]
    public void KnowsVelerosTopLevelDirectories(string name, bool allowed)
    {
        Assert.Equal(allowed, ObjectStoreLayout.IsVeleroTopLevelDirectory(name));
    }
}
