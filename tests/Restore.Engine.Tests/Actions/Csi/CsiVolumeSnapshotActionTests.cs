using Restore.Engine.Actions;
using Restore.Engine.Actions.Csi;
using Xunit;
using static Restore.Engine.Tests.Actions.ActionTestKit;

namespace Restore.Engine.Tests.Actions.Csi;

public class CsiVolumeSnapshotActionTests
{
    private const string Snapshot =
        "{'metadata':{'name':'vs-data','annotations':{'a':'b'}},'spec':{'source':{'persistentVolumeClaimName':'data'},'volumeSnapshotClassName':'csi-snap'}}";

    private const string BackupCopy =
        "{'metadata':{'name':'vs-data'},'spec':{'source':{'persistentVolumeClaimName':'data'}},'status':{'boundVolumeSnapshotContentName':'snapcontent-1','readyToUse':true}}";

    [Theory]
    [InlineData(
        "pre-provisioned from the restored content, content pulled in",
        null, true, BackupCopy, false,
        "{'metadata':{'name':'@N','annotations':{'a':'b','velero.io/csi-vsc-deletion-policy':'Retain'}},'spec':{'source':{'volumeSnapshotContentName':'@N'}}}",
        "volumesnapshotcontents.snapshot.storage.k8s.io//snapcontent-1")]
    [InlineData(
        "restorePVs false: skipped",
        false, true, BackupCopy, true, Snapshot, "")]
    [InlineData(
        "CSI actions disabled: unchanged",
        false, false, BackupCopy, false, Snapshot, "")]
    public void RestoresSnapshotsAsPreProvisioned(string name, bool? restorePvs, bool csiEnabled, string backup, bool skipped, string expected, string additional)
    {
        Assert.NotNull(name);
        var options = new RestoreActionOptions { RestorePersistentVolumes = restorePvs, CsiActionsEnabled = csiEnabled, RestoreUid = "uid-7" };
        var context = Context(Snapshot, "volumesnapshots.snapshot.storage.k8s.io", options: options, itemFromBackup: backup);
        var result = Run(new CsiVolumeSnapshotAction(), context);

        Assert.Equal(skipped, result.Skip);
        if (!skipped)
        {
            AssertJson(expected.Replace("@N", CsiSnapshotNames.ForRestore("uid-7", "vs-data"), System.StringComparison.Ordinal), context.Item);
        }

        Assert.Equal(additional, Describe(result.AdditionalItems));
    }

    [Fact]
    public void ABackupCopyWithoutBoundContentFailsTheItem()
    {
        var context = Context(Snapshot, "volumesnapshots.snapshot.storage.k8s.io", itemFromBackup: "{'metadata':{'name':'vs-data'},'status':{}}");
        var ex = Assert.Throws<RestoreItemActionException>(() => new CsiVolumeSnapshotAction().Execute(context));
        Assert.Contains("vs-data", ex.Message, System.StringComparison.Ordinal);
    }
}
