using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.TestApiServer;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.ApiServer;

public class CrdTests : IClassFixture<ApiServerFixture>
{
    private readonly ApiServerFixture fixture;
    private readonly ApiClient api;

    public CrdTests(ApiServerFixture fixture)
    {
        this.fixture = fixture;
        api = fixture.Client;
    }

    [Fact]
    public async Task CrdIsEstablishedThenServedThenRemovedWithItsObjects()
    {
        var created = await api.PostAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd("gadgets", "Gadget", "Namespaced", withStatus: true, group: "gadgets.test"));
        Assert.Equal(201, created.Status);
        Assert.Equal("v1", created.Str("status", "storedVersions", "0"));

        var crd = await api.GetAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.gadgets.test");
        var conditions = crd.Json["status"]!["conditions"]!.AsArray().Select(c => (c!["type"]!.ToString(), c["status"]!.ToString())).ToList();
        Assert.Contains(("Established", "True"), conditions);
        Assert.Contains(("NamesAccepted", "True"), conditions);
        Assert.Equal("Gadget", crd.Str("status", "acceptedNames", "kind"));

        var discovery = await api.GetAsync("/apis/gadgets.test/v1");
        Assert.Contains(discovery.Json["resources"]!.AsArray(), r => r!["name"]!.ToString() == "gadgets" && r["kind"]!.ToString() == "Gadget");

        var cr = await api.PostAsync("/apis/gadgets.test/v1/namespaces/default/gadgets", """{"apiVersion":"gadgets.test/v1","kind":"Gadget","metadata":{"name":"g1"},"spec":{"size":1},"status":{"ok":true}}""");
        Assert.Equal(201, cr.Status);
        Assert.Null(cr.Json["status"]);
        Assert.Equal("1", cr.Str("metadata", "generation"));

        var strategic = await api.PatchAsync("/apis/gadgets.test/v1/namespaces/default/gadgets/g1", "{}", "application/strategic-merge-patch+json");
        Assert.Equal(415, strategic.Status);
        Assert.Equal("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json", strategic.Str("message"));

        var unconditional = cr.Json;
        unconditional["metadata"]!.AsObject().Remove("resourceVersion");
        var put = await api.PutAsync("/apis/gadgets.test/v1/namespaces/default/gadgets/g1", unconditional.ToJsonString());
        Assert.Equal(422, put.Status);
        Assert.Equal("Gadget.gadgets.test \"g1\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update", put.Str("message"));

        var status = await api.PatchAsync("/apis/gadgets.test/v1/namespaces/default/gadgets/g1/status", """{"status":{"ok":true}}""", "application/merge-patch+json");
        Assert.Equal("true", status.Str("status", "ok"));

        Assert.Equal(200, (await api.DeleteAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.gadgets.test")).Status);
        Assert.Equal(404, (await api.GetAsync("/apis/gadgets.test/v1/namespaces/default/gadgets/g1")).Status);
        Assert.Equal(404, (await api.GetAsync("/apis/gadgets.test/v1")).Status);
    }

    [Fact]
    public async Task EstablishDelayKeepsTheResourceUnservedUntilThen()
    {
        fixture.Server.Knobs.CrdEstablishDelay = TimeSpan.FromMilliseconds(1500);
        try
        {
            await api.PostAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd("slowthings", "SlowThing", "Cluster", withStatus: false));
            Assert.Equal(404, (await api.GetAsync("/apis/example.com/v1/slowthings")).Status);
            var crd = await api.GetAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/slowthings.example.com");
            Assert.Null(crd.Json["status"]!["conditions"]);

            var watch = Stopwatch.StartNew();
            while ((await api.GetAsync("/apis/example.com/v1/slowthings")).Status != 200)
            {
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "never established");
                await Task.Delay(50);
            }

            Assert.Equal(201, (await api.PostAsync("/apis/example.com/v1/slowthings", """{"apiVersion":"example.com/v1","kind":"SlowThing","metadata":{"name":"s"}}""")).Status);
            Assert.Equal(404, (await api.GetAsync("/apis/example.com/v1/namespaces/default/slowthings/s")).Status);
        }
        finally
        {
            fixture.Server.Knobs.CrdEstablishDelay = TimeSpan.Zero;
        }
    }

    [Theory]
    [InlineData("""{"metadata":{"name":"wrong.example.com"},"spec":{"group":"example.com","names":{"plural":"things","kind":"Thing"},"scope":"Namespaced","versions":[{"name":"v1","served":true,"storage":true}]}}""", "metadata.name: Invalid value: \"wrong.example.com\": must be spec.names.plural+\".\"+spec.group")]
    [InlineData("""{"metadata":{"name":"things.example.com"},"spec":{"group":"example.com","names":{"plural":"things","kind":"Thing"},"scope":"Global","versions":[{"name":"v1","served":true,"storage":true}]}}""", "spec.scope: Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\"")]
    public async Task InvalidCrdsAre422(string body, string detail)
    {
        var response = await api.PostAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body);
        Assert.Equal(422, response.Status);
        Assert.EndsWith(detail, response.Str("message"));
        Assert.Equal("CustomResourceDefinition", response.Str("details", "kind"));
    }

    [Fact]
    public async Task PreinstalledBundlesServeVeleroAndSnapshotKinds()
    {
        await using var server = await TestApiServer.TestApiServer.StartAsync(new TestApiServerOptions { InstallVeleroCrds = true, InstallVolumeSnapshotCrds = true });
        using var client = new ApiClient(server.CreateHttpClient());
        Assert.Equal(200, (await client.GetAsync("/apis/velero.io/v1/namespaces/default/backups")).Status);
        Assert.Equal(200, (await client.GetAsync("/apis/velero.io/v2alpha1/namespaces/default/datauploads")).Status);
        Assert.Equal(200, (await client.GetAsync("/apis/snapshot.storage.k8s.io/v1/volumesnapshotcontents")).Status);
        Assert.Equal(201, (await client.PostAsync("/apis/snapshot.storage.k8s.io/v1/namespaces/default/volumesnapshots", """{"apiVersion":"snapshot.storage.k8s.io/v1","kind":"VolumeSnapshot","metadata":{"name":"snap"},"spec":{}}""")).Status);
    }

    internal static string Crd(string plural, string kind, string scope, bool withStatus, string group = "example.com")
        => new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = plural + "." + group },
            ["spec"] = new JsonObject
            {
                ["group"] = group,
                ["names"] = new JsonObject { ["plural"] = plural, ["kind"] = kind },
                ["scope"] = scope,
                ["versions"] = new JsonArray(new JsonObject
                {
                    ["name"] = "v1",
                    ["served"] = true,
                    ["storage"] = true,
                    ["subresources"] = withStatus ? new JsonObject { ["status"] = new JsonObject() } : null,
                }),
            },
        }.ToJsonString();
}

public class WatchTests : IClassFixture<ApiServerFixture>
{
    private readonly ApiServerFixture fixture;
    private readonly ApiClient api;

    public WatchTests(ApiServerFixture fixture)
    {
        this.fixture = fixture;
        api = fixture.Client;
    }

    [Fact]
    public async Task WatchStreamsInitialStateThenChanges()
    {
        var ns = await api.NamespaceAsync("watch-live");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap("before", ns));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var response = await api.Http.GetAsync($"/api/v1/namespaces/{ns}/configmaps?watch=true&timeoutSeconds=5", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        var first = await NextEvent(reader, cts.Token);
        Assert.Equal(("ADDED", "before"), first);
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap("after", ns));
        await api.PatchAsync($"/api/v1/namespaces/{ns}/configmaps/after", """{"data":{"x":"y"}}""", "application/merge-patch+json");
        await api.DeleteAsync($"/api/v1/namespaces/{ns}/configmaps/after");

        Assert.Equal(("ADDED", "after"), await NextEvent(reader, cts.Token));
        Assert.Equal(("MODIFIED", "after"), await NextEvent(reader, cts.Token));
        Assert.Equal(("DELETED", "after"), await NextEvent(reader, cts.Token));
    }

    [Fact]
    public async Task WatchResumesFromAResourceVersionAndHonoursTheFieldSelector()
    {
        var ns = await api.NamespaceAsync("watch-resume");
        var list = await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps");
        var rv = list.Str("metadata", "resourceVersion");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap("other", ns));
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap("mine", ns));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var response = await api.Http.GetAsync($"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={rv}&fieldSelector=metadata.name%3Dmine&timeoutSeconds=2", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        Assert.Equal(("ADDED", "mine"), await NextEvent(reader, cts.Token));
        Assert.Null(await reader.ReadLineAsync(cts.Token));
    }

    [Fact]
    public async Task TooOldResourceVersionIsAnExpiredErrorEvent()
    {
        var ns = await api.NamespaceAsync("watch-expired");
        for (var i = 0; i < 4200; i++)
        {
            fixture.Server.Store.Create($$$"""{"apiVersion":"v1","kind":"Event","metadata":{"name":"e{{{i}}}","namespace":"{{{ns}}}"}}""");
        }

        using var response = await api.Http.GetAsync($"/api/v1/namespaces/{ns}/events?watch=true&resourceVersion=1&timeoutSeconds=1", HttpCompletionOption.ResponseHeadersRead);
        var line = (await response.Content.ReadAsStringAsync()).Split('\n')[0];
        var e = JsonNode.Parse(line)!;
        Assert.Equal("ERROR", e["type"]!.ToString());
        Assert.Equal(410, e["object"]!["code"]!.GetValue<int>());
        Assert.Equal("Expired", e["object"]!["reason"]!.ToString());
    }

    private static async Task<(string Type, string Name)> NextEvent(StreamReader reader, CancellationToken ct)
    {
        var line = await reader.ReadLineAsync(ct) ?? throw new EndOfStreamException();
        var e = JsonNode.Parse(line)!;
        return (e["type"]!.ToString(), e["object"]!["metadata"]!["name"]!.ToString());
    }
}

public class MultiServerTests
{
    [Fact]
    public async Task TwoServersAreIndependent()
    {
        var servers = await Task.WhenAll(
            TestApiServer.TestApiServer.StartAsync(new TestApiServerOptions { ClusterName = "east" }),
            TestApiServer.TestApiServer.StartAsync(new TestApiServerOptions { ClusterName = "west" }));
        await using var east = servers[0];
        await using var west = servers[1];
        Assert.NotEqual(east.Port, west.Port);
        Assert.NotEqual(east.Token, west.Token);
        Assert.NotEqual(east.CaCertificatePem, west.CaCertificatePem);

        east.Store.Create("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"only-east","namespace":"default"}}""");
        using var westClient = new ApiClient(west.CreateHttpClient());
        using var eastClient = new ApiClient(east.CreateHttpClient());
        Assert.Equal(404, (await westClient.GetAsync("/api/v1/namespaces/default/configmaps/only-east")).Status);
        Assert.Equal(200, (await eastClient.GetAsync("/api/v1/namespaces/default/configmaps/only-east")).Status);
        Assert.DoesNotContain(west.Journal.Entries, e => e.Path.Contains("only-east", StringComparison.Ordinal) && e.StatusCode == 200);
    }

    [KubectlFact]
    public async Task OneKubeconfigReachesBothClusters()
    {
        var servers = await Task.WhenAll(
            TestApiServer.TestApiServer.StartAsync(new TestApiServerOptions { ClusterName = "east" }),
            TestApiServer.TestApiServer.StartAsync(new TestApiServerOptions { ClusterName = "west" }));
        await using var east = servers[0];
        await using var west = servers[1];
        east.Store.Create("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"only-east","namespace":"default"}}""");
        using var kubectl = new KubectlRunner(servers);

        Assert.Equal(new KubectlResult(0, "configmap/only-east\n", string.Empty), await kubectl.RunAsync("get", "configmap", "only-east", "-o", "name"));
        Assert.Equal(new KubectlResult(0, "configmap/only-east\n", string.Empty), await kubectl.RunAsync("--context", "east-cert", "get", "configmap", "only-east", "-o", "name"));
        Assert.Equal(new KubectlResult(1, string.Empty, "Error from server (NotFound): configmaps \"only-east\" not found\n"), await kubectl.RunAsync("--context", "west-cert", "get", "configmap", "only-east"));
        Assert.Contains(west.Journal.Entries, e => e.User == "cert-user" && e.Name == "only-east" && e.StatusCode == 404);
        Assert.Throws<ArgumentException>(() => Kubeconfig.Yaml(new[] { east, east }, "east-token", null));
    }

    [Fact]
    public async Task KubeconfigHasOneContextPerAuthMethod()
    {
        await using var server = await TestApiServer.TestApiServer.StartAsync(new TestApiServerOptions { ClusterName = "kc", CreateDefaultObjects = false });
        var yaml = server.KubeconfigYaml(KubeconfigAuth.ClientCertificate, "shop");
        Assert.Contains($"server: {server.Server}", yaml);
        Assert.Contains("current-context: kc-cert", yaml);
        Assert.Contains("- name: kc-token", yaml);
        Assert.Contains($"    token: {server.Token}", yaml);
        Assert.Contains("    client-certificate-data: ", yaml);
        Assert.Contains("    namespace: shop", yaml);
        Assert.Equal(2, yaml.Split("user: kc-").Length - 1);
    }
}

public class CommandLineTests
{
    [Fact]
    public void ParsesEveryKnob()
    {
        var line = CommandLine.Parse(new[]
        {
            "--port", "6443", "--kubeconfig", "/tmp/kc", "--context", "cert", "--latency-ms", "5", "--fail", "503:0.1:2", "--fail", "429:0.5::create:deployments.apps",
            "--reset-rate", "0.05", "--hang-rate", "0.01", "--hang-ms", "3000", "--forbid", "secrets:create:shop", "--namespace-termination-ms", "200",
            "--crd-establish-ms", "100", "--velero-crds", "--snapshot-crds", "--no-defaults", "--anonymous", "--seed", "7", "--no-http2",
        });
        Assert.Equal(6443, line.Options.Port);
        Assert.Equal("/tmp/kc", line.KubeconfigPath);
        Assert.Equal(KubeconfigAuth.ClientCertificate, line.Context);
        Assert.Equal(TimeSpan.FromMilliseconds(5), line.Latency);
        Assert.Equal(4, line.Faults.Count);
        Assert.Equal((503, 0.1, (int?)2), (line.Faults[0].StatusCode, line.Faults[0].Rate, line.Faults[0].RetryAfterSeconds));
        Assert.Equal((429, 0.5, (int?)null, "create", "deployments.apps"), (line.Faults[1].StatusCode, line.Faults[1].Rate, line.Faults[1].RetryAfterSeconds, line.Faults[1].Verb, line.Faults[1].Resource));
        Assert.Equal(FaultAction.ResetConnection, line.Faults[2].Action);
        Assert.Equal(TimeSpan.FromSeconds(3), line.Faults[3].HangFor);
        Assert.Equal(("secrets", "create", "shop"), (line.Forbidden[0].Resource, line.Forbidden[0].Verb, line.Forbidden[0].Namespace));
        Assert.Equal(TimeSpan.FromMilliseconds(200), line.Options.NamespaceTerminationDelay);
        Assert.True(line.Options.InstallVeleroCrds && line.Options.InstallVolumeSnapshotCrds && line.Options.AllowAnonymous);
        Assert.False(line.Options.CreateDefaultObjects || line.Options.EnableHttp2);
    }

    [Theory]
    [InlineData("--port", "x", "--port needs a non-negative whole number, not 'x'.")]
    [InlineData("--fail", "503:2", "--fail needs a rate between 0 and 1, not '2'.")]
    [InlineData("--context", "both", "--context must be token or cert, not 'both'.")]
    [InlineData("--bogus", "1", "Unknown option '--bogus'.")]
    public void BadArgumentsNameTheProblem(string option, string value, string message)
    {
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => CommandLine.Parse(new[] { option, value })).Message);
    }

    [Fact]
    public async Task RunsStandaloneAndWritesAKubeconfig()
    {
        var dir = Directory.CreateTempSubdirectory("apiserver-cli-");
        var kubeconfig = Path.Combine(dir.FullName, "kubeconfig");
        var dll = typeof(TestApiServer.TestApiServer).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { dll, "--port", "0", "--kubeconfig", kubeconfig, "--no-defaults" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var line = await process.StandardOutput.ReadLineAsync(cts.Token);
            Assert.StartsWith("Test API server listening on https://127.0.0.1:", line);
            Assert.Contains("certificate-authority-data: ", await File.ReadAllTextAsync(kubeconfig, cts.Token));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            dir.Delete(recursive: true);
        }
    }
}
