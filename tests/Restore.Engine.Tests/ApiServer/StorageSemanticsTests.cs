using System;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace Restore.Engine.Tests.ApiServer;

public class StorageSemanticsTests : IClassFixture<ApiServerFixture>
{
    private readonly ApiClient api;

    public StorageSemanticsTests(ApiServerFixture fixture)
    {
        api = fixture.Client;
    }

    [Fact]
    public async Task CreateSetsServerFieldsAndIgnoresClientValues()
    {
        var ns = await api.NamespaceAsync("meta-fields");
        var body = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"meta-fields","uid":"client-uid","generation":7,
             "creationTimestamp":"2001-01-01T00:00:00Z"},
             "spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx"}]}}},
             "status":{"replicas":5}}
            """;
        var created = await api.PostAsync($"/apis/apps/v1/namespaces/{ns}/deployments", body);

        Assert.Equal(201, created.Status);
        var meta = created.Json["metadata"]!.AsObject();
        Assert.NotEqual("client-uid", meta["uid"]!.ToString());
        Assert.True(Guid.TryParse(meta["uid"]!.ToString(), out _));
        Assert.Equal(1, meta["generation"]!.GetValue<long>());
        Assert.NotEqual("2001-01-01T00:00:00Z", meta["creationTimestamp"]!.ToString());
        Assert.True(long.Parse(meta["resourceVersion"]!.ToString()) > 0);
        Assert.Equal("{}", created.Json["status"]!.ToJsonString());
    }

    [Fact]
    public async Task ResourceVersionIncreasesAndGenerationFollowsSpecOnly()
    {
        var ns = await api.NamespaceAsync("generation");
        var created = await api.PostAsync($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("web", ns, "nginx:1"));
        var rv1 = long.Parse(created.Str("metadata", "resourceVersion")!);

        var labelsOnly = await api.PatchAsync($"/apis/apps/v1/namespaces/{ns}/deployments/web", """{"metadata":{"labels":{"x":"y"}}}""", "application/merge-patch+json");
        var rv2 = long.Parse(labelsOnly.Str("metadata", "resourceVersion")!);
        Assert.True(rv2 > rv1);
        Assert.Equal("1", labelsOnly.Str("metadata", "generation"));

        var specChange = await api.PatchAsync($"/apis/apps/v1/namespaces/{ns}/deployments/web", """{"spec":{"replicas":3}}""", "application/merge-patch+json");
        Assert.Equal("2", specChange.Str("metadata", "generation"));
        Assert.True(long.Parse(specChange.Str("metadata", "resourceVersion")!) > rv2);
    }

    [Fact]
    public async Task NoOpUpdateKeepsResourceVersion()
    {
        var ns = await api.NamespaceAsync("noop");
        var created = await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap("c", ns));
        var same = await api.PutAsync($"/api/v1/namespaces/{ns}/configmaps/c", created.Body);
        Assert.Equal(200, same.Status);
        Assert.Equal(created.Str("metadata", "resourceVersion"), same.Str("metadata", "resourceVersion"));
    }

    [Fact]
    public async Task SecondCreateIsAlreadyExistsWithTheRealStatusBody()
    {
        var ns = await api.NamespaceAsync("exists");
        Assert.Equal(201, (await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap("dup", ns))).Status);
        var second = await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap("dup", ns));

        Assert.Equal(409, second.Status);
        Assert.Equal(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"dup\" already exists","reason":"AlreadyExists","details":{"name":"dup","kind":"configmaps"},"code":409}""",
            second.Body);
    }

    [Fact]
    public async Task GroupedResourcesQualifyTheirMessages()
    {
        var missing = await api.GetAsync("/apis/apps/v1/namespaces/default/deployments/nope");
        Assert.Equal(404, missing.Status);
        Assert.Equal(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \"nope\" not found","reason":"NotFound","details":{"name":"nope","group":"apps","kind":"deployments"},"code":404}""",
            missing.Body);
    }

    [Fact]
    public async Task CreateInMissingNamespaceIsNamespaceNotFound()
    {
        var response = await api.PostAsync("/api/v1/namespaces/does-not-exist/configmaps", ApiClient.ConfigMap("c", "does-not-exist"));
        Assert.Equal(404, response.Status);
        Assert.Equal("namespaces \"does-not-exist\" not found", response.Str("message"));
        Assert.Equal("namespaces", response.Str("details", "kind"));
        Assert.Equal("does-not-exist", response.Str("details", "name"));
    }

    [Fact]
    public async Task StaleResourceVersionIsConflict()
    {
        var ns = await api.NamespaceAsync("conflict");
        var created = await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap("c", ns));
        var stale = created.Json;
        Assert.Equal(200, (await api.PatchAsync($"/api/v1/namespaces/{ns}/configmaps/c", """{"data":{"b":"2"}}""", "application/merge-patch+json")).Status);

        stale["data"] = new JsonObject { ["a"] = "changed" };
        var response = await api.PutAsync($"/api/v1/namespaces/{ns}/configmaps/c", stale.ToJsonString());

        Assert.Equal(409, response.Status);
        Assert.Equal("Conflict", response.Str("reason"));
        Assert.Equal("Operation cannot be fulfilled on configmaps \"c\": the object has been modified; please apply your changes to the latest version and try again", response.Str("message"));
    }

    [Fact]
    public async Task PatchWithStaleResourceVersionIsConflict()
    {
        var ns = await api.NamespaceAsync("patch-conflict");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap("c", ns));
        var response = await api.PatchAsync($"/api/v1/namespaces/{ns}/configmaps/c", """{"metadata":{"resourceVersion":"1"},"data":{"b":"2"}}""", "application/merge-patch+json");
        Assert.Equal(409, response.Status);
    }

    [Fact]
    public async Task ResourceVersionOnCreateIsRejectedLikeTheStorageLayerDoes()
    {
        var ns = await api.NamespaceAsync("rv-on-create");
        var response = await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","resourceVersion":"12"}}""");
        Assert.Equal(500, response.Status);
        Assert.Equal("resourceVersion should not be set on objects to be created", response.Str("message"));
        Assert.Null(response.Str("reason"));
    }

    [Theory]
    [InlineData("/api/v1/namespaces/default/nodes", 404)]
    [InlineData("/api/v1/configmaps/x", 404)]
    [InlineData("/api/v1/namespaces/default/widgets", 404)]
    [InlineData("/apis/nope.example.com/v1/things", 404)]
    public async Task ScopeAndUnknownPathsAreNotFound(string path, int status)
    {
        Assert.Equal(status, (await api.GetAsync(path)).Status);
    }

    [Fact]
    public async Task UnknownResourceInAServedGroupIsTheGenericNotFoundStatus()
    {
        var response = await api.GetAsync("/api/v1/namespaces/default/widgets");
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}""", response.Body);
    }

    [Fact]
    public async Task ClusterScopedCreateDropsNamespaceAndNamespacedMismatchIsBadRequest()
    {
        var pc = await api.PostAsync("/apis/scheduling.k8s.io/v1/priorityclasses", """{"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"high","namespace":"x"},"value":1000}""");
        Assert.Equal(201, pc.Status);
        Assert.Null(pc.Str("metadata", "namespace"));

        var mismatch = await api.PostAsync("/api/v1/namespaces/default/configmaps", ApiClient.ConfigMap("c", "kube-system"));
        Assert.Equal(400, mismatch.Status);
        Assert.Equal("the namespace of the provided object does not match the namespace sent on the request", mismatch.Str("message"));
    }

    [Theory]
    [InlineData("/api/v1/namespaces/default/configmaps", "ConfigMap", "v1", "Bad_Name", "ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")]
    [InlineData("/api/v1/namespaces/default/services", "Service", "v1", "1svc", "Service \"1svc\" is invalid: metadata.name: Invalid value: \"1svc\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")]
    [InlineData("/apis/apps/v1/namespaces/default/deployments", "Deployment", "apps/v1", "UPPER", "Deployment.apps \"UPPER\" is invalid: metadata.name: Invalid value: \"UPPER\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")]
    public async Task InvalidNamesAre422WithTheRealMessage(string path, string kind, string apiVersion, string name, string message)
    {
        var response = await api.PostAsync(path, $$$"""{"apiVersion":"{{{apiVersion}}}","kind":"{{{kind}}}","metadata":{"name":"{{{name}}}"},"spec":{"ports":[{"port":80}]}}""");
        Assert.Equal(422, response.Status);
        Assert.Equal(message, response.Str("message"));
        Assert.Equal("FieldValueInvalid", response.Str("details", "causes", "0", "reason"));
        Assert.Equal("metadata.name", response.Str("details", "causes", "0", "field"));
    }

    [Fact]
    public async Task RbacNamesMayContainColons()
    {
        var response = await api.PostAsync("/apis/rbac.authorization.k8s.io/v1/clusterroles", """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"system:restore-test"},"rules":[]}""");
        Assert.Equal(201, response.Status);
    }

    [Fact]
    public async Task GenerateNameProducesAName()
    {
        var response = await api.PostAsync("/api/v1/namespaces/default/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"gen-"}}""");
        Assert.Equal(201, response.Status);
        Assert.Matches("^gen-[a-z0-9]{5}$", response.Str("metadata", "name"));
    }

    [Fact]
    public async Task DeleteReturnsStatusOrTheObjectPerResource()
    {
        var ns = await api.NamespaceAsync("delete-shapes");
        var cm = await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap("c", ns));
        var deleted = await api.DeleteAsync($"/api/v1/namespaces/{ns}/configmaps/c");
        Assert.Equal(200, deleted.Status);
        Assert.Equal(
            $$$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"c","kind":"configmaps","uid":"{{{cm.Str("metadata", "uid")}}}"}}""",
            deleted.Body);

        await api.PostAsync($"/api/v1/namespaces/{ns}/serviceaccounts", """{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"sa"}}""");
        var sa = await api.DeleteAsync($"/api/v1/namespaces/{ns}/serviceaccounts/sa");
        Assert.Equal("ServiceAccount", sa.Str("kind"));

        Assert.Equal(404, (await api.DeleteAsync($"/api/v1/namespaces/{ns}/configmaps/c")).Status);
    }

    [Fact]
    public async Task DeletePreconditionsAreChecked()
    {
        var ns = await api.NamespaceAsync("preconditions");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", ApiClient.ConfigMap("c", ns));
        var response = await api.DeleteAsync($"/api/v1/namespaces/{ns}/configmaps/c", """{"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"uid":"wrong"}}""");
        Assert.Equal(409, response.Status);
        Assert.StartsWith("Operation cannot be fulfilled on configmaps \"c\": Precondition failed: UID in precondition: wrong, UID in object meta: ", response.Str("message"));
    }

    [Fact]
    public async Task FinalizersHoldDeletionUntilRemoved()
    {
        var ns = await api.NamespaceAsync("finalizers");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"held","finalizers":["example.com/hold"]}}""");
        var deleting = await api.DeleteAsync($"/api/v1/namespaces/{ns}/configmaps/held");
        Assert.Equal(200, deleting.Status);
        Assert.NotNull(deleting.Str("metadata", "deletionTimestamp"));
        Assert.Equal(200, (await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps/held")).Status);

        var release = await api.PatchAsync($"/api/v1/namespaces/{ns}/configmaps/held", """{"metadata":{"finalizers":null}}""", "application/merge-patch+json");
        Assert.Equal(200, release.Status);
        Assert.Equal(404, (await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps/held")).Status);
    }

    [Fact]
    public async Task StatusSubresourceSeparatesStatusFromSpec()
    {
        var ns = await api.NamespaceAsync("status-sub");
        var created = await api.PostAsync($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("web", ns, "nginx"));
        var withStatus = created.Json;
        withStatus["status"] = new JsonObject { ["replicas"] = 2 };
        withStatus["spec"]!["replicas"] = 9;

        var statusPut = await api.PutAsync($"/apis/apps/v1/namespaces/{ns}/deployments/web/status", withStatus.ToJsonString());
        Assert.Equal(200, statusPut.Status);
        Assert.Equal("2", statusPut.Str("status", "replicas"));
        Assert.Null(statusPut.Str("spec", "replicas"));
        Assert.Equal("1", statusPut.Str("metadata", "generation"));

        var mainPatch = await api.PatchAsync($"/apis/apps/v1/namespaces/{ns}/deployments/web", """{"status":{"replicas":7},"spec":{"replicas":4}}""", "application/merge-patch+json");
        Assert.Equal("2", mainPatch.Str("status", "replicas"));
        Assert.Equal("4", mainPatch.Str("spec", "replicas"));

        var statusPatch = await api.PatchAsync($"/apis/apps/v1/namespaces/{ns}/deployments/web/status", """{"status":{"readyReplicas":1},"spec":{"replicas":1}}""", "application/merge-patch+json");
        Assert.Equal("1", statusPatch.Str("status", "readyReplicas"));
        Assert.Equal("4", statusPatch.Str("spec", "replicas"));
    }

    [Fact]
    public async Task ResourcesWithoutStatusSubresourceHaveNoStatusPath()
    {
        Assert.Equal(404, (await api.GetAsync("/api/v1/namespaces/default/configmaps/x/status")).Status);
    }

    [Fact]
    public async Task SecretStringDataIsFoldedIntoData()
    {
        var ns = await api.NamespaceAsync("secrets");
        var created = await api.PostAsync($"/api/v1/namespaces/{ns}/secrets", """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"password":"hunter2"}}""");
        Assert.Equal("aHVudGVyMg==", created.Str("data", "password"));
        Assert.Null(created.Json["stringData"]);
        Assert.Equal("Opaque", created.Str("type"));
    }

    [Fact]
    public async Task ImmutableConfigMapRejectsDataChanges()
    {
        var ns = await api.NamespaceAsync("immutable");
        await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"},"immutable":true}""");
        var response = await api.PatchAsync($"/api/v1/namespaces/{ns}/configmaps/c", """{"data":{"a":"2"}}""", "application/merge-patch+json");
        Assert.Equal(422, response.Status);
        Assert.Equal("ConfigMap \"c\" is invalid: data: Forbidden: field is immutable when `immutable` is set", response.Str("message"));
    }

    [Fact]
    public async Task NewNamespacesGetPhaseLabelAndDefaultServiceAccount()
    {
        var created = await api.PostAsync("/api/v1/namespaces", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"fresh"}}""");
        Assert.Equal("Active", created.Str("status", "phase"));
        Assert.Equal("fresh", created.Str("metadata", "labels", "kubernetes.io/metadata.name"));
        Assert.Equal(200, (await api.GetAsync("/api/v1/namespaces/fresh/serviceaccounts/default")).Status);
    }

    [Fact]
    public async Task DryRunDoesNotStore()
    {
        var ns = await api.NamespaceAsync("dry-run");
        var response = await api.PostAsync($"/api/v1/namespaces/{ns}/configmaps?dryRun=All", ApiClient.ConfigMap("c", ns));
        Assert.Equal(201, response.Status);
        Assert.Equal(404, (await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps/c")).Status);
    }

    internal static string Deployment(string name, string ns, string image) => """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"NAME","namespace":"NS"},
         "spec":{"selector":{"matchLabels":{"app":"NAME"}},"template":{"metadata":{"labels":{"app":"NAME"}},
         "spec":{"containers":[{"name":"NAME","image":"IMAGE","ports":[{"containerPort":80}]}]}}}}
        """.Replace("NAME", name).Replace("NS", ns).Replace("IMAGE", image);
}
