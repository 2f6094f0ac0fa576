using System;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Threading.Tasks;
using Restore.TestApiServer;
using Xunit;

namespace Restore.Engine.Tests.ApiServer;

public class AuthTests : IClassFixture<ApiServerFixture>
{
    private readonly ApiServerFixture fixture;

    public AuthTests(ApiServerFixture fixture)
    {
        this.fixture = fixture;
    }

    [Fact]
    public async Task TokenAndClientCertificateAuthenticateDifferentUsers()
    {
        using var token = new ApiClient(fixture.Server.CreateHttpClient(KubeconfigAuth.Token));
        using var cert = new ApiClient(fixture.Server.CreateHttpClient(KubeconfigAuth.ClientCertificate));
        var review = """{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}""";

        var byToken = await token.PostAsync("/apis/authentication.k8s.io/v1/selfsubjectreviews", review);
        var byCert = await cert.PostAsync("/apis/authentication.k8s.io/v1/selfsubjectreviews", review);

        Assert.Equal(201, byToken.Status);
        Assert.Equal("token-user", byToken.Str("status", "userInfo", "username"));
        Assert.Equal("cert-user", byCert.Str("status", "userInfo", "username"));
        Assert.Equal("[\"system:masters\",\"system:authenticated\"]", byCert.Json["status"]!["userInfo"]!["groups"]!.ToJsonString());
    }

    [Fact]
    public async Task WrongTokenIsUnauthorizedWithTheRealStatus()
    {
        using var client = fixture.Server.CreateHttpClient(KubeconfigAuth.Token);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        using var api = new ApiClient(client);
        var response = await api.GetAsync("/api/v1/namespaces");
        Assert.Equal(401, response.Status);
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}""", response.Body);
        Assert.Contains(fixture.Server.Journal.Entries, e => e.StatusCode == 401 && e.User.Length == 0);
    }

    [Fact]
    public async Task NoCredentialsIsUnauthorized()
    {
        using var client = new HttpClient(fixture.Server.CreateHandler(KubeconfigAuth.Token)) { BaseAddress = fixture.Server.BaseAddress };
        Assert.Equal(401, (int)(await client.GetAsync("/version")).StatusCode);
    }

    [Fact]
    public async Task CertificateFromAnotherCaIsUnauthorized()
    {
        await using var other = await TestApiServer.TestApiServer.StartAsync(new TestApiServerOptions { CreateDefaultObjects = false });
        var handler = fixture.Server.CreateHandler(KubeconfigAuth.Token);
        handler.SslOptions.ClientCertificates = new System.Security.Cryptography.X509Certificates.X509CertificateCollection { other.ClientCertificate };
        using var client = new HttpClient(handler) { BaseAddress = fixture.Server.BaseAddress };
        Assert.Equal(401, (int)(await client.GetAsync("/api/v1/namespaces")).StatusCode);
    }

    [Fact]
    public async Task ClientsOfOneServerDoNotTrustAnother()
    {
        await using var other = await TestApiServer.TestApiServer.StartAsync(new TestApiServerOptions { CreateDefaultObjects = false });
        using var client = new HttpClient(fixture.Server.CreateHandler()) { BaseAddress = other.BaseAddress };
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/version"));
        Assert.IsType<AuthenticationException>(error.InnerException);
    }

    [Fact]
    public async Task AnonymousWhenAllowed()
    {
        await using var open = await TestApiServer.TestApiServer.StartAsync(new TestApiServerOptions { AllowAnonymous = true, CreateDefaultObjects = false });
        using var client = new HttpClient(open.CreateHandler()) { BaseAddress = open.BaseAddress };
        Assert.Equal(200, (int)(await client.GetAsync("/version")).StatusCode);
        Assert.Equal("system:anonymous", open.Journal.Entries.Last().User);
    }

    [Fact]
    public async Task ExtraTokensAuthenticateOtherUsers()
    {
        var options = new TestApiServerOptions { CreateDefaultObjects = false };
        options.ExtraTokens["alice-token"] = "alice";
        await using var server = await TestApiServer.TestApiServer.StartAsync(options);
        using var client = server.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "alice-token");
        server.Knobs.Forbid("secrets", user: "alice");
        var response = await new ApiClient(client).GetAsync("/api/v1/namespaces/default/secrets");
        Assert.Equal("secrets is forbidden: User \"alice\" cannot list resource \"secrets\" in API group \"\" in the namespace \"default\"", response.Str("message"));
    }
}

public class DiscoveryTests : IClassFixture<ApiServerFixture>
{
    private readonly ApiServerFixture fixture;
    private readonly ApiClient api;

    public DiscoveryTests(ApiServerFixture fixture)
    {
        this.fixture = fixture;
        api = fixture.Client;
    }

    [Fact]
    public async Task VersionAndCoreDocuments()
    {
        var version = await api.GetAsync("/version");
        Assert.Equal("v1.32.4", version.Str("gitVersion"));
        Assert.Equal("32", version.Str("minor"));

        var core = await api.GetAsync("/api");
        Assert.Equal("APIVersions", core.Str("kind"));
        Assert.Equal("v1", core.Str("versions", "0"));
        Assert.Equal($"127.0.0.1:{fixture.Server.Port}", core.Str("serverAddressByClientCIDRs", "0", "serverAddress"));

        var v1 = await api.GetAsync("/api/v1");
        Assert.Equal("APIResourceList", v1.Str("kind"));
        var resources = v1.Json["resources"]!.AsArray();
        var configmaps = resources.Single(r => r!["name"]!.ToString() == "configmaps")!;
        Assert.Equal("ConfigMap", configmaps["kind"]!.ToString());
        Assert.True(configmaps["namespaced"]!.GetValue<bool>());
        Assert.Equal("[\"cm\"]", configmaps["shortNames"]!.ToJsonString());
        Assert.Contains(resources, r => r!["name"]!.ToString() == "pods/status");
        Assert.False(resources.Single(r => r!["name"]!.ToString() == "namespaces")!["namespaced"]!.GetValue<bool>());
    }

    [Fact]
    public async Task GroupDocumentsListEveryBuiltInGroupTheRestoreNeeds()
    {
        var groups = await api.GetAsync("/apis");
        Assert.Equal("APIGroupList", groups.Str("kind"));
        var names = groups.Json["groups"]!.AsArray().Select(g => g!["name"]!.ToString()).ToList();
        foreach (var expected in new[] { "apps", "batch", "rbac.authorization.k8s.io", "storage.k8s.io", "networking.k8s.io", "scheduling.k8s.io", "admissionregistration.k8s.io", "apiextensions.k8s.io", "policy", "autoscaling", "apiregistration.k8s.io" })
        {
            Assert.Contains(expected, names);
        }

        var autoscaling = await api.GetAsync("/apis/autoscaling");
        Assert.Equal("APIGroup", autoscaling.Str("kind"));
        Assert.Equal("autoscaling/v2", autoscaling.Str("preferredVersion", "groupVersion"));
        Assert.Equal("v1", autoscaling.Str("versions", "1", "version"));

        var apps = await api.GetAsync("/apis/apps/v1");
        Assert.Equal("apps/v1", apps.Str("groupVersion"));
        Assert.Contains(apps.Json["resources"]!.AsArray(), r => r!["name"]!.ToString() == "deployments" && r["shortNames"]![0]!.ToString() == "deploy");

        var unknown = await api.GetAsync("/apis/nope.example.com/v1");
        Assert.Equal(404, unknown.Status);
        Assert.Equal("404 page not found\n", unknown.Body);
    }

    [Fact]
    public async Task AggregatedDiscoveryRequestsGetLegacyJsonSoClientsFallBack()
    {
        var response = await api.GetAsync("/apis", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json");
        Assert.Equal("application/json", response.Message.Content.Headers.ContentType!.MediaType);
        Assert.Null(response.Message.Content.Headers.ContentType.Parameters.FirstOrDefault(p => p.Name == "as"));
        Assert.Equal("APIGroupList", response.Str("kind"));
    }

    [Fact]
    public async Task OpenApiV3AdvertisesServerSideFieldValidation()
    {
        var index = await api.GetAsync("/openapi/v3");
        var url = index.Str("paths", "apis/apps/v1", "serverRelativeURL")!;
        Assert.StartsWith("/openapi/v3/apis/apps/v1?hash=", url);
        var doc = await api.GetAsync(url);
        var patch = doc.Json["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!["patch"]!;
        Assert.Equal("Deployment", patch["x-kubernetes-group-version-kind"]!["kind"]!.ToString());
        Assert.Contains(patch["parameters"]!.AsArray(), p => p!["name"]!.ToString() == "fieldValidation");
        Assert.Equal(404, (await api.GetAsync("/openapi/v2")).Status);
    }

    [Fact]
    public async Task HealthEndpointsAnswerOk()
    {
        var health = await api.GetAsync("/healthz");
        Assert.Equal(200, health.Status);
        Assert.Equal("ok", health.Body);
    }
}
