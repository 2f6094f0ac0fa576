using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Records;

public class RestoredResourceListTests
{
    [Fact]
    public void GroupsByApiVersionKindAndSortsEntries()
    {
        var list = new RestoredResourceList();
        list.Add("v1/Pod", "shop", "web-1", ItemRestoreAction.Created);
        list.Add("v1/Pod", "shop", "web-0", ItemRestoreAction.Failed);
        list.Add("v1/Namespace", string.Empty, "shop", ItemRestoreAction.Created);
        list.Add("apps/v1/Deployment", "shop", "web", ItemRestoreAction.Updated);

        Assert.Equal(
            "{\"apps/v1/Deployment\":[\"shop/web(updated)\"],\"v1/Namespace\":[\"shop(created)\"],\"v1/Pod\":[\"shop/web-0(failed)\",\"shop/web-1(created)\"]}",
            list.ToJson().ToJsonString());
        Assert.Equal(4, list.Count);
    }

    [Theory]
    [InlineData("shop/web-0(created)", "shop", "web-0", ItemRestoreAction.Created)]
    [InlineData("system:node-proxier(skipped)", "", "system:node-proxier", ItemRestoreAction.Skipped)]
    [InlineData("a/b(c)(updated)", "a", "b(c)", ItemRestoreAction.Updated)]
    public void ParsesEntries(string entry, string ns, string name, string action)
    {
        Assert.True(RestoredResourceList.TryParseEntry(entry, out var n, out var m, out var a));
        Assert.Equal((ns, name, action), (n, m, a));
    }

    [Theory]
    [InlineData("")]
    [InlineData("web")]
    [InlineData("web(renamed)")]
    [InlineData("(created)")]
    public void RejectsMalformedEntries(string entry) => Assert.False(RestoredResourceList.TryParseEntry(entry, out _, out _, out _));
}
