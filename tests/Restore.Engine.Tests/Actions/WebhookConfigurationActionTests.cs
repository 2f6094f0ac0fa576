using Restore.Engine.Actions;
using Xunit;
using static Restore.Engine.Tests.Actions.ActionTestKit;

namespace Restore.Engine.Tests.Actions;

public class WebhookConfigurationActionTests
{
    [Theory]
    [InlineData(
        "mutatingwebhookconfigurations.admissionregistration.k8s.io",
        "{'apiVersion':'admissionregistration.k8s.io/v1','webhooks':[{'name':'a','sideEffects':'Unknown'},{'name':'b','sideEffects':'Some'},{'name':'c','sideEffects':'None'},{'name':'d','sideEffects':'NoneOnDryRun'},{'name':'e'}]}",
        "{'apiVersion':'admissionregistration.k8s.io/v1','webhooks':[{'name':'a','sideEffects':'None'},{'name':'b','sideEffects':'None'},{'name':'c','sideEffects':'None'},{'name':'d','sideEffects':'NoneOnDryRun'},{'name':'e','sideEffects':'None'}]}")]
    [InlineData(
        "validatingwebhookconfigurations.admissionregistration.k8s.io",
        "{'apiVersion':'admissionregistration.k8s.io/v1','webhooks':[{'name':'a','sideEffects':'Unknown'},'junk']}",
        "{'apiVersion':'admissionregistration.k8s.io/v1','webhooks':[{'name':'a','sideEffects':'None'}]}")]
    [InlineData(
        "validatingwebhookconfigurations.admissionregistration.k8s.io",
        "{'apiVersion':'admissionregistration.k8s.io/v1beta1','webhooks':[{'name':'a','sideEffects':'Unknown'}]}",
        "{'apiVersion':'admissionregistration.k8s.io/v1beta1','webhooks':[{'name':'a','sideEffects':'Unknown'}]}")]
    [InlineData(
        "mutatingwebhookconfigurations.admissionregistration.k8s.io",
        "{'apiVersion':'admissionregistration.k8s.io/v1'}",
        "{'apiVersion':'admissionregistration.k8s.io/v1'}")]
    public void NormalisesSideEffects(string groupResource, string input, string expected)
    {
        var context = Context(input, groupResource, sourceNamespace: string.Empty);
        var result = Run(new WebhookConfigurationAction(), context);

        AssertJson(expected, context.Item);
        Assert.False(result.Skip);
    }

    [Fact]
    public void WebhooksThatAreNotAListFailTheItem()
    {
        var context = Context("{'apiVersion':'admissionregistration.k8s.io/v1','webhooks':{'a':1}}", "mutatingwebhookconfigurations.admissionregistration.k8s.io", string.Empty);
        Assert.Throws<RestoreItemActionException>(() => new WebhookConfigurationAction().Execute(context));
    }
}
