using System;
using System.Diagnostics;
using System.Threading.Tasks;
using Xunit;

namespace Restore.Engine.Tests.ApiServer;

public class NamespaceLifecycleTests : IClassFixture<ApiServerFixture>, IDisposable
{
    private readonly ApiServerFixture fixture;
    private readonly ApiClient api;

    public NamespaceLifecycleTests(ApiServerFixture fixture)
    {
        this.fixture = fixture;
        api = fixture.Client;
    }

    public void Dispose() => fixture.Server.Knobs.Reset();

    [Fact]
    public async Task DeletedNamespaceTerminatesForTheConfiguredTimeThenDisappearsWithItsContents()
    {
        fixture.Server.Knobs.NamespaceTerminationDelay = TimeSpan.FromMilliseconds(1500);
        var ns = await api.NamespaceAsync("terminating");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap("inside", ns));
        var watch = Stopwatch.StartNew();

        var deleted = await api.DeleteAsync($"/api/v1/namespaces/{ns}");
        Assert.Equal(200, deleted.Status);
        Assert.Equal("Namespace", deleted.Str("kind"));
        Assert.Equal("Terminating", deleted.Str("status", "phase"));
        Assert.NotNull(deleted.Str("metadata", "deletionTimestamp"));

        var refused = await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap("late", ns));
        Assert.Equal(403, refused.Status);
        Assert.Equal(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"late\" is forbidden: unable to create new content in namespace terminating because it is being terminated","reason":"Forbidden","details":{"name":"late","kind":"configmaps","causes":[{"reason":"NamespaceTerminating","message":"namespace terminating is being terminated","field":"metadata.namespace"}]},"code":403}""",
            refused.Body);
        Assert.Equal("Terminating", (await api.GetAsync($"/api/v1/namespaces/{ns}")).Str("status", "phase"));

        while ((await api.GetAsync($"/api/v1/namespaces/{ns}")).Status == 200)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "the namespace never went away");
            await Task.Delay(50);
        }

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(1450), $"removed after {watch.Elapsed}");
        Assert.Equal(404, (await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps/inside")).Status);
    }

    [Fact]
    public async Task WithoutDelayTheNamespaceIsGoneRightAfterDelete()
    {
        var ns = await api.NamespaceAsync("quick");
        await api.DeleteAsync($"/api/v1/namespaces/{ns}");
        Assert.Equal(404, (await api.GetAsync($"/api/v1/namespaces/{ns}")).Status);
    }

    [Fact]
    public async Task ContentsWithFinalizersKeepTheNamespaceTerminating()
    {
        var ns = await api.NamespaceAsync("held-ns");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"held","finalizers":["example.com/hold"]}}""");
        await api.DeleteAsync($"/api/v1/namespaces/{ns}");
        await Task.Delay(150);
        Assert.Equal("Terminating", (await api.GetAsync($"/api/v1/namespaces/{ns}")).Str("status", "phase"));

        await api.PatchAsync($"/api/v1/namespaces/{ns}/configmaps/held", """{"metadata":{"finalizers":[]}}""", "application/merge-patch+json");
        var deadline = Stopwatch.StartNew();
        while ((await api.GetAsync($"/api/v1/namespaces/{ns}")).Status == 200)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "the namespace never went away");
            await Task.Delay(50);
        }
    }
}

public class ServiceTests : IClassFixture<ApiServerFixture>
{
    private readonly ApiClient api;

    public ServiceTests(ApiServerFixture fixture)
    {
        api = fixture.Client;
    }

    [Fact]
    public async Task ClusterIpIsAllocatedAndDefaultsAreSet()
    {
        var ns = await api.NamespaceAsync("svc-defaults");
        var created = await api.PostAsync($"/api/v1/namespaces/{ns}/services", Service("a", "ClusterIP", "{\"port\":80}"));
        Assert.Equal(201, created.Status);
        Assert.Matches(@"^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$", created.Str("spec", "clusterIP"));
        Assert.Equal(created.Str("spec", "clusterIP"), created.Str("spec", "clusterIPs", "0"));
        Assert.Equal("TCP", created.Str("spec", "ports", "0", "protocol"));
        Assert.Equal("80", created.Str("spec", "ports", "0", "targetPort"));
        Assert.Equal("None", created.Str("spec", "sessionAffinity"));
        Assert.Equal("{\"loadBalancer\":{}}", created.Json["status"]!.ToJsonString());
        Assert.Null(created.Str("spec", "ports", "0", "nodePort"));
    }

    [Fact]
    public async Task NodePortAndLoadBalancerGetNodePortsInRange()
    {
        var ns = await api.NamespaceAsync("svc-nodeports");
        foreach (var type in new[] { "NodePort", "LoadBalancer" })
        {
            var created = await api.PostAsync($"/api/v1/namespaces/{ns}/services", Service(type.ToLowerInvariant(), type, "{\"port\":80}"));
            var nodePort = int.Parse(created.Str("spec", "ports", "0", "nodePort")!);
            Assert.InRange(nodePort, 30000, 32767);
        }
    }

    [Fact]
    public async Task AllocatedNodePortIsInvalidWithTheRealMessageAndCauses()
    {
        var ns = await api.NamespaceAsync("svc-conflict");
        Assert.Equal(201, (await api.PostAsync($"/api/v1/namespaces/{ns}/services", Service("first", "NodePort", "{\"port\":80,\"nodePort\":30080}"))).Status);
        var second = await api.PostAsync($"/api/v1/namespaces/{ns}/services", Service("x", "NodePort", "{\"port\":80,\"nodePort\":30080}"));

        Assert.Equal(422, second.Status);
        Assert.Equal(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Service \"x\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated","reason":"Invalid","details":{"name":"x","kind":"Service","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: 30080: provided port is already allocated","field":"spec.ports[0].nodePort"}]},"code":422}""",
            second.Body);
    }

    [Theory]
    [InlineData("NodePort", "{\"port\":80,\"nodePort\":80}", "Service \"bad\" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767")]
    [InlineData("ClusterIP", "{\"port\":80,\"nodePort\":30500}", "Service \"bad\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'")]
    [InlineData("NodePort", "{\"port\":0}", "Service \"bad\" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive")]
    [InlineData("Bogus", "{\"port\":80}", "Service \"bad\" is invalid: spec.type: Unsupported value: \"Bogus\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"")]
    public async Task InvalidServicesAreRejected(string type, string port, string message)
    {
        var response = await api.PostAsync("/api/v1/namespaces/default/services", Service("bad", type, port));
        Assert.Equal(422, response.Status);
        Assert.Equal(message, response.Str("message"));
    }

    [Fact]
    public async Task ExplicitClusterIpMustBeFreeAndInRange()
    {
        var ns = await api.NamespaceAsync("svc-ips");
        var first = await api.PostAsync($"/api/v1/namespaces/{ns}/services", """{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"},"spec":{"clusterIP":"10.96.100.100","ports":[{"port":80}]}}""");
        Assert.Equal("10.96.100.100", first.Str("spec", "clusterIP"));

        var taken = await api.PostAsync($"/api/v1/namespaces/{ns}/services", """{"apiVersion":"v1","kind":"Service","metadata":{"name":"b"},"spec":{"clusterIP":"10.96.100.100","ports":[{"port":80}]}}""");
        Assert.Equal("Service \"b\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.96.100.100\"}: failed to allocate IP 10.96.100.100: provided IP is already allocated", taken.Str("message"));

        var outside = await api.PostAsync($"/api/v1/namespaces/{ns}/services", """{"apiVersion":"v1","kind":"Service","metadata":{"name":"c"},"spec":{"clusterIP":"192.168.0.1","ports":[{"port":80}]}}""");
        Assert.Equal(422, outside.Status);
        Assert.Contains("is not in the valid range. The range of valid IPs is 10.96.0.0/12", outside.Str("message"));

        var headless = await api.PostAsync($"/api/v1/namespaces/{ns}/services", """{"apiVersion":"v1","kind":"Service","metadata":{"name":"d"},"spec":{"clusterIP":"None","ports":[{"port":80}]}}""");
        Assert.Equal("None", headless.Str("spec", "clusterIP"));
    }

    [Fact]
    public async Task DeleteReleasesNodePortsAndUpdatesKeepThem()
    {
        var ns = await api.NamespaceAsync("svc-release");
        var created = await api.PostAsync($"/api/v1/namespaces/{ns}/services", Service("a", "NodePort", "{\"port\":80,\"nodePort\":30999}"));
        var ip = created.Str("spec", "clusterIP");

        var withoutAllocations = created.Json;
        withoutAllocations["spec"]!.AsObject().Remove("clusterIP");
        withoutAllocations["spec"]!.AsObject().Remove("clusterIPs");
        withoutAllocations["spec"]!["ports"]![0]!.AsObject().Remove("nodePort");
        var updated = await api.PutAsync($"/api/v1/namespaces/{ns}/services/a", withoutAllocations.ToJsonString());
        Assert.Equal(200, updated.Status);
        Assert.Equal(ip, updated.Str("spec", "clusterIP"));
        Assert.Equal("30999", updated.Str("spec", "ports", "0", "nodePort"));

        Assert.Equal("Service", (await api.DeleteAsync($"/api/v1/namespaces/{ns}/services/a")).Str("kind"));
        Assert.Equal(201, (await api.PostAsync($"/api/v1/namespaces/{ns}/services", Service("b", "NodePort", "{\"port\":80,\"nodePort\":30999}"))).Status);
    }

    private static string Service(string name, string type, string port)
        => $$$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"{{{name}}}"},"spec":{"type":"{{{type}}}","selector":{"app":"x"},"ports":[{{{port}}}]}}""";
}
