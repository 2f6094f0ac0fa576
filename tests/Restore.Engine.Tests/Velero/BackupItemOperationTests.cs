using System;
using System.Linq;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Velero;

/// <summary>The backup's item operations file as Velero writes it: Go field names inside the resource identifier.</summary>
public class BackupItemOperationTests
{
    [Theory]
    [InlineData("""[{"spec":{"backupItemAction":"example.io/x","operationID":"op","resourceIdentifier":{"Group":"apps","Resource":"deployments","Namespace":"ns","Name":"n"}},"status":{"phase":"Completed"}}]""", "example.io/x", "deployments.apps", "ns", "n", "op", "Completed", false)]
    [InlineData("""[{"spec":{"backupItemAction":"velero.io/csi-pvc-backupper","resourceIdentifier":{"Group":"","Resource":"persistentvolumeclaims","Namespace":"ns","Name":"c"}}}]""", "velero.io/csi-pvc-backupper", "persistentvolumeclaims", "ns", "c", "", "", true)]
    [InlineData("""[{"spec":{"backupItemAction":"velero.io/vsphere-pvc-backupper","resourceIdentifier":{"group":"","resource":"persistentvolumeclaims","namespace":"ns","name":"c"}}}]""", "velero.io/vsphere-pvc-backupper", "persistentvolumeclaims", "ns", "c", "", "", false)]
    public void Parses_OneOperation(string json, string plugin, string groupResource, string ns, string name, string id, string phase, bool builtIn)
    {
        var op = Assert.Single(BackupItemOperation.ParseList(json));

        Assert.Equal(plugin, op.BackupItemAction);
        Assert.Equal(groupResource, op.GroupResource);
        Assert.Equal(ns, op.Namespace);
        Assert.Equal(name, op.Name);
        Assert.Equal(id, op.OperationId);
        Assert.Equal(phase, op.Phase);
        Assert.Equal(builtIn, op.IsBuiltIn);
    }

    [Theory]
    [InlineData("null", 0)]
    [InlineData("[]", 0)]
    [InlineData("[null, {\"spec\":{}}]", 1)]
    public void Parses_EmptyAndNullLists(string json, int count)
    {
        Assert.Equal(count, BackupItemOperation.ParseList(json).Count);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"spec\":{}}")]
    public void RefusesWhatIsNotAList(string json)
    {
        Assert.Throws<FormatException>(() => BackupItemOperation.ParseList(json).ToList());
    }
}
