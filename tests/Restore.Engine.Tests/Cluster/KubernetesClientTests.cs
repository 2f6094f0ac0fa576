using System;
using System.Text;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster;
using Restore.Engine.Common;
using Xunit;

namespace Restore.Engine.Tests.Cluster;

public class KubernetesClientTests
{
    internal static KubernetesClient Client(TestKubeServer server, ClusterCredentials? credentials = null, Action<KubernetesClientOptions>? configure = null, IKubeClock? clock = null, IEngineLog? log = null)
    {
        var options = new KubernetesClientOptions { Clock = clock ?? new FakeClock(), Log = log ?? NullEngineLog.Instance };
        configure?.Invoke(options);
        return new KubernetesClient(server.Settings(credentials), options);
    }

    [Fact]
    public async Task GetSendsTheTokenAndTrustsTheKubeconfigCa()
    {
        await using var server = await TestKubeServer.StartAsync((context, seen, _) =>
            seen.Authorization == "Bearer test-token"
                ? TestKubeServer.Json(context, 200, TestKubeServer.Object("Pod", "web", "shop"))
                : TestKubeServer.Json(context, 401, TestKubeServer.Status(401, "Unauthorized", "Unauthorized")));
        using var client = Client(server);

        var pod = await client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None);

        Assert.Equal("web", (string?)pod["metadata"]!["name"]);
        var seen = Assert.Single(server.Requests);
        Assert.Equal("GET", seen.Method);
        Assert.Equal("/api/v1/namespaces/shop/pods/web", seen.Path);
        Assert.Equal("application/json", seen.Accept);
        Assert.StartsWith("Restore/", seen.UserAgent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestKeyForm.RsaPkcs1)]
    [InlineData(TestKeyForm.RsaPkcs8)]
    [InlineData(TestKeyForm.EcP256Sec1)]
    [InlineData(TestKeyForm.EcP256Pkcs8)]
    [InlineData(TestKeyForm.EcP384Sec1)]
    public async Task AuthenticatesWithAClientCertificate(TestKeyForm form)
    {
        await using var server = await TestKubeServer.StartAsync((context, seen, _) =>
            seen.ClientCertificateTrusted
                ? TestKubeServer.Json(context, 200, TestKubeServer.Object("Namespace", "shop"))
                : TestKubeServer.Json(context, 401, TestKubeServer.Status(401, "Unauthorized", "no client certificate")));
        var (certificate, key) = server.Certificates.IssueClient("alice", form);
        using var client = Client(server, new ClusterCredentials { ClientCertificateData = certificate, ClientKeyData = key });

        var ns = await client.GetAsync(Resources.Namespaces, null, "shop", CancellationToken.None);

        Assert.Equal("shop", (string?)ns["metadata"]!["name"]);
        var seen = Assert.Single(server.Requests);
        Assert.Equal("alice", seen.ClientCertificateSubject);
        Assert.Null(seen.Authorization);
        Assert.Equal("/api/v1/namespaces/shop", seen.Path);
    }

    [Fact]
    public async Task CreateFromUtf8SendsTheBytesAsTheyAreAndParsesTheAnswerOnlyWhenAsked()
    {
        await using var server = await TestKubeServer.StartAsync((context, seen, _) =>
            TestKubeServer.Json(context, 201, TestKubeServer.Object("ConfigMap", "settings", "shop", "v1")));
        using var client = Client(server);
        var body = Encoding.UTF8.GetBytes("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"settings\",\"namespace\":\"shop\"},\"data\":{\"k\":\"välue\"}}");

        var ignored = await client.CreateAsync(Resources.ConfigMaps, "shop", "settings", body, returnCreated: false, CancellationToken.None);
        var created = await client.CreateAsync(Resources.ConfigMaps, "shop", "settings", body, returnCreated: true, CancellationToken.None);

        Assert.Null(ignored);
        Assert.Equal("settings", (string?)created!["metadata"]!["name"]);
        var seen = server.Requests.ToArray();
        Assert.Equal(2, seen.Length);
        Assert.All(seen, s => Assert.Equal("POST /api/v1/namespaces/shop/configmaps application/json; charset=utf-8", $"{s.Method} {s.Path} {s.ContentType}"));
        Assert.All(seen, s => Assert.Equal(Encoding.UTF8.GetString(body), s.Body));
    }

    [Fact]
    public async Task CreateFromUtf8StillReportsApiErrors()
    {
        await using var server = await TestKubeServer.StartAsync((context, seen, _) =>
            TestKubeServer.Json(context, 409, JsonNode.Parse("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"AlreadyExists\",\"code\":409,\"message\":\"configmaps \\\"settings\\\" already exists\"}")!.AsObject()));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<KubernetesAlreadyExistsException>(() => client.CreateAsync(Resources.ConfigMaps, "shop", "settings", Encoding.UTF8.GetBytes("{}"), returnCreated: false, CancellationToken.None));
        Assert.Contains("settings", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WritesUseTheRightMethodsPathsAndContentTypes()
    {
        await using var server = await TestKubeServer.StartAsync((context, seen, _) =>
            TestKubeServer.Json(context, seen.Method == "POST" ? 201 : 200, TestKubeServer.Object("Deployment", "web", "shop", "apps/v1")));
        using var client = Client(server);
        var deployment = TestKubeServer.Object("Deployment", "web", "shop", "apps/v1");
        var ct = CancellationToken.None;

        await client.CreateAsync(Resources.Deployments, "shop", deployment, ct);
        await client.ReplaceAsync(Resources.Deployments, "shop", deployment, ct);
        await client.UpdateStatusAsync(Resources.Deployments, "shop", deployment, ct);
        await client.PatchAsync(Resources.Deployments, "shop", "web", PatchKind.Merge, "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}", ct);
        await client.PatchAsync(Resources.Deployments, "shop", "web", PatchKind.Json, "[{\"op\":\"remove\",\"path\":\"/spec/replicas\"}]", ct);
        await client.PatchAsync(Resources.Deployments, "shop", "web", PatchKind.StrategicMerge, "{\"spec\":{}}", ct);
        await client.DeleteAsync(Resources.Deployments, "shop", "web", new KubernetesDeleteOptions { PropagationPolicy = "Background" }, ct);
        await client.CreateAsync(Resources.ClusterRoles, null, TestKubeServer.Object("ClusterRole", "system:controller:x", null, "rbac.authorization.k8s.io/v1"), new KubernetesWriteOptions { DryRun = true, FieldManager = "restore" }, ct);
        await client.GetAsync(Resources.ClusterRoles, null, "system:controller:x", ct);

        var seen = server.Requests.ToArray();
        Assert.Equal(
            new[]
            {
                "POST /apis/apps/v1/namespaces/shop/deployments application/json",
                "PUT /apis/apps/v1/namespaces/shop/deployments/web application/json",
                "PUT /apis/apps/v1/namespaces/shop/deployments/web/status application/json",
                "PATCH /apis/apps/v1/namespaces/shop/deployments/web application/merge-patch+json",
                "PATCH /apis/apps/v1/namespaces/shop/deployments/web application/json-patch+json",
                "PATCH /apis/apps/v1/namespaces/shop/deployments/web application/strategic-merge-patch+json",
                "DELETE /apis/apps/v1/namespaces/shop/deployments/web application/json",
                "POST /apis/rbac.authorization.k8s.io/v1/clusterroles application/json",
                "GET /apis/rbac.authorization.k8s.io/v1/clusterroles/system:controller:x ",
            },
            seen.Select(s => $"{s.Method} {s.Path} {s.ContentType?.Split(';')[0]}"));
        Assert.Equal("web", (string?)JsonNode.Parse(seen[0].Body)!["metadata"]!["name"]);
        Assert.Contains("\"op\":\"remove\"", seen[4].Body, StringComparison.Ordinal);
        Assert.Equal("Background", (string?)JsonNode.Parse(seen[6].Body)!["propagationPolicy"]);
        Assert.Equal("?dryRun=All&fieldManager=restore", seen[7].Query);
    }

    [Fact]
    public async Task ListFollowsContinueTokensAndFillsInKinds()
    {
        var names = new[] { "a", "b", "c", "d", "e" };
        await using var server = await TestKubeServer.StartAsync((context, seen, _) =>
        {
            var start = context.Request.Query.TryGetValue("continue", out var token) ? int.Parse(token.ToString()[3..]) : 0;
            var limit = int.Parse(context.Request.Query["limit"].ToString());
            var items = new JsonArray(names.Skip(start).Take(limit).Select(n => (JsonNode)new JsonObject { ["metadata"] = new JsonObject { ["name"] = n } }).ToArray());
            var next = start + limit < names.Length ? "tok" + (start + limit) : null;
            return TestKubeServer.Json(context, 200, new JsonObject
            {
                ["kind"] = "PodList",
                ["apiVersion"] = "v1",
                ["metadata"] = new JsonObject { ["continue"] = next, ["resourceVersion"] = "42" },
                ["items"] = items,
            });
        });
        using var client = Client(server, configure: o => o.ListPageSize = 2);

        var pods = await client.ListAsync(Resources.Pods, "shop", "app=web,tier!=db", CancellationToken.None);

        Assert.Equal(names, pods.Select(p => (string?)p["metadata"]!["name"]));
        Assert.All(pods, p => Assert.Equal(("v1", "Pod"), ((string?)p["apiVersion"], (string?)p["kind"])));

        // Items are detached from the list so callers can put them into other documents.
        Assert.All(pods, p => Assert.Null(p.Parent));
        Assert.Equal(
            new[]
            {
                "?labelSelector=app%3Dweb%2Ctier%21%3Ddb&limit=2",
                "?labelSelector=app%3Dweb%2Ctier%21%3Ddb&limit=2&continue=tok2",
                "?labelSelector=app%3Dweb%2Ctier%21%3Ddb&limit=2&continue=tok4",
            },
            server.Requests.Select(r => r.Query));
        Assert.All(server.Requests, r => Assert.Equal("/api/v1/namespaces/shop/pods", r.Path));
    }

    [Fact]
    public async Task ListStartsOverUnpagedWhenTheContinueTokenExpires()
    {
        await using var server = await TestKubeServer.StartAsync((context, seen, index) => index switch
        {
            0 => TestKubeServer.Json(context, 200, new JsonObject { ["metadata"] = new JsonObject { ["continue"] = "t1" }, ["items"] = new JsonArray(new JsonObject { ["metadata"] = new JsonObject { ["name"] = "a" } }) }),
            1 => TestKubeServer.Json(context, 410, TestKubeServer.Status(410, "Expired", "The provided continue parameter is too old")),
            _ => TestKubeServer.Json(context, 200, new JsonObject { ["metadata"] = new JsonObject(), ["items"] = new JsonArray(new JsonObject { ["metadata"] = new JsonObject { ["name"] = "a" } }, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "b" } }) }),
        });
        using var client = Client(server, configure: o => o.ListPageSize = 1);

        var all = await client.ListAsync(Resources.Namespaces, null, null, CancellationToken.None);

        Assert.Equal(new[] { "a", "b" }, all.Select(p => (string?)p["metadata"]!["name"]));
        Assert.Equal(new[] { "?limit=1", "?limit=1&continue=t1", string.Empty }, server.Requests.Select(r => r.Query));
    }

    [Fact]
    public async Task ListingAllNamespacesUsesTheClusterWidePath()
    {
        await using var server = await TestKubeServer.StartAsync((context, _, _) => TestKubeServer.Json(context, 200, new JsonObject { ["items"] = new JsonArray() }));
        using var client = Client(server);

        Assert.Empty(await client.ListAsync(Resources.Deployments, null, null, CancellationToken.None));
        Assert.Equal("/apis/apps/v1/deployments", Assert.Single(server.Requests).Path);
    }

    [Fact]
    public async Task TryGetReturnsNullForNotFound()
    {
        await using var server = await TestKubeServer.StartAsync((context, _, _) => TestKubeServer.Json(context, 404, TestKubeServer.Status(404, "NotFound", "pods \"web\" not found")));
        using var client = Client(server);

        Assert.Null(await client.TryGetAsync(Resources.Pods, "shop", "web", CancellationToken.None));
    }

    [Fact]
    public async Task ManyParallelRequestsShareTheConnectionPool()
    {
        await using var server = await TestKubeServer.StartAsync(async (context, _, _) =>
        {
            await Task.Delay(20);
            await TestKubeServer.Json(context, 200, TestKubeServer.Object("Pod", "p", "shop"));
        });
        using var client = Client(server, configure: o => o.MaxConnectionsPerServer = 16);

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => client.GetAsync(Resources.Pods, "shop", "p" + i, CancellationToken.None)));

        Assert.Equal(100, results.Length);
        Assert.Equal(100, server.RequestCount);
    }

    [Theory]
    [InlineData(true, null, "namespaced; a namespace is required")]
    [InlineData(false, "shop", "cluster-scoped; no namespace may be given")]
    public async Task RejectsNamespaceArgumentsThatDoNotFitTheScope(bool namespaced, string? ns, string expected)
    {
        var handler = new StubHandler((_, _) => StubHandler.Json(200, "{}"));
        using var client = new KubernetesClient(new ClusterConnectionSettings { Server = new Uri("https://k") }, new KubernetesClientOptions(), handler, true);
        var resource = namespaced ? Resources.Pods : Resources.Namespaces;

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.GetAsync(resource, ns, "x", CancellationToken.None));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task AServerPathPrefixIsKept()
    {
        var handler = new StubHandler((_, _) => StubHandler.Json(200, "{\"kind\":\"Pod\"}"));
        using var client = new KubernetesClient(new ClusterConnectionSettings { Server = new Uri("https://rancher.example/k8s/clusters/c-1/") }, new KubernetesClientOptions(), handler, true);

        await client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None);

        Assert.Equal("https://rancher.example/k8s/clusters/c-1/api/v1/namespaces/shop/pods/web", Assert.Single(handler.Requests).Request.RequestUri!.ToString());
    }

    [Fact]
    public async Task SendsImpersonationHeaders()
    {
        var handler = new StubHandler((_, _) => StubHandler.Json(200, "{\"kind\":\"Pod\"}"));
        var settings = new ClusterConnectionSettings { Server = new Uri("https://k"), Credentials = new ClusterCredentials { Token = "tok-tok-tok", ImpersonateUser = "jane", ImpersonateGroups = new[] { "ops", "dev" } } };
        using var client = new KubernetesClient(settings, new KubernetesClientOptions(), handler, true);

        await client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None);

        var request = Assert.Single(handler.Requests).Request;
        Assert.Equal("jane", request.Headers.GetValues("Impersonate-User").Single());
        Assert.Equal(new[] { "ops", "dev" }, request.Headers.GetValues("Impersonate-Group"));
        Assert.Equal("Bearer tok-tok-tok", request.Headers.GetValues("Authorization").Single());
    }

    [Fact]
    public async Task ServerVersionIsRead()
    {
        await using var server = await TestKubeServer.StartAsync((context, _, _) =>
            TestKubeServer.Json(context, 200, new JsonObject { ["major"] = "1", ["minor"] = "31", ["gitVersion"] = "v1.31.2", ["platform"] = "linux/amd64" }));
        using var client = Client(server);

        var version = await client.GetServerVersionAsync(CancellationToken.None);

        Assert.Equal(("1", "31", "v1.31.2", "linux/amd64"), (version.Major, version.Minor, version.GitVersion, version.Platform));
        Assert.Equal("/version", Assert.Single(server.Requests).Path);
    }
}
