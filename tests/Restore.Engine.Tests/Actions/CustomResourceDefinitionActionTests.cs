using Restore.Engine.Actions;
using Xunit;
using static Restore.Engine.Tests.Actions.ActionTestKit;

namespace Restore.Engine.Tests.Actions;

public class CustomResourceDefinitionActionTests
{
    [Theory]
    [InlineData(
        "v1 with preserveUnknownFields true: converted on every version with a schema",
        "{'apiVersion':'apiextensions.k8s.io/v1','spec':{'preserveUnknownFields':true,'versions':[{'name':'v1','schema':{'openAPIV3Schema':{'type':'object'}}},{'name':'v2'},{'name':'v3','schema':{}}]}}",
        "{'apiVersion':'apiextensions.k8s.io/v1','spec':{'versions':[{'name':'v1','schema':{'openAPIV3Schema':{'type':'object','x-kubernetes-preserve-unknown-fields':true}}},{'name':'v2'},{'name':'v3','schema':{}}]}}")]
    [InlineData(
        "v1 with preserveUnknownFields false: unchanged",
        "{'apiVersion':'apiextensions.k8s.io/v1','spec':{'preserveUnknownFields':false,'versions':[{'name':'v1','schema':{'openAPIV3Schema':{'type':'object'}}}]}}",
        "{'apiVersion':'apiextensions.k8s.io/v1','spec':{'preserveUnknownFields':false,'versions':[{'name':'v1','schema':{'openAPIV3Schema':{'type':'object'}}}]}}")]
    [InlineData(
        "v1beta1: unchanged",
        "{'apiVersion':'apiextensions.k8s.io/v1beta1','spec':{'preserveUnknownFields':true,'versions':[{'name':'v1','schema':{'openAPIV3Schema':{}}}]}}",
        "{'apiVersion':'apiextensions.k8s.io/v1beta1','spec':{'preserveUnknownFields':true,'versions':[{'name':'v1','schema':{'openAPIV3Schema':{}}}]}}")]
    [InlineData(
        "string 'true' is not true",
        "{'apiVersion':'apiextensions.k8s.io/v1','spec':{'preserveUnknownFields':'true'}}",
        "{'apiVersion':'apiextensions.k8s.io/v1','spec':{'preserveUnknownFields':'true'}}")]
    public void ConvertsPreserveUnknownFields(string name, string input, string expected)
    {
        Assert.NotNull(name);
        var context = Context(input, "customresourcedefinitions.apiextensions.k8s.io", sourceNamespace: string.Empty);
        var result = Run(new CustomResourceDefinitionAction(), context);

        AssertJson(expected, context.Item);
        Assert.False(result.Skip);
    }
}
