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

    [Fact]
    public void AnIdenticalPreferredVersionCopyIsHeldOnceAndStillFoundByItsPath()
    {
        var contents = new BackupContents();
        Assert.True(contents.Add("resources/pods/namespaces/a/p.json", Json("{\"n\":1}")));
        Assert.True(contents.Add("resources/pods/v1-preferredversion/namespaces/a/p.json", Json("{\"n\":1}")));
        Assert.False(contents.Add("resources/pods/v1-preferredversion/namespaces/a/p.json", Json("{\"n\":1}")));

        Assert.Equal(7, contents.TotalBytes);
        Assert.True(contents.TryGetFile("resources/pods/v1-preferredversion/namespaces/a/p.json", out var copy));
        Assert.Equal("{\"n\":1}", Encoding.UTF8.GetString(copy.Span));
        Assert.False(contents.TryGetFile("resources/pods/v2/namespaces/a/p.json", out _));
        Assert.False(contents.TryGetFile("resources/pods/v1-preferredversion/namespaces/a/q.json", out _));
        Assert.Equal("resources/pods/namespaces/a/p.json", Assert.Single(contents.GetItems("pods")).Path);
    }

    [Fact]
    public void ADifferingOrEarlierVersionCopyKeepsItsOwnBytes()
    {
        var contents = new BackupContents();
        contents.Add("resources/jobs.batch/v1beta1/namespaces/a/j.json", Json("{\"v\":\"early\"}"));
        contents.Add("resources/jobs.batch/namespaces/a/j.json", Json("{\"v\":\"plain\"}"));
        contents.Add("resources/jobs.batch/v2/namespaces/a/j.json", Json("{\"v\":\"other\"}"));

        string Read(string path) => contents.TryGetFile(path, out var b) ? Encoding.UTF8.GetString(b.Span) : "(none)";
        Assert.Equal("{\"v\":\"early\"}", Read("resources/jobs.batch/v1beta1/namespaces/a/j.json"));
        Assert.Equal("{\"v\":\"plain\"}", Read("resources/jobs.batch/namespaces/a/j.json"));
        Assert.Equal("{\"v\":\"other\"}", Read("resources/jobs.batch/v2/namespaces/a/j.json"));
        Assert.Equal(1, contents.ItemCount);
    }

    [Fact]
    public void AFileWithAndWithoutTheJsonExtensionAreTwoItemsOfOneName()
    {
        var contents = new BackupContents();
        Assert.True(contents.Add("resources/configmaps/namespaces/a/x.json", Json("{\"f\":1}")));
        Assert.True(contents.Add("resources/configmaps/namespaces/a/x", Json("{\"f\":2}")));
        Assert.False(contents.Add("resources/configmaps/namespaces/a/x", Json("{\"f\":3}")));

        Assert.Equal(new[] { "x", "x" }, contents.GetItems("configmaps").Select(i => i.Name));
        Assert.Equal(new[] { "resources/configmaps/namespaces/a/x", "resources/configmaps/namespaces/a/x.json" }, contents.GetItems("configmaps").Select(i => i.Path).OrderBy(p => p, System.StringComparer.Ordinal));
        Assert.True(contents.TryGetFile("resources/configmaps/namespaces/a/x", out var raw));
        Assert.Equal("{\"f\":2}", Encoding.UTF8.GetString(raw.Span));
    }

    [Fact]
    public void AGroupResourceWithOnlyStrayFilesIsStillListed()
    {
        var contents = new BackupContents();
        contents.Add("resources/widgets.example.com/namespaces/a/deeper/w.json", Json("{}"));
        Assert.Equal(new[] { "widgets.example.com" }, contents.GroupResources);
        Assert.Empty(contents.GetItems("widgets.example.com"));
        Assert.True(contents.TryGetFile("resources/widgets.example.com/namespaces/a/deeper/w.json", out _));
    }

    [Theory]
    [InlineData("resources/pods/namespaces/a/p.json", "pods", "a/p", "")]
    [InlineData("resources/pods/cluster/p.json", "pods", "/p", "")]
    [InlineData("resources/pods/cluster/p", "pods", "/p", "")]
    [InlineData("resources/pods/namespaces//p.json", "pods", "", "")]
    [InlineData("resources/pods/namespaces/a/b/p.json", "pods", "", "")]
    [InlineData("resources/pods/cluster", "pods", "", "")]
    [InlineData("resources/pods/namespaces", "pods", "", "")]
    [InlineData("resources/pods/v1", "pods", "", "v1")]
    [InlineData("resources/pods/v1/cluster/p.json", "pods", "", "v1")]
    [InlineData("resources/pods/v1/namespaces/a/p.json", "pods", "", "v1")]
    [InlineData("resources/pods/v1/namespaces/a/b/p.json", "pods", "", "v1")]
    [InlineData("resources/pods/v1/x/y/z/w", "pods", "", "v1")]
    [InlineData("resources/pods", "", "", "")]
    [InlineData("other/pods/cluster/p.json", "", "", "")]
    public void PathsArePlacedAsVeleroLaysThemOut(string path, string groupResources, string items, string versions)
    {
        var contents = new BackupContents();
        contents.Add(path, Json("{}"));

        Assert.Equal(groupResources, string.Join(",", contents.GroupResources));
        Assert.Equal(items, string.Join(",", contents.GroupResources.SelectMany(contents.GetItems).Select(i => i.Namespace + "/" + i.Name)));
        Assert.Equal(versions, string.Join(",", contents.GroupResources.SelectMany(contents.GetVersionDirectories)));
        Assert.True(contents.TryGetFile(path, out _), "every file is found again by its path");
    }
}

