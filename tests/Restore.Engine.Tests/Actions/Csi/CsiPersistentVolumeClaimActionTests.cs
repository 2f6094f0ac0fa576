using Restore.Engine.Actions;
using Restore.Engine.Actions.Csi;
using Restore.Engine.Velero;
using Xunit;
using static Restore.Engine.Tests.Actions.ActionTestKit;

namespace Restore.Engine.Tests.Actions.Csi;

public class CsiPersistentVolumeClaimActionTests
{
    private const string Claim =
        "{'metadata':{'name':'data'},'spec':{'volumeName':'pv-1','dataSource':{'kind':'PersistentVolumeClaim','name':'src'},'dataSourceRef':{'kind':'PersistentVolumeClaim','name':'src'},'resources':{'requests':{'storage':'1Gi'}}}}";

    private const string BackupWithSnapshot =
        "{'metadata':{'name':'data','annotations':{'velero.io/volume-snapshot-name':'vs-data'}},'spec':{'volumeName':'pv-1'}}";

    private const string BackupWithoutSnapshot = "{'metadata':{'name':'data'},'spec':{'volumeName':'pv-1'}}";

    // sha256("restore-uid-1/vs-data"), as Velero names the restored VolumeSnapshot.
    private const string RestoredSnapshotName = "5f09d76555453be2b1a99c5abbb484ca1b1e7f2d1a0d1fe1917559a04626a88f";

    [Theory]
    [InlineData(
        "restorePVs false: volume name and data sources cleared",
        false, false, true, false, BackupWithSnapshot,
        "{'metadata':{'name':'data'},'spec':{'resources':{'requests':{'storage':'1Gi'}}}}", "")]
    [InlineData(
        "restorePVs false but the claim exists in the target: unchanged",
        false, false, true, true, BackupWithSnapshot, Claim, "")]
    [InlineData(
        "CSI actions disabled: unchanged",
        false, false, false, false, BackupWithSnapshot, Claim, "")]
    [InlineData(
        "CSI snapshot: pointed at the restored VolumeSnapshot, which is pulled in",
        null, false, true, false, BackupWithSnapshot,
        "{'metadata':{'name':'data'},'spec':{'dataSource':{'apiGroup':'snapshot.storage.k8s.io','kind':'VolumeSnapshot','name':'@VS'},'resources':{'requests':{'storage':'1Gi'}}}}",
        "volumesnapshots.snapshot.storage.k8s.io/shop/vs-data")]
    [InlineData(
        "no snapshot annotation on the backup copy: unchanged",
        true, false, true, false, BackupWithoutSnapshot, Claim, "")]
    [InlineData(
        "data mover backup: unchanged here, the PV restorer re-provisions",
        true, true, true, false, BackupWithSnapshot, Claim, "")]
    public void RewritesClaimsForCsiRestores(string name, bool? restorePvs, bool moveData, bool csiEnabled, bool claimExists, string backup, string expected, string additional)
    {
        Assert.NotNull(name);
        var cluster = new FakeCluster();
        if (claimExists)
        {
            cluster.Claims.Add("shop-copy/data");
        }

        var options = new RestoreActionOptions
        {
            RestorePersistentVolumes = restorePvs,
            CsiActionsEnabled = csiEnabled,
            RestoreUid = "restore-uid-1",
            BackupVolumes = new BackupVolumeData { SnapshotMoveData = moveData, CsiVolumeSnapshots = new[] { Snapshot }, CsiVolumeSnapshotContents = new[] { Content } },
        };
        var context = Context(Claim, "persistentvolumeclaims", "shop", "shop-copy", options, cluster, backup);
        var result = Run(new CsiPersistentVolumeClaimAction(), context);

        AssertJson(expected.Replace("@VS", RestoredSnapshotName, System.StringComparison.Ordinal), context.Item);
        Assert.Equal(additional, Describe(result.AdditionalItems));
        Assert.False(result.Skip);
    }

    private static readonly CsiVolumeSnapshotRecord Snapshot = new() { Namespace = "shop", Name = "vs-data", BoundVolumeSnapshotContentName = "snapcontent-1", InTarball = true };

    private static readonly CsiVolumeSnapshotContentRecord Content = new() { Name = "snapcontent-1", Driver = "hostpath.csi.k8s.io", SnapshotHandle = "snap-handle-1", SnapshotNamespace = "shop", SnapshotName = "vs-data", InTarball = true };

    // Each row breaks the snapshot -> content -> handle chain in one place: the claim must not be pointed at a
    // VolumeSnapshot that will never be ready, and the warning names what is missing and the Velero server.
    [Theory]
    [InlineData("snapshot not in the backup", "", "", "", true, "the VolumeSnapshot shop/vs-data is not in the backup")]
    [InlineData("snapshot only in the legacy CSI file", "legacy", "snapcontent-1", "snap-handle-1", true, "listed in the backup's CSI snapshot file but not stored in its tarball")]
    [InlineData("snapshot without a bound content", "tarball", "", "snap-handle-1", true, "has no bound VolumeSnapshotContent")]
    [InlineData("content not in the backup", "tarball", "snapcontent-1", "", false, "its VolumeSnapshotContent snapcontent-1 is not in the backup tarball")]
    [InlineData("content without a snapshot handle", "tarball", "snapcontent-1", "", true, "its VolumeSnapshotContent snapcontent-1 has no snapshot handle")]
    public void BrokenSnapshotChainsWarnAndGiveTheClaimANewVolume(string name, string snapshotWhere, string bound, string handle, bool contentInTarball, string problem)
    {
        Assert.NotNull(name);
        var snapshots = snapshotWhere.Length == 0
            ? System.Array.Empty<CsiVolumeSnapshotRecord>()
            : new[] { new CsiVolumeSnapshotRecord { Namespace = "shop", Name = "vs-data", BoundVolumeSnapshotContentName = bound, InTarball = snapshotWhere == "tarball" } };
        var contents = new[] { new CsiVolumeSnapshotContentRecord { Name = "snapcontent-1", Driver = "hostpath.csi.k8s.io", SnapshotHandle = handle, InTarball = contentInTarball } };
        var options = new RestoreActionOptions
        {
            CsiActionsEnabled = true,
            RestoreUid = "restore-uid-1",
            BackupVolumes = new BackupVolumeData { CsiVolumeSnapshots = snapshots, CsiVolumeSnapshotContents = contents },
        };
        var context = Context(Claim, "persistentvolumeclaims", "shop", "shop-copy", options, new FakeCluster(), BackupWithSnapshot);
        var result = Run(new CsiPersistentVolumeClaimAction(), context);

        AssertJson("{'metadata':{'name':'data'},'spec':{'resources':{'requests':{'storage':'1Gi'}}}}", context.Item);
        Assert.Empty(result.AdditionalItems);
        var warning = Assert.Single(context.Warnings);
        Assert.Contains("claim shop-copy/data", warning, System.StringComparison.Ordinal);
        Assert.Contains(problem, warning, System.StringComparison.Ordinal);
        Assert.Contains("New-Restore -Server", warning, System.StringComparison.Ordinal);
        Assert.Contains("Velero server (New-Restore -Server)", Assert.Single(context.Notes), System.StringComparison.Ordinal);
    }

    [Fact]
    public void AUsableChainIsDescribedWithItsHandleAndDriver()
    {
        var options = new RestoreActionOptions
        {
            CsiActionsEnabled = true,
            RestoreUid = "restore-uid-1",
            BackupVolumes = new BackupVolumeData { CsiVolumeSnapshots = new[] { Snapshot }, CsiVolumeSnapshotContents = new[] { Content } },
        };
        var context = Context(Claim, "persistentvolumeclaims", "shop", "shop-copy", options, new FakeCluster(), BackupWithSnapshot);
        Run(new CsiPersistentVolumeClaimAction(), context);

        Assert.Empty(context.Warnings);
        var note = Assert.Single(context.Notes);
        Assert.Contains($"VolumeSnapshotContent {RestoredSnapshotName} is created from snapshot handle snap-handle-1 of driver hostpath.csi.k8s.io", note, System.StringComparison.Ordinal);
    }

    [Fact]
    public void ADataMoverClaimIsDescribedAsNeedingTheServer()
    {
        var options = new RestoreActionOptions
        {
            CsiActionsEnabled = true,
            RestoreUid = "restore-uid-1",
            BackupVolumes = new BackupVolumeData { SnapshotMoveData = true, DataUploads = new[] { new DataUploadRecord { Name = "du-7", SourceNamespace = "shop", SourcePvc = "data" } } },
        };
        var context = Context(Claim, "persistentvolumeclaims", "shop", "shop-copy", options, new FakeCluster(), BackupWithSnapshot);
        var result = Run(new CsiPersistentVolumeClaimAction(), context);

        Assert.Empty(result.AdditionalItems);
        var note = Assert.Single(context.Notes);
        Assert.Contains("DataUpload du-7", note, System.StringComparison.Ordinal);
        Assert.Contains("New-Restore -Server", note, System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("restore-uid-1", "vs-data", RestoredSnapshotName)]
    [InlineData("", "", "8a5edab282632443219e051e4ade2d1d5bbc671c781051bf1437897cbdfea0f1")]
    public void SnapshotNamesAreLowercaseSha256OfUidSlashName(string restoreUid, string snapshot, string expected) =>
        Assert.Equal(expected, CsiSnapshotNames.ForRestore(restoreUid, snapshot));
}
