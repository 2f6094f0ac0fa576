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
            BackupVolumes = new BackupVolumeData { SnapshotMoveData = moveData },
        };
        var context = Context(Claim, "persistentvolumeclaims", "shop", "shop-copy", options, cluster, backup);
        var result = Run(new CsiPersistentVolumeClaimAction(), context);

        AssertJson(expected.Replace("@VS", RestoredSnapshotName, System.StringComparison.Ordinal), context.Item);
        Assert.Equal(additional, Describe(result.AdditionalItems));
        Assert.False(result.Skip);
    }

    [Theory]
    [InlineData("restore-uid-1", "vs-data", RestoredSnapshotName)]
    [InlineData("", "", "8a5edab282632443219e051e4ade2d1d5bbc671c781051bf1437897cbdfea0f1")]
    public void SnapshotNamesAreLowercaseSha256OfUidSlashName(string restoreUid, string snapshot, string expected) =>
        Assert.Equal(expected, CsiSnapshotNames.ForRestore(restoreUid, snapshot));
}
