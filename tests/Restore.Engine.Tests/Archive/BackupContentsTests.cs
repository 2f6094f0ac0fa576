using System.Linq;
using System.Text;
using Restore.Engine.Archive;
using Xunit;

namespace Restore.Engine.Tests.Archive;

public class BackupContentsTests
{
    private static byte[] Json(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void ListsItemsOnlyFromTheUnversionedTree()
    {
        var contents = new BackupContents();
        contents.Add("metadata/version", Json("1.1.0\n"));
        contents.Add("resources/deployments.apps/namespaces/shop/web.json", Json("{}"));
        contents.Add("resources/deployments.apps/v1-preferredversion/namespaces/shop/web.json", Json("{}"));
        contents.Add("resources/deployments.apps/v1beta1/namespaces/shop/web.json", Json("{\"x\":1}"));
        contents.Add("resources/clusterroles.rbac.authorization.k8s.io/cluster/system:node-proxier.json", Json("{}"));
        contents.Add("resources/widgets.example.com/v2/cluster/only-versioned.json", Json("{}"));

        Assert.Equal("1.1.0", contents.MetadataVersion);
        Assert.Equal(2, contents.ItemCount);
        var web = Assert.Single(contents.GetItems("deployments.apps"));
        Assert.Equal(("shop", "web"), (web.Namespace, web.Name));
        Assert.Equal("system:node-proxier", contents.GetItems("clusterroles.rbac.authorization.k8s.io").Single().Name);
        Assert.Empty(contents.GetItems("widgets.example.com"));
        Assert.Equal(new[] { "v1-preferredversion", "v1beta1" }, contents.GetVersionDirectories("deployments.apps"));
    }

    [Fact]
    public void KeepsWholeFileNameWhenItDoesNotEndInJson()
    {
        var contents = new BackupContents();
        contents.Add("resources/configmaps/namespaces/a/settings.yaml", Json("{}"));
        Assert.Equal("settings.yaml", contents.GetItems("configmaps").Single().Name);
    }

    [Fact]
    public void OrdersItemsByNamespaceThenByteWiseName()
    {
        var contents = new BackupContents();
        contents.Add("resources/pods/namespaces/b/z.json", Json("{}"));
        contents.Add("resources/pods/namespaces/a/b.json", Json("{}"));
        contents.Add("resources/pods/namespaces/a/B.json", Json("{}"));
        Assert.Equal(new[] { "a/B", "a/b", "b/z" }, contents.GetItems("pods").Select(i => i.Namespace + "/" + i.Name));
    }

    [Fact]
    public void WarnsAboutPlainFilesDirectlyUnderResources()
    {
        var contents = new BackupContents();
        contents.Add("resources/stray.json", Json("{}"));
        Assert.Single(contents.Warnings);
        Assert.False(contents.HasResources);
    }

    [Fact]
    public void RejectsSecondCopyOfSamePath()
    {
        var contents = new BackupContents();
        Assert.True(contents.Add("resources/pods/namespaces/a/p.json", Json("{\"n\":1}")));
        Assert.False(contents.Add("resources/pods/namespaces/a/p.json", Json("{\"n\":2}")));
        Assert.True(contents.TryGetFile("resources/pods/namespaces/a/p.json", out var bytes));
        Assert.Equal("{\"n\":1}", Encoding.UTF8.GetString(bytes.Span));
    }
}
