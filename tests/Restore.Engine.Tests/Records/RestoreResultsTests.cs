using System.Text.Json.Nodes;
using Restore.Engine.Records;
using Xunit;

namespace Restore.Engine.Tests.Records;

public class RestoreResultsTests
{
    [Fact]
    public void EmptyResultsEncodeAsVeleroDoes()
    {
        var results = new RestoreResults();
        var bytes = GzipJson.Encode(results.ToJson());
        Assert.Equal("{\"errors\":{},\"warnings\":{}}\n", GzipJson.DecodeText(bytes));
    }

    [Fact]
    public void BucketsKeepVeleroFieldOrderAndNamespacesSorted()
    {
        var results = new RestoreResults();
        results.Errors.AddForItem("zeta", "error restoring configmaps/zeta/a: boom");
        results.Errors.AddForItem("alpha", "error restoring pods/alpha/p: boom");
        results.Errors.AddForItem(string.Empty, "error restoring clusterroles.rbac.authorization.k8s.io/x: boom");
        results.Errors.Add(ResultScope.Velero, "timed out waiting for terminating namespace shop to disappear before restoring");

        Assert.Equal(
            "{\"velero\":[\"timed out waiting for terminating namespace shop to disappear before restoring\"],\"cluster\":[\"error restoring clusterroles.rbac.authorization.k8s.io/x: boom\"],\"namespaces\":{\"alpha\":[\"error restoring pods/alpha/p: boom\"],\"zeta\":[\"error restoring configmaps/zeta/a: boom\"]}}",
            results.Errors.ToJson().ToJsonString());
        Assert.Equal(4, results.Errors.Count);
        Assert.Equal(0, results.Warnings.Count);
    }

    [Fact]
    public void CountIsVeleroPlusClusterPlusEveryNamespace()
    {
        var result = new RestoreResult();
        result.Add(ResultScope.Velero, "v");
        result.Add(ResultScope.Cluster, "c1");
        result.Add(ResultScope.Cluster, "c2");
        result.Add(ResultScope.Namespace, "n1", "a");
        result.Add(ResultScope.Namespace, "n2", "a");
        result.Add(ResultScope.Namespace, "n3", "b");
        Assert.Equal(6, result.Count);
    }

    [Fact]
    public void RoundTripsThroughGzipJson()
    {
        var results = new RestoreResults();
        results.Warnings.AddForItem("shop", "could not restore, ConfigMap:cfg already exists. Warning: the in-cluster version is different than the backed-up version");
        results.Errors.Add(ResultScope.Velero, "zero items");

        var decoded = RestoreResults.FromJson(GzipJson.Decode(GzipJson.Encode(results.ToJson())));

        Assert.Equal(results.ToJson().ToJsonString(), decoded.ToJson().ToJsonString());
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("{\"errors\":null,\"warnings\":{\"velero\":null}}")]
    public void ReadsNullsAsEmpty(string json)
    {
        var results = RestoreResults.FromJson(JsonNode.Parse(json));
        Assert.Equal(0, results.Errors.Count + results.Warnings.Count);
    }

    [Fact]
    public void NamespaceScopeRequiresANamespace()
    {
        var result = new RestoreResult();
        Assert.Throws<System.ArgumentException>(() => result.Add(ResultScope.Namespace, "x"));
    }

    [Fact]
    public void GzipIsOneMemberWithTrailingNewline()
    {
        var bytes = GzipJson.Encode(new JsonArray());
        Assert.Equal(0x1f, bytes[0]);
        Assert.Equal(0x8b, bytes[1]);
        Assert.Equal("[]\n", GzipJson.DecodeText(bytes));
        Assert.Equal("null\n", GzipJson.DecodeText(GzipJson.Encode(null)));
        Assert.Null(GzipJson.Decode(GzipJson.Encode(null)));
    }
}
