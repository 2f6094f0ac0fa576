using Restore.Engine.Actions;
using Xunit;
using static Restore.Engine.Tests.Actions.ActionTestKit;

namespace Restore.Engine.Tests.Actions;

public class ServiceAccountActionTests
{
    [Theory]
    [InlineData(
        "{'metadata':{'name':'web'},'secrets':[{'name':'web-token-1'},{'name':'other'},{'name':'web-token-2'}]}",
        "{'metadata':{'name':'web'},'secrets':[{'name':'web-token-1'},{'name':'other'}]}")]
    [InlineData(
        "{'metadata':{'name':'web'},'secrets':[{'name':'web-token-1'},{'name':'other'}]}",
        "{'metadata':{'name':'web'},'secrets':[{'name':'other'}]}")]
    [InlineData(
        "{'metadata':{'name':'web'},'secrets':[{'name':'web-token-1'}]}",
        "{'metadata':{'name':'web'}}")]
    [InlineData(
        "{'metadata':{'name':'web'},'secrets':[{'name':'web-tokens'},{'name':'default-token-1'}]}",
        "{'metadata':{'name':'web'},'secrets':[{'name':'web-tokens'},{'name':'default-token-1'}]}")]
    [InlineData(
        "{'metadata':{'name':'web'},'imagePullSecrets':[{'name':'web-token-1'}]}",
        "{'metadata':{'name':'web'},'imagePullSecrets':[{'name':'web-token-1'}]}")]
    public void RemovesOnlyTheLastOwnTokenSecret(string input, string expected)
    {
        var context = Context(input, "serviceaccounts");
        var result = Run(new ServiceAccountAction(), context);

        AssertJson(expected, context.Item);
        Assert.False(result.Skip);
        Assert.Empty(result.AdditionalItems);
    }
}
