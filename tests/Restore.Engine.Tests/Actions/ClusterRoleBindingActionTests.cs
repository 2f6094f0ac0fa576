using Restore.Engine.Actions;
using Xunit;
using static Restore.Engine.Tests.Actions.ActionTestKit;

namespace Restore.Engine.Tests.Actions;

public class ClusterRoleBindingActionTests
{
    [Theory]
    [InlineData(
        "a=b",
        "{'subjects':[{'kind':'ServiceAccount','name':'s','namespace':'a'},{'kind':'Group','name':'g'},{'kind':'ServiceAccount','name':'t','namespace':'b'}]}",
        "{'subjects':[{'kind':'ServiceAccount','name':'s','namespace':'b'},{'kind':'Group','name':'g'},{'kind':'ServiceAccount','name':'t','namespace':'b'}]}")]
    [InlineData(
        "",
        "{'subjects':[{'kind':'ServiceAccount','name':'s','namespace':'a'}]}",
        "{'subjects':[{'kind':'ServiceAccount','name':'s','namespace':'a'}]}")]
    public void RemapsSubjectNamespaces(string mapping, string input, string expected)
    {
        var context = Context(input, "clusterrolebindings.rbac.authorization.k8s.io", sourceNamespace: string.Empty, options: new RestoreActionOptions { NamespaceMapping = Map(mapping) });
        var result = Run(new ClusterRoleBindingAction(), context);

        AssertJson(expected, context.Item);
        Assert.False(result.Skip);
        Assert.False(new ClusterRoleBindingAction().AppliesTo("rolebindings.rbac.authorization.k8s.io"));
    }
}
