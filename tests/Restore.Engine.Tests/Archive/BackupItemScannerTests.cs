using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Api;
using Restore.Engine.Archive;
using Restore.TestSupport;
using Xunit;
using static Restore.Engine.Tests.Archive.ArchiveTestData;

namespace Restore.Engine.Tests.Archive;

public class BackupItemScannerTests
{
    private static async Task<(List<BackupItem> Items, ScanResult Result)> Scan(byte[] tarball, BackupItemScanner.ItemFilter? filter = null)
    {
        var items = new List<BackupItem>();
        var result = await BackupItemScanner.ScanAsync(new MemoryStream(tarball), null, filter, i => items.Add(BackupItem.From("b1", i)), null, null, CancellationToken.None);
        return (items, result);
    }

    [Fact]
    public async Task ListsItemsFromTheUnversionedTreeWithVersionAndKind()
    {
        var tarball = new VeleroBackupBuilder("b1")
            .AddItem("deployments.apps", "shop", "web", new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment" })
            .AddItem("clusterroles.rbac.authorization.k8s.io", string.Empty, "system:node-proxier", new JsonObject { ["apiVersion"] = "rbac.authorization.k8s.io/v1", ["kind"] = "ClusterRole" })
            .AddVersionedItem("deployments.apps", "shop", "web", "v1beta1", "{\"apiVersion\":\"apps/v1beta1\",\"kind\":\"Deployment\"}")
            .AddItem("pods", "shop", "p", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod" })
            .BuildTarball();

        var (items, result) = await Scan(tarball);

        Assert.Equal(3, result.ItemCount);
        Assert.True(result.HasResources);
        var web = items[0];
        Assert.Equal(("b1", "deployments", "apps", "v1", "Deployment", "shop", "web"), (web.Backup, web.Resource, web.Group, web.Version, web.Kind, web.Namespace, web.Name));
        Assert.Equal("resources/deployments.apps/namespaces/shop/web.json", web.Path);
        Assert.Equal(("clusterroles", "rbac.authorization.k8s.io", string.Empty, "system:node-proxier"), (items[1].Resource, items[1].Group, items[1].Namespace, items[1].Name));
        Assert.Equal(("pods", string.Empty, "v1"), (items[2].Resource, items[2].Group, items[2].Version));
        Assert.All(items, i => Assert.Null(i.DecodeError));
        Assert.Equal(web.Size, "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\"}".Length);
    }

    [Theory]
    [InlineData("{not json", "error decoding")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("{\"kind\":\"Pod\"}", "apiVersion")]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"Pod\"} trailing", "error decoding")]
    public async Task AnItemWithBadJsonIsReportedAndTheScanGoesOn(string json, string expected)
    {
        var tarball = new VeleroBackupBuilder("b1")
            .AddItem("pods", "a", "bad", json)
            .AddItem("pods", "a", "good", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}")
            .BuildTarball();

        var (items, result) = await Scan(tarball);

        Assert.Equal(2, result.ItemCount);
        Assert.Contains(expected, items[0].DecodeError, StringComparison.Ordinal);
        Assert.Contains("resources/pods/namespaces/a/bad.json", items[0].DecodeError, StringComparison.Ordinal);
        Assert.Null(items[1].DecodeError);
        Assert.Equal("Pod", items[1].Kind);
    }

    [Fact]
    public async Task TheFilterIsAskedBeforeAnItemIsRead()
    {
        var tarball = new VeleroBackupBuilder("b1")
            .AddItem("pods", "a", "p1", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}")
            .AddItem("pods", "b", "p2", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}")
            .AddItem("secrets", "a", "s1", "{\"apiVersion\":\"v1\",\"kind\":\"Secret\"}")
            .BuildTarball();
        var asked = new List<string>();

        var (items, result) = await Scan(tarball, (gr, ns, name) =>
        {
            asked.Add($"{gr}/{ns}/{name}");
            return ns == "a";
        });

        Assert.Equal(new[] { "pods/a/p1", "pods/b/p2", "secrets/a/s1" }, asked);
        Assert.Equal(new[] { "p1", "s1" }, items.Select(i => i.Name));
        Assert.Equal((3L, 2L), (result.ItemCount, result.MatchedCount));
    }

    [Fact]
    public async Task DuplicateItemsAreReportedOnceWithAWarning()
    {
        var tarball = TarGz(("resources/pods/namespaces/a/p.json", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}"), ("resources/pods/namespaces/a/p.json", "{}"));

        var (items, result) = await Scan(tarball);

        Assert.Single(items);
        Assert.Contains(result.Warnings, w => w.Contains("duplicate entry resources/pods/namespaces/a/p.json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ABackupWithoutResourcesHasNoItems()
    {
        var (items, result) = await Scan(new VeleroBackupBuilder("empty").BuildTarball());

        Assert.Empty(items);
        Assert.False(result.HasResources);
    }

    [Theory]
    [InlineData("resources/configmaps/namespaces/a/settings.yaml", "configmaps", "a", "settings.yaml")]
    [InlineData("resources/configmaps/namespaces/a/c.json", "configmaps", "a", "c")]
    [InlineData("resources/namespaces/cluster/prod.json", "namespaces", "", "prod")]
    public void ParsesItemPaths(string path, string gr, string ns, string name)
    {
        Assert.True(BackupItemPath.TryParse(path, out var g, out var n, out var m));
        Assert.Equal((gr, ns, name), (g, n, m));
    }

    [Theory]
    [InlineData("metadata/version")]
    [InlineData("resources/stray.json")]
    [InlineData("resources/widgets.example.com/v2/cluster/only-versioned.json")]
    [InlineData("resources/pods/v1-preferredversion/namespaces/a/p.json")]
    [InlineData("resources/pods/namespaces/a/sub/deeper.json")]
    [InlineData("resources/pods/namespaces//p.json")]
    [InlineData("resources/pods/cluster/")]
    public void OtherPathsAreNotItems(string path)
    {
        Assert.False(BackupItemPath.TryParse(path, out _, out _, out _));
    }

    [Fact]
    public async Task ReportsProgressWithTheCompressedLength()
    {
        var builder = new VeleroBackupBuilder("b1");
        for (var i = 0; i < 2500; i++)
        {
            builder.AddItem("configmaps", "a", $"c{i}", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"}");
        }

        var tarball = builder.BuildTarball();
        var reports = new List<ScanProgress>();
        var progress = new CallbackProgress<ScanProgress>(reports.Add);

        await BackupItemScanner.ScanAsync(new MemoryStream(tarball), null, null, _ => { }, null, progress, CancellationToken.None);

        Assert.Equal(new long[] { 1000, 2000, 2500 }, reports.Select(r => r.ItemsSeen));
        Assert.All(reports, r => Assert.Equal(tarball.Length, r.CompressedLength));
        Assert.Equal(tarball.Length, reports[^1].CompressedBytesRead);
    }
}
