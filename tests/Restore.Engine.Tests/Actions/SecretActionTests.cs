using System.Collections.Generic;
using Restore.Engine.Actions;
using Xunit;
using static Restore.Engine.Tests.Actions.ActionTestKit;

namespace Restore.Engine.Tests.Actions;

public class SecretActionTests
{
    private const string TokenSecret =
        "{'metadata':{'name':'web-token-x1','annotations':{'kubernetes.io/service-account.name':'web','kubernetes.io/service-account.uid':'u-1'}},'type':'kubernetes.io/service-account-token','data':{'token':'dG9r','ca.crt':'Y2E=','namespace':'c2hvcA=='}}";

    private const string Stripped =
        "{'metadata':{'name':'web-token-x1','annotations':{'kubernetes.io/service-account.name':'web'}},'type':'kubernetes.io/service-account-token','data':{'namespace':'c2hvcA=='}}";

    [Theory]
    [InlineData("service account exists in the source namespace: skipped", TokenSecret, "web", "shop", true, "")]
    [InlineData("service account exists only in another namespace: stripped", TokenSecret, "web", "elsewhere", false, Stripped)]
    [InlineData("no matching service account: stripped", TokenSecret, "api", "shop", false, Stripped)]
    [InlineData("prefix match needs the -token- suffix", TokenSecret, "web-tok", "shop", false, Stripped)]
    [InlineData(
        "other secret types are untouched",
        "{'metadata':{'name':'web-token-x1'},'type':'Opaque','data':{'token':'dG9r'}}",
        "web",
        "shop",
        false,
        "{'metadata':{'name':'web-token-x1'},'type':'Opaque','data':{'token':'dG9r'}}")]
    [InlineData(
        "empty maps are dropped",
        "{'metadata':{'name':'t','annotations':{'kubernetes.io/service-account.uid':'u'}},'type':'kubernetes.io/service-account-token','data':{'token':'dG9r'}}",
        "web",
        "shop",
        false,
        "{'metadata':{'name':'t'},'type':'kubernetes.io/service-account-token'}")]
    public void SkipsAutoCreatedTokensAndStripsOthers(string name, string input, string serviceAccount, string accountNamespace, bool skipped, string expected)
    {
        Assert.NotNull(name);
        var cluster = new FakeCluster();
        cluster.ServiceAccounts[accountNamespace] = new List<string> { "default", serviceAccount };

        // The secret is restored into a mapped namespace; the check uses the original one.
        var context = Context(input, "secrets", "shop", "shop-copy", cluster: cluster);
        var result = Run(new SecretAction(), context);

        Assert.Equal(skipped, result.Skip);
        if (skipped)
        {
            Assert.Contains("\"" + serviceAccount + "\"", result.SkipReason, System.StringComparison.Ordinal);
        }
        else
        {
            AssertJson(expected, context.Item);
        }
    }

    [Fact]
    public void WithoutAClusterViewTheTokenIsStrippedNotSkipped()
    {
        var context = Context(TokenSecret, "secrets");
        var result = Run(new SecretAction(), context);

        Assert.False(result.Skip);
        AssertJson(Stripped, context.Item);
        Assert.Empty(context.Warnings);
    }

    [Theory]
    [InlineData("created by this restore in the source namespace: skipped", "web", "shop", true)]
    [InlineData("created by this restore in another namespace: stripped", "web", "shop-copy", false)]
    [InlineData("another account created by this restore: stripped", "api", "shop", false)]
    public void ServiceAccountsThisRestoreCreatesCountWithoutAClusterView(string name, string serviceAccount, string createdIn, bool skipped)
    {
        Assert.NotNull(name);
        var created = new Dictionary<string, IReadOnlyCollection<string>> { [createdIn] = new[] { serviceAccount } };
        var context = new RestoreItemActionContext(Json(TokenSecret), Json(TokenSecret), "secrets", "shop", "shop-copy", new RestoreActionOptions(), null)
        {
            RestoredServiceAccounts = ns => created.TryGetValue(ns, out var names) ? names : System.Array.Empty<string>(),
        };

        var result = Run(new SecretAction(), context);

        Assert.Equal(skipped, result.Skip);
        if (skipped)
        {
            Assert.Contains("this restore creates", result.SkipReason, System.StringComparison.Ordinal);
        }
        else
        {
            AssertJson(Stripped, context.Item);
        }
    }
}
