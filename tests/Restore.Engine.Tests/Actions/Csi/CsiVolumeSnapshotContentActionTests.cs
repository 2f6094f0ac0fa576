using System.Collections.Generic;
using Restore.Engine.Actions;
using Restore.Engine.Actions.Csi;
using Xunit;
using static Restore.Engine.Tests.Actions.ActionTestKit;

namespace Restore.Engine.Tests.Actions.Csi;

public class CsiVolumeSnapshotContentActionTests
{
    private const string Content =
        "{'metadata':{'name':'snapcontent-1'},'spec':{'deletionPolicy':'Delete','driver':'ebs.csi.aws.com','source':{'volumeHandle':'vol-1'},'volumeSnapshotClassName':'old-class','volumeSnapshotRef':{'kind':'VolumeSnapshot','name':'vs-data','namespace':'shop','uid':'u-1','resourceVersion':'42'}}}";

    private const string ContentWithSecret =
        "{'metadata':{'name':'snapcontent-1','annotations':{'csi.storage.k8s.io/snapshotter-secret-name':'creds','csi.storage.k8s.io/snapshotter-secret-namespace':'kube-system'}},'spec':{'driver':'ebs.csi.aws.com','source':{'volumeHandle':'vol-1'},'volumeSnapshotRef':{'name':'vs-data','namespace':'other'}}}";

    private const string BackupCopy =
        "{'metadata':{'name':'snapcontent-1'},'spec':{'volumeSnapshotRef':{'name':'vs-data','namespace':'shop'}},'status':{'snapshotHandle':'snap-0abc','readyToUse':true}}";

    [Theory]
    [InlineData(
        "pre-provisioned with Retain, mapped namespace, class by driver",
        Content, "shop=shop-copy", "ebs.csi.aws.com=class-a;class-b",
        "{'metadata':{'name':'@N'},'spec':{'deletionPolicy':'Retain','driver':'ebs.csi.aws.com','source':{'snapshotHandle':'snap-0abc'},'volumeSnapshotClassName':'class-a','volumeSnapshotRef':{'kind':'VolumeSnapshot','name':'@N','namespace':'shop-copy'}}}",
        "")]
    [InlineData(
        "no class for the driver: class removed; secret pulled in; unmapped namespace kept",
        ContentWithSecret, "shop=shop-copy", "",
        "{'metadata':{'name':'@N','annotations':{'csi.storage.k8s.io/snapshotter-secret-name':'creds','csi.storage.k8s.io/snapshotter-secret-namespace':'kube-system'}},'spec':{'deletionPolicy':'Retain','driver':'ebs.csi.aws.com','source':{'snapshotHandle':'snap-0abc'},'volumeSnapshotRef':{'name':'@N','namespace':'other'}}}",
        "secrets/kube-system/creds")]
    public void RestoresContentsAsPreProvisioned(string name, string input, string mapping, string classes, string expected, string additional)
    {
        Assert.NotNull(name);
        var cluster = new FakeCluster();
        if (classes.Length > 0)
        {
            var parts = classes.Split('=');
            cluster.SnapshotClassesByDriver[parts[0]] = new List<string>(parts[1].Split(';'));
        }

        var options = new RestoreActionOptions { RestoreUid = "uid-7", NamespaceMapping = Map(mapping) };
        var context = Context(input, "volumesnapshotcontents.snapshot.storage.k8s.io", string.Empty, options: options, cluster: cluster, itemFromBackup: BackupCopy);
        var result = Run(new CsiVolumeSnapshotContentAction(), context);

        // The name matches the one the VolumeSnapshot action gives the snapshot it belongs to.
        AssertJson(expected.Replace("@N", CsiSnapshotNames.ForRestore("uid-7", "vs-data"), System.StringComparison.Ordinal), context.Item);
        Assert.Equal(additional, Describe(result.AdditionalItems));
        Assert.False(result.Skip);
    }

    [Theory]
    [InlineData(false, true, true)]
    [InlineData(false, false, false)]
    public void RestorePvsFalseSkipsWhenCsiActionsRun(bool? restorePvs, bool csiEnabled, bool skipped)
    {
        var options = new RestoreActionOptions { RestorePersistentVolumes = restorePvs, CsiActionsEnabled = csiEnabled };
        var context = Context(Content, "volumesnapshotcontents.snapshot.storage.k8s.io", string.Empty, options: options, itemFromBackup: BackupCopy);
        Assert.Equal(skipped, Run(new CsiVolumeSnapshotContentAction(), context).Skip);
    }

    [Fact]
    public void ABackupCopyWithoutSnapshotHandleFailsTheItem()
    {
        var context = Context(Content, "volumesnapshotcontents.snapshot.storage.k8s.io", string.Empty, itemFromBackup: "{'metadata':{'name':'snapcontent-1'},'spec':{'volumeSnapshotRef':{'name':'vs-data'}},'status':{}}");
        var ex = Assert.Throws<RestoreItemActionException>(() => new CsiVolumeSnapshotContentAction().Execute(context));
        Assert.Contains("snapcontent-1", ex.Message, System.StringComparison.Ordinal);
    }
}
