using Restore.Engine.Actions;
using Restore.Engine.Actions.Csi;
using Xunit;
using static Restore.Engine.Tests.Actions.ActionTestKit;

namespace Restore.Engine.Tests.Actions.Csi;

public class CsiVolumeSnapshotClassActionTests
{
    [Theory]
    [InlineData("{'metadata':{'name':'c','annotations':{'csi.storage.k8s.io/snapshotter-list-secret-name':'s','csi.storage.k8s.io/snapshotter-list-secret-namespace':'ns'}}}", null, true, false, "secrets/ns/s")]
    [InlineData("{'metadata':{'name':'c','annotations':{'csi.storage.k8s.io/snapshotter-list-secret-name':'s'}}}", true, true, false, "")]
    [InlineData("{'metadata':{'name':'c'}}", false, true, true, "")]
    [InlineData("{'metadata':{'name':'c'}}", false, false, false, "")]
    public void PullsInTheListSecret(string input, bool? restorePvs, bool csiEnabled, bool skipped, string additional)
    {
        var options = new RestoreActionOptions { RestorePersistentVolumes = restorePvs, CsiActionsEnabled = csiEnabled };
        var context = Context(input, "volumesnapshotclasses.snapshot.storage.k8s.io", string.Empty, options: options);
        var before = context.Item.DeepClone();
        var result = Run(new CsiVolumeSnapshotClassAction(), context);

        Assert.Equal(skipped, result.Skip);
        Assert.Equal(additional, Describe(result.AdditionalItems));
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(before, context.Item));
    }
}
