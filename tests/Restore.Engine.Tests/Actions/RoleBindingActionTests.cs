using Restore.Engine.Actions;
using Xunit;
using static Restore.Engine.Tests.Actions.ActionTestKit;

namespace Restore.Engine.Tests.Actions;

public class RoleBindingActionTests
{
    [Theory]
    [InlineData(
        "shop=shop-copy",
        "{'subjects':[{'kind':'ServiceAccount','name':'web','namespace':'shop'},{'kind':'ServiceAccount','name':'x','namespace':'other'},{'kind':'User','name':'alice'}]}",
        "{'subjects':[{'kind':'ServiceAccount','name':'web','namespace':'shop-copy'},{'kind':'ServiceAccount','name':'x','namespace':'other'},{'kind':'User','name':'alice'}]}")]
    [InlineData(
        "",
        "{'subjects':[{'kind':'ServiceAccount','name':'web','namespace':'shop'}]}",
        "{'subjects':[{'kind':'ServiceAccount','name':'web','namespace':'shop'}]}")]
    [InlineData(
        "shop=shop-copy;other=other-copy",
        "{'roleRef':{'kind':'Role','name':'r'}}",
        "{'roleRef':{'kind':'Role','name':'r'}}")]
    public void RemapsSubjectNamespaces(string mapping, string input, string expected)
    {
        var context = Context(input, "rolebindings.rbac.authorization.k8s.io", options: new RestoreActionOptions { NamespaceMapping = Map(mapping) });
        var result = Run(new RoleBindingAction(), context);

        AssertJson(expected, context.Item);
        Assert.False(result.Skip);
    }
}
