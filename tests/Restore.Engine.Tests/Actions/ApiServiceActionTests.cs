using Restore.Engine.Actions;
using Xunit;
using static Restore.Engine.Tests.Actions.ActionTestKit;

namespace Restore.Engine.Tests.Actions;

public class ApiServiceActionTests
{
    [Theory]
    [InlineData("{'metadata':{'name':'v1.apps','labels':{'kube-aggregator.kubernetes.io/automanaged':'onstart'}}}", true)]
    [InlineData("{'metadata':{'name':'v1.apps','labels':{'kube-aggregator.kubernetes.io/automanaged':''}}}", true)]
    [InlineData("{'metadata':{'name':'v1beta1.metrics.k8s.io','labels':{'app':'metrics'}}}", false)]
    [InlineData("{'metadata':{'name':'v1beta1.metrics.k8s.io'}}", false)]
    public void SkipsAutomanagedApiServices(string input, bool skipped)
    {
        var context = Context(input, "apiservices.apiregistration.k8s.io", sourceNamespace: string.Empty);
        var before = context.Item.DeepClone();
        var result = Run(new ApiServiceAction(), context);

        Assert.Equal(skipped, result.Skip);
        Assert.Equal(skipped, result.SkipReason is not null);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(before, context.Item));
    }
}
