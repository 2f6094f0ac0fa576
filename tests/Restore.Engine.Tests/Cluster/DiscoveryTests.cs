using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Restore.Engine.Cluster;
using Restore.Engine.Kubernetes;
using Xunit;
using static Restore.Engine.Tests.Cluster.KubernetesClientTests;

namespace Restore.Engine.Tests.Cluster;

/// <summary>A small cluster's discovery documents, served classically or aggregated.</summary>
internal sealed class FakeDiscovery
{
    private static readonly (string Group, string[] Versions, string Preferred)[] BaseGroups =
    {
        ("apps", new[] { "v1" }, "v1"),
        ("events.k8s.io", new[] { "v1" }, "v1"),
        ("batch", new[] { "v1", "v1beta1" }, "v1"),
        ("autoscaling", new[] { "v1", "v2" }, "v2"),
        ("snapshot.storage.k8s.io", new[] { "v1" }, "v1"),
        ("metrics.k8s.io", new[] { "v1beta1" }, "v1beta1"),
    };

    public volatile bool CrdInstalled;

    public bool Aggregated { get; init; }

    public static JsonObject R(string name, string kind, bool namespaced, string singular, params string[] shortNames) => new()
    {
        ["name"] = name,
        ["singularName"] = singular,
        ["namespaced"] = namespaced,
        ["kind"] = kind,
        ["verbs"] = new JsonArray("create", "delete", "get", "list", "patch", "update", "watch"),
        ["shortNames"] = new JsonArray(shortNames.Select(s => (JsonNode)s).ToArray()),
    };

    public static JsonObject Sub(string name, string kind) => new() { ["name"] = name, ["singularName"] = string.Empty, ["namespaced"] = true, ["kind"] = kind, ["verbs"] = new JsonArray("get", "patch", "update") };

    public IEnumerable<(string Group, string[] Versions, string Preferred)> Groups =>
        CrdInstalled ? BaseGroups.Append(("example.com", new[] { "v1" }, "v1")) : BaseGroups;

    public JsonObject[]? Resources(string group, string version) => (group, version) switch
    {
        ("", "v1") => new[]
        {
            R("pods", "Pod", true, "pod", "po"), Sub("pods/status", "Pod"), Sub("pods/log", "Pod"),
            R("namespaces", "Namespace", false, "namespace", "ns"), Sub("namespaces/status", "Namespace"),
            R("events", "Event", true, "event", "ev"),
            R("configmaps", "ConfigMap", true, "configmap", "cm"),
        },
        ("apps", "v1") => new[] { R("deployments", "Deployment", true, "deployment", "deploy"), Sub("deployments/status", "Deployment"), Sub("deployments/scale", "Scale"), R("replicasets", "ReplicaSet", true, "replicaset", "rs") },
        ("events.k8s.io", "v1") => new[] { R("events", "Event", true, "event", "ev") },
        ("batch", "v1") => new[] { R("jobs", "Job", true, "job"), R("cronjobs", "CronJob", true, "cronjob", "cj") },
        ("batch", "v1beta1") => new[] { R("cronjobs", "CronJob", true, "cronjob", "cj"), R("oldthings", "OldThing", true, "oldthing") },
        ("autoscaling", "v1") => new[] { R("horizontalpodautoscalers", "HorizontalPodAutoscaler", true, "horizontalpodautoscaler", "hpa") },
        ("autoscaling", "v2") => new[] { R("horizontalpodautoscalers", "HorizontalPodAutoscaler", true, "horizontalpodautoscaler", "hpa") },
        ("snapshot.storage.k8s.io", "v1") => new[] { R("volumesnapshotclasses", "VolumeSnapshotClass", false, "volumesnapshotclass", "vsclass", "vsclasses") },
        ("example.com", "v1") when CrdInstalled => new[] { R("widgets", "Widget", true, "widget", "wd") },
        _ => null,
    };

    public Task Serve(HttpContext context, SeenRequest seen)
    {
        var path = seen.Path;
        var wantsAggregated = Aggregated && (seen.Accept ?? string.Empty).Contains("as=APIGroupDiscoveryList", StringComparison.Ordinal);
        if (path == "/api")
        {
            return wantsAggregated
                ? Aggregate(context, new[] { (string.Empty, new[] { "v1" }, "v1") })
                : TestKubeServer.Json(context, 200, new JsonObject { ["kind"] = "APIVersions", ["versions"] = new JsonArray("v1") });
        }

        if (path == "/apis")
        {
            if (wantsAggregated)
            {
                return Aggregate(context, Groups.ToArray());
            }

            var groups = new JsonArray(Groups.Select(g => (JsonNode)new JsonObject
            {
                ["name"] = g.Group,
                ["versions"] = new JsonArray(g.Versions.Select(v => (JsonNode)new JsonObject { ["groupVersion"] = g.Group + "/" + v, ["version"] = v }).ToArray()),
                ["preferredVersion"] = new JsonObject { ["groupVersion"] = g.Group + "/" + g.Preferred, ["version"] = g.Preferred },
            }).ToArray());
            return TestKubeServer.Json(context, 200, new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups });
        }

        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var (group, version) = parts[0] == "api" ? (string.Empty, parts[1]) : (parts[1], parts[2]);
        if (group == "metrics.k8s.io")
        {
            return TestKubeServer.Json(context, 503, TestKubeServer.Status(503, "ServiceUnavailable", "the server is currently unable to handle the request"));
        }

        var resources = Resources(group, version);
        return resources is null
            ? TestKubeServer.Json(context, 404, TestKubeServer.Status(404, "NotFound", "not found"))
            : TestKubeServer.Json(context, 200, new JsonObject
            {
                ["kind"] = "APIResourceList",
                ["groupVersion"] = group.Length == 0 ? version : group + "/" + version,
                ["resources"] = new JsonArray(resources.Select(r => (JsonNode)r.DeepClone()).ToArray()),
            });
    }

    private Task Aggregate(HttpContext context, (string Group, string[] Versions, string Preferred)[] groups)
    {
        var items = new JsonArray();
        foreach (var (group, versions, preferred) in groups)
        {
            var ordered = new[] { preferred }.Concat(versions.Where(v => v != preferred));
            items.Add(new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = group },
                ["versions"] = new JsonArray(ordered.Select(v =>
                {
                    var list = Resources(group, v) ?? Array.Empty<JsonObject>();
                    var top = list.Where(r => !((string)r["name"]!).Contains('/', StringComparison.Ordinal));
                    return (JsonNode)new JsonObject
                    {
                        ["version"] = v,
                        ["freshness"] = group == "metrics.k8s.io" ? "Stale" : "Current",
                        ["resources"] = new JsonArray(top.Select(r => (JsonNode)new JsonObject
                        {
                            ["resource"] = (string)r["name"]!,
                            ["responseKind"] = new JsonObject { ["group"] = group, ["version"] = v, ["kind"] = (string)r["kind"]! },
                            ["scope"] = (bool)r["namespaced"]! ? "Namespaced" : "Cluster",
                            ["singularResource"] = (string)r["singularName"]!,
                            ["verbs"] = r["verbs"]!.DeepClone(),
                            ["shortNames"] = r["shortNames"]!.DeepClone(),
                            ["subresources"] = new JsonArray(list.Where(s => ((string)s["name"]!).StartsWith((string)r["name"]! + "/", StringComparison.Ordinal))
                                .Select(s => (JsonNode)new JsonObject { ["subresource"] = ((string)s["name"]!).Split('/')[1] }).ToArray()),
                        }).ToArray()),
                    };
                }).ToArray()),
            });
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
        return context.Response.WriteAsync(new JsonObject { ["kind"] = "APIGroupDiscoveryList", ["apiVersion"] = "apidiscovery.k8s.io/v2", ["items"] = items }.ToJsonString());
    }
}

/// <summary>Discovers the fake cluster once for the name-resolution table.</summary>
public sealed class DiscoveryFixture : IAsyncLifetime
{
    internal DiscoveryCatalog Catalog { get; private set; } = null!;

    public async Task InitializeAsync() => Catalog = await DiscoveryTests.Discover(new FakeDiscovery());

    public Task DisposeAsync() => Task.CompletedTask;
}

public class DiscoveryTests : IClassFixture<DiscoveryFixture>
{
    private readonly DiscoveryFixture fixture;

    public DiscoveryTests(DiscoveryFixture fixture) => this.fixture = fixture;

    public static TheoryData<bool> Modes() => new() { false, true };

    [Theory]
    [InlineData("pods", "pods", "v1")]
    [InlineData("po", "pods", "v1")]
    [InlineData("pod", "pods", "v1")]
    [InlineData("Pod", "pods", "v1")]
    [InlineData("PODS", "pods", "v1")]
    [InlineData("ns", "namespaces", "v1")]
    [InlineData("deploy", "deployments.apps", "v1")]
    [InlineData("deployments.apps", "deployments.apps", "v1")]
    [InlineData("deployment.apps", "deployments.apps", "v1")]
    [InlineData("deploy.apps", "deployments.apps", "v1")]
    [InlineData("Deployment", "deployments.apps", "v1")]
    [InlineData("events", "events", "v1")]
    [InlineData("ev", "events", "v1")]
    [InlineData("events.events.k8s.io", "events.events.k8s.io", "v1")]
    [InlineData("volumesnapshotclass.snapshot.storage.k8s.io", "volumesnapshotclasses.snapshot.storage.k8s.io", "v1")]
    [InlineData("vsclass", "volumesnapshotclasses.snapshot.storage.k8s.io", "v1")]
    [InlineData("cronjobs", "cronjobs.batch", "v1")]
    [InlineData("cj.batch", "cronjobs.batch", "v1")]
    [InlineData("hpa", "horizontalpodautoscalers.autoscaling", "v2")]
    [InlineData("oldthings", "oldthings.batch", "v1beta1")]
    [InlineData("nonexistent", null, null)]
    [InlineData("deployments.batch", null, null)]
    [InlineData("widgets", null, null)]
    [InlineData("", null, null)]
    public void ResolvesNamesLikeVelerosRestMapper(string name, string? groupResource, string? version)
    {
        var resolved = fixture.Catalog.Resolve(name);

        Assert.Equal(groupResource, resolved?.GroupResource);
        Assert.Equal(version, resolved?.Version);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task DescribesGroupsVersionsAndResources(bool aggregated)
    {
        var catalog = await Discover(new FakeDiscovery { Aggregated = aggregated });

        var deployments = catalog.FindByGroupResource("deployments.apps")!;
        Assert.Equal(("apps", "v1", "Deployment", true, "deployment"), (deployments.Group, deployments.Version, deployments.Kind, deployments.Namespaced, deployments.SingularName));
        Assert.Equal(new[] { "deploy" }, deployments.ShortNames);
        Assert.Contains("create", deployments.Verbs);
        Assert.False(catalog.FindByGroupResource("namespaces")!.Namespaced);
        Assert.Equal(new[] { "v1", "v1beta1" }, catalog.GetServedVersions("batch"));
        Assert.Equal(new[] { "v2", "v1" }, catalog.GetServedVersions("autoscaling"));
        Assert.Equal(new[] { "v1" }, catalog.GetServedVersions(string.Empty));
        Assert.Empty(catalog.GetServedVersions("nope.example.com"));
        Assert.Equal("v1beta1", catalog.FindByKind("batch/v1beta1", "CronJob")!.Version);
        Assert.Equal("pods", catalog.FindByKind("v1", "Pod")!.Resource);
        Assert.Null(catalog.FindByKind("apps/v1", "Nope"));
        Assert.True(catalog.HasSubresource(deployments, "status"));
        Assert.True(catalog.HasSubresource(deployments, "scale"));
        Assert.False(catalog.HasSubresource(catalog.Resolve("cm")!, "status"));
        Assert.Equal(new[] { "metrics.k8s.io/v1beta1" }, catalog.FailedGroupVersions);
        Assert.Equal(string.Empty, catalog.Groups[0]);

        // Each resource once, at its preferred version (or the best version that serves it).
        var all = catalog.Resources.Select(r => r.GroupResource + "@" + r.Version).ToList();
        Assert.Equal(all.Distinct().Count(), all.Count);
        Assert.Contains("cronjobs.batch@v1", all);
        Assert.Contains("oldthings.batch@v1beta1", all);
        Assert.Contains("horizontalpodautoscalers.autoscaling@v2", all);
        Assert.DoesNotContain(all, r => r.Contains('/', StringComparison.Ordinal));
        Assert.Equal(catalog.Resolve("hpa")!.Version, catalog.FindByGroupResource("horizontalpodautoscalers.autoscaling")!.Version);
    }

    [Fact]
    public async Task AggregatedDiscoveryNeedsTwoRequests()
    {
        var discovery = new FakeDiscovery { Aggregated = true };
        await using var server = await TestKubeServer.StartAsync((context, seen, _) => discovery.Serve(context, seen));
        using var client = Client(server);

        var catalog = await client.DiscoverAsync(CancellationToken.None);

        Assert.Equal(new[] { "/api", "/apis" }, server.Requests.Select(r => r.Path));
        Assert.Equal("deployments.apps", catalog.Resolve("deploy")!.GroupResource);
    }

    [Fact]
    public async Task RefreshPicksUpNewCustomResources()
    {
        var discovery = new FakeDiscovery();
        await using var server = await TestKubeServer.StartAsync((context, seen, _) => discovery.Serve(context, seen));
        using var client = Client(server, configure: o => o.MaxRetries = 0);
        var catalog = await client.DiscoverAsync(CancellationToken.None);
        Assert.Null(catalog.Resolve("widgets"));

        discovery.CrdInstalled = true;
        await catalog.RefreshAsync(CancellationToken.None);

        Assert.Equal("widgets.example.com", catalog.Resolve("wd")!.GroupResource);
        Assert.Equal("example.com", catalog.Groups[^1]);
    }

    [Fact]
    public async Task AFailingCoreGroupFailsDiscovery()
    {
        await using var server = await TestKubeServer.StartAsync((context, _, _) => TestKubeServer.Json(context, 403, TestKubeServer.Status(403, "Forbidden", "discovery is forbidden")));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<KubernetesForbiddenException>(() => client.DiscoverAsync(CancellationToken.None));

        Assert.Contains("test-context: discover", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACatalogCanBeBuiltWithoutACluster()
    {
        var catalog = DiscoveryCatalog.FromResources(
            new[]
            {
                new ApiResourceInfo("batch", "v1beta1", "cronjobs", "CronJob", true, new[] { "cj" }),
                new ApiResourceInfo("batch", "v1", "cronjobs", "CronJob", true, new[] { "cj" }),
                Resources.Pods,
            },
            new Dictionary<string, string> { ["batch"] = "v1" });

        Assert.Equal("v1", catalog.Resolve("cj")!.Version);
        Assert.Equal(new[] { "v1", "v1beta1" }, catalog.GetServedVersions("batch"));
        Assert.Equal("pods", catalog.Resolve("po")!.GroupResource);
        Assert.Equal(2, catalog.Resources.Count);
    }

    internal static async Task<DiscoveryCatalog> Discover(FakeDiscovery discovery)
    {
        await using var server = await TestKubeServer.StartAsync((context, seen, _) => discovery.Serve(context, seen));
        using var client = Client(server, configure: o => o.MaxRetries = 0);
        return await client.DiscoverAsync(CancellationToken.None);
    }
}
