using System;
using System.Collections.Generic;
using System.Linq;
using Restore.Engine.Actions;
using Xunit;

namespace Restore.Engine.Tests.Actions;

public class BuiltInRestoreItemActionsTests
{
    [Fact]
    public void ActionsComeInVelerosRunOrder()
    {
        var names = BuiltInRestoreItemActions.Create().Select(a => a.Name).ToList();

        Assert.Equal(BuiltInRestoreItemActions.RunOrder, names);
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void RunOrderIsSortedByNameWithV1BeforeCsi()
    {
        // Velero's plugin server lists names of each kind through a sorted set; CSI actions are v2.
        var v1 = BuiltInRestoreItemActions.RunOrder.Where(n => !n.StartsWith("velero.io/csi-", StringComparison.Ordinal)).ToList();
        var v2 = BuiltInRestoreItemActions.RunOrder.Where(n => n.StartsWith("velero.io/csi-", StringComparison.Ordinal)).ToList();

        Assert.Equal(v1.OrderBy(n => n, StringComparer.Ordinal), v1);
        Assert.Equal(v2.OrderBy(n => n, StringComparer.Ordinal), v2);
        Assert.Equal(v1.Concat(v2), BuiltInRestoreItemActions.RunOrder);
        Assert.Equal(21, BuiltInRestoreItemActions.RunOrder.Count);
    }

    [Theory]
    [InlineData("pods", "velero.io/add-pvc-from-pod,velero.io/change-image-name,velero.io/init-restore-hook,velero.io/pod,velero.io/pod-volume-restore")]
    [InlineData("persistentvolumeclaims", "velero.io/change-storage-class,velero.io/pvc,velero.io/csi-pvc-restorer")]
    [InlineData("persistentvolumes", "velero.io/change-storage-class")]
    [InlineData("statefulsets.apps", "velero.io/change-image-name,velero.io/change-storage-class")]
    [InlineData("jobs.batch", "velero.io/change-image-name,velero.io/job")]
    [InlineData("configmaps", "")]
    [InlineData("volumesnapshotcontents.snapshot.storage.k8s.io", "velero.io/csi-volumesnapshotcontent-restorer")]
    public void EachResourceGetsItsActionsInOrder(string groupResource, string expected)
    {
        var names = BuiltInRestoreItemActions.Create().Where(a => a.AppliesTo(groupResource)).Select(a => a.Name);
        Assert.Equal(expected, string.Join(",", names));
    }
}
