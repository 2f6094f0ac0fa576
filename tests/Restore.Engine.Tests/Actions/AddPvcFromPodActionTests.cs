using Restore.Engine.Actions;
using Xunit;
using static Restore.Engine.Tests.Actions.ActionTestKit;

namespace Restore.Engine.Tests.Actions;

public class AddPvcFromPodActionTests
{
    [Theory]
    [InlineData("{'spec':{'volumes':[{'name':'a','persistentVolumeClaim':{'claimName':'data'}},{'name':'b','emptyDir':{}},{'name':'c','persistentVolumeClaim':{'claimName':'logs'}}]}}", "shop", "persistentvolumeclaims/shop/data;persistentvolumeclaims/shop/logs")]
    [InlineData("{'spec':{'volumes':[{'name':'b','emptyDir':{}}]}}", "shop", "")]
    [InlineData("{'spec':{}}", "shop", "")]
    [InlineData("{'spec':{'volumes':[{'name':'a','persistentVolumeClaim':{'claimName':'data'}}]}}", "src-ns", "persistentvolumeclaims/src-ns/data")]
    public void AddsEveryClaimFromTheSourceNamespace(string pod, string sourceNamespace, string expected)
    {
        // The target namespace differs: additional items are named by their place in the backup.
        var context = Context(pod, "pods", sourceNamespace, "mapped");
        var before = context.Item.DeepClone();
        var result = Run(new AddPvcFromPodAction(), context);

        Assert.Equal(expected, Describe(result.AdditionalItems));
        Assert.False(result.Skip);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(before, context.Item), "the pod must not change");
    }
}
