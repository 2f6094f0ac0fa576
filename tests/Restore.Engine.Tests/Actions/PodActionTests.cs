using Restore.Engine.Actions;
using Xunit;
using static Restore.Engine.Tests.Actions.ActionTestKit;

namespace Restore.Engine.Tests.Actions;

public class PodActionTests
{
    [Theory]
    [InlineData(
        "node name, priority cleared; unknown fields kept",
        "{'spec':{'nodeName':'n1','priority':1000,'futureField':{'x':1},'containers':[{'name':'app'}]}}",
        "{'spec':{'futureField':{'x':1},'containers':[{'name':'app'}]}}",
        "")]
    [InlineData(
        "token volume and its mounts removed in containers and init containers",
        "{'spec':{'serviceAccountName':'web','volumes':[{'name':'web-token-abc'},{'name':'data'}],'containers':[{'name':'a','volumeMounts':[{'name':'web-token-abc'},{'name':'data'}]}],'initContainers':[{'name':'i','volumeMounts':[{'name':'web-token-abc'}]}]}}",
        "{'spec':{'serviceAccountName':'web','volumes':[{'name':'data'}],'containers':[{'name':'a','volumeMounts':[{'name':'data'}]}],'initContainers':[{'name':'i'}]}}",
        "")]
    [InlineData(
        "only volumes of this service account are token volumes",
        "{'spec':{'serviceAccountName':'web','volumes':[{'name':'default-token-x'},{'name':'web-tokens'}]}}",
        "{'spec':{'serviceAccountName':'web','volumes':[{'name':'default-token-x'},{'name':'web-tokens'}]}}",
        "")]
    [InlineData(
        "no service account name: prefix is -token-",
        "{'spec':{'volumes':[{'name':'default-token-x'},{'name':'-token-y'}]}}",
        "{'spec':{'volumes':[{'name':'default-token-x'}]}}",
        "")]
    [InlineData(
        "all volumes removed drops the list",
        "{'spec':{'serviceAccountName':'sa','volumes':[{'name':'sa-token-1'}],'containers':[{'name':'a','volumeMounts':[{'name':'sa-token-1'}]}]}}",
        "{'spec':{'serviceAccountName':'sa','containers':[{'name':'a'}]}}",
        "")]
    [InlineData(
        "priority class becomes an additional item",
        "{'spec':{'priorityClassName':'high','priority':100}}",
        "{'spec':{'priorityClassName':'high'}}",
        "priorityclasses.scheduling.k8s.io//high")]
    [InlineData(
        "empty priority class name is ignored",
        "{'spec':{'priorityClassName':''}}",
        "{'spec':{'priorityClassName':''}}",
        "")]
    [InlineData(
        "pod without spec is left alone",
        "{'metadata':{'name':'p'}}",
        "{'metadata':{'name':'p'}}",
        "")]
    public void FixesPods(string name, string input, string expected, string additional)
    {
        Assert.NotNull(name);
        var context = Context(input, "pods");
        var result = Run(new PodAction(), context);

        AssertJson(expected, context.Item);
        Assert.False(result.Skip);
        Assert.Equal(additional, Describe(result.AdditionalItems));
        Assert.Empty(context.Warnings);
    }

    [Theory]
    [InlineData("pods", true)]
    [InlineData("pods.metrics.k8s.io", false)]
    [InlineData("deployments.apps", false)]
    public void AppliesToCorePodsOnly(string groupResource, bool applies) =>
        Assert.Equal(applies, new PodAction().AppliesTo(groupResource));
}
