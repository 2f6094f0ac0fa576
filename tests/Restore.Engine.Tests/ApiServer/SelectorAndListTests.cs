using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Restore.TestApiServer;
using Xunit;

namespace Restore.Engine.Tests.ApiServer;

public class SelectorAndListTests : IClassFixture<ApiServerFixture>
{
    private readonly ApiServerFixture fixture;
    private readonly ApiClient api;

    public SelectorAndListTests(ApiServerFixture fixture)
    {
        this.fixture = fixture;
        api = fixture.Client;
    }

    [Theory]
    [InlineData("app=web", "app=web,tier=front", true)]
    [InlineData("app==web", "app=web", true)]
    [InlineData("app=web", "app=db", false)]
    [InlineData("app!=web", "app=db", true)]
    [InlineData("app!=web", "", true)]
    [InlineData("app!=web", "app=web", false)]
    [InlineData("app in (web, db)", "app=db", true)]
    [InlineData("app in (web,db)", "app=cache", false)]
    [InlineData("app in (web)", "", false)]
    [InlineData("app notin (web,db)", "app=cache", true)]
    [InlineData("app notin (web)", "", true)]
    [InlineData("app notin (web)", "app=web", false)]
    [InlineData("app", "app=x", true)]
    [InlineData("app", "other=x", false)]
    [InlineData("!app", "other=x", true)]
    [InlineData("!app", "app=x", false)]
    [InlineData("app=web,!legacy", "app=web", true)]
    [InlineData("app=web,!legacy", "app=web,legacy=true", false)]
    [InlineData("example.com/role=db", "example.com/role=db", true)]
    [InlineData("replicas>2", "replicas=3", true)]
    [InlineData("replicas<2", "replicas=3", false)]
    [InlineData("", "anything=1", true)]
    public void LabelSelectorsMatchLikeKubernetes(string selector, string labels, bool matches)
    {
        var set = labels.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(matches, LabelSelector.Parse(selector).Matches(set));
    }

    [Theory]
    [InlineData("app in web")]
    [InlineData("app=(x")]
    [InlineData("a b")]
    [InlineData("app=web,")]
    [InlineData("app=has space")]
    [InlineData("app>x")]
    public void MalformedLabelSelectorsAreBadRequest(string selector)
    {
        var error = Assert.Throws<ApiException>(() => LabelSelector.Parse(selector));
        Assert.Equal(400, error.Code);
        Assert.StartsWith("unable to parse requirement: ", error.Message);
    }

    [Fact]
    public async Task ListFiltersByLabelAndFieldSelectors()
    {
        var ns = await api.NamespaceAsync("selectors");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap("web", ns, labels: """{"app":"web","tier":"front"}"""));
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap("db", ns, labels: """{"app":"db"}"""));
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap("plain", ns));

        Assert.Equal(new[] { "web" }, await Names($"/api/v1/namespaces/{ns}/configmaps?labelSelector=app%3Dweb"));
        Assert.Equal(new[] { "db", "web" }, await Names($"/api/v1/namespaces/{ns}/configmaps?labelSelector=app"));
        Assert.Equal(new[] { "plain" }, await Names($"/api/v1/namespaces/{ns}/configmaps?labelSelector=!app"));
        Assert.Equal(new[] { "db", "plain" }, await Names($"/api/v1/namespaces/{ns}/configmaps?labelSelector=app!%3Dweb"));
        Assert.Equal(new[] { "db" }, await Names($"/api/v1/namespaces/{ns}/configmaps?fieldSelector=metadata.name%3Ddb"));
        Assert.Equal(new[] { "db", "plain" }, await Names($"/api/v1/namespaces/{ns}/configmaps?fieldSelector=metadata.name!%3Dweb"));
        Assert.Equal(new[] { "db", "plain", "web" }, await Names($"/api/v1/configmaps?fieldSelector=metadata.namespace%3D{ns}"));

        var badField = await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps?fieldSelector=spec.foo%3Dx");
        Assert.Equal(400, badField.Status);
        Assert.Equal("field label not supported: spec.foo", badField.Str("message"));
        Assert.Equal(400, (await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps?labelSelector=app%20in%20web")).Status);
    }

    [Fact]
    public async Task ListHasKindResourceVersionAndItemsInKeyOrder()
    {
        var ns = await api.NamespaceAsync("list-shape");
        foreach (var name in new[] { "b", "a", "c" })
        {
            await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap(name, ns));
        }

        var list = await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps");
        Assert.Equal("ConfigMapList", list.Str("kind"));
        Assert.Equal("v1", list.Str("apiVersion"));
        Assert.True(long.Parse(list.Str("metadata", "resourceVersion")!) >= 3);
        Assert.Equal(new[] { "a", "b", "c" }, list.Json["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.ToString()));
    }

    [Fact]
    public async Task LimitAndContinuePageThroughEverythingOnce()
    {
        var ns = await api.NamespaceAsync("paging");
        for (var i = 0; i < 23; i++)
        {
            await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap($"cm-{i:D2}", ns));
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        long? firstRemaining = null;
        do
        {
            var page = await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps?limit=10" + (token is null ? string.Empty : "&continue=" + Uri.EscapeDataString(token)));
            Assert.Equal(200, page.Status);
            seen.AddRange(page.Json["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.ToString()));
            token = page.Str("metadata", "continue");
            firstRemaining ??= long.Parse(page.Str("metadata", "remainingItemCount") ?? "-1");
            pages++;
        }
        while (!string.IsNullOrEmpty(token) && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(13, firstRemaining);
        Assert.Equal(Enumerable.Range(0, 23).Select(i => $"cm-{i:D2}"), seen);

        var bad = await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps?limit=10&continue=not-a-token");
        Assert.Equal(400, bad.Status);
        Assert.StartsWith("continue key is not valid", bad.Str("message"));
    }

    [Fact]
    public async Task ContinueTokenHasTheRealShape()
    {
        var ns = await api.NamespaceAsync("token-shape");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap("a", ns));
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap("b", ns));
        var token = (await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps?limit=1")).Str("metadata", "continue")!;
        var padded = token.Replace('-', '+').Replace('_', '/') + new string('=', (4 - token.Length % 4) % 4);
        var decoded = JsonNode.Parse(Convert.FromBase64String(padded))!;
        Assert.Equal("meta.k8s.io/v1", decoded["v"]!.ToString());
        Assert.Equal($"{ns}/a\u0000", decoded["start"]!.ToString());
    }

    [Fact]
    public async Task DeleteCollectionHonoursTheSelector()
    {
        var ns = await api.NamespaceAsync("delete-collection");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap("x1", ns, labels: """{"drop":"yes"}"""));
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap("x2", ns, labels: """{"drop":"yes"}"""));
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap("keep", ns));
        var deleted = await api.DeleteAsync($"/api/v1/namespaces/{ns}/configmaps?labelSelector=drop%3Dyes");
        Assert.Equal(200, deleted.Status);
        Assert.Equal(new[] { "keep" }, await Names($"/api/v1/namespaces/{ns}/configmaps"));
    }

    [Fact]
    public async Task StoreSeedsAndListsInProcess()
    {
        var store = fixture.Server.Store;
        store.Seed(new[]
        {
            (JsonObject)JsonNode.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"seeded","namespace":"seeded-ns","labels":{"s":"1"}}}""")!,
            (JsonObject)JsonNode.Parse("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"seeded-ns"},"spec":{}}""")!,
        });
        Assert.Equal("seeded", store.Get("configmaps", "seeded-ns", "seeded")!["metadata"]!["name"]!.ToString());
        Assert.Single(store.List("cm", "seeded-ns", "s=1"));
        Assert.Equal(1, store.Count("deployments.apps", "seeded-ns"));
        Assert.Equal("1", store.Get("Deployment", "seeded-ns", "d")!["metadata"]!["generation"]!.ToString());
        Assert.Equal(200, (await api.GetAsync("/api/v1/namespaces/seeded-ns/configmaps/seeded")).Status);
        var error = Assert.Throws<ApiException>(() => store.Create("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"seeded","namespace":"seeded-ns"}}"""));
        Assert.Equal("AlreadyExists", error.Reason);
        Assert.Throws<ArgumentException>(() => store.List("no-such-resource"));
    }

    private async Task<string[]> Names(string path)
    {
        var response = await api.GetAsync(path);
        Assert.True(response.Status == 200, response.Body);
        return response.Json["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.ToString()).ToArray();
    }
}
