using Restore.Engine.Actions;
using Xunit;
using static Restore.Engine.Tests.Actions.ActionTestKit;

namespace Restore.Engine.Tests.Actions;

public class PersistentVolumeClaimActionTests
{
    private const string AllAnnotations =
        "{'metadata':{'name':'data','annotations':{'pv.kubernetes.io/bind-completed':'yes','pv.kubernetes.io/bound-by-controller':'yes','volume.kubernetes.io/storage-provisioner':'ebs.csi.aws.com','volume.beta.kubernetes.io/storage-provisioner':'ebs.csi.aws.com','volume.kubernetes.io/selected-node':'node-1','velero.io/volume-snapshot-name':'vs-1','velero.io/data-upload-name':'du-1','keep':'me'}},'spec':{'volumeName':'pv-1'}}";

    [Theory]
    [InlineData(
        "all seven annotations removed, others kept; bound backup copy pulls in its PV",
        AllAnnotations,
        "{'status':{'phase':'Bound'},'spec':{'volumeName':'pv-1'}}",
        "",
        "{'metadata':{'name':'data','annotations':{'keep':'me'}},'spec':{'volumeName':'pv-1'}}",
        "persistentvolumes//pv-1")]
    [InlineData(
        "selected-node remapped when the node is mapped",
        AllAnnotations,
        "{'status':{'phase':'Pending'},'spec':{'volumeName':'pv-1'}}",
        "node-1=node-9",
        "{'metadata':{'name':'data','annotations':{'volume.kubernetes.io/selected-node':'node-9','keep':'me'}},'spec':{'volumeName':'pv-1'}}",
        "")]
    [InlineData(
        "selected-node removed when another node is mapped",
        AllAnnotations,
        "{'status':{'phase':'Bound'},'spec':{}}",
        "node-2=node-9",
        "{'metadata':{'name':'data','annotations':{'keep':'me'}},'spec':{'volumeName':'pv-1'}}",
        "")]
    [InlineData(
        "emptied annotations are dropped",
        "{'metadata':{'name':'data','annotations':{'pv.kubernetes.io/bind-completed':'yes'}},'spec':{}}",
        "{'status':{'phase':'Bound'},'spec':{'volumeName':''}}",
        "",
        "{'metadata':{'name':'data'},'spec':{}}",
        "")]
    [InlineData(
        "a claim without annotations is unchanged",
        "{'metadata':{'name':'data'},'spec':{'volumeName':'pv-1'}}",
        "{'status':{'phase':'Lost'},'spec':{'volumeName':'pv-1'}}",
        "",
        "{'metadata':{'name':'data'},'spec':{'volumeName':'pv-1'}}",
        "")]
    public void StripsBindingAnnotationsAndAddsTheBoundVolume(string name, string item, string backup, string nodeMapping, string expected, string additional)
    {
        Assert.NotNull(name);
        var options = new RestoreActionOptions { NodeMapping = Map(nodeMapping) };
        var context = Context(item, "persistentvolumeclaims", options: options, itemFromBackup: backup);
        var result = Run(new PersistentVolumeClaimAction(), context);

        AssertJson(expected, context.Item);
        Assert.Equal(additional, Describe(result.AdditionalItems));
        Assert.False(result.Skip);
    }
}
