using System;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster;
using Xunit;

namespace Restore.Engine.Tests.Cluster;

public class WhoAmITests
{
    private static JsonObject Review(string user) => new()
    {
        ["apiVersion"] = "authentication.k8s.io/v1",
        ["kind"] = "SelfSubjectReview",
        ["status"] = new JsonObject { ["userInfo"] = new JsonObject { ["username"] = user, ["groups"] = new JsonArray("system:masters", "system:authenticated") } },
    };

    private static JsonObject NotFound => TestKubeServer.Status(404, "NotFound", "the server could not find the requested resource");

    private static string Jwt(string subject) =>
        "eyJhbGciOiJSUzI1NiJ9." + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"sub\":\"{subject}\"}}")).TrimEnd('=').Replace('+', '-').Replace('/', '_') + ".c2ln";

    [Fact]
    public async Task AsksTheServerWithASelfSubjectReview()
    {
        await using var server = await TestKubeServer.StartAsync((context, _, _) => TestKubeServer.Json(context, 201, Review("kubernetes-admin")));
        using var client = KubernetesClientTests.Client(server);

        var identity = await client.WhoAmIAsync(CancellationToken.None);

        Assert.Equal(("kubernetes-admin", ClusterIdentitySource.SelfSubjectReview), (identity.UserName, identity.Source));
        Assert.Equal(new[] { "system:masters", "system:authenticated" }, identity.Groups);
        var request = Assert.Single(server.Requests);
        Assert.Equal(("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews"), (request.Method, request.Path));
        Assert.Equal("SelfSubjectReview", (string?)JsonNode.Parse(request.Body)!["kind"]);
    }

    [Fact]
    public async Task FallsBackToV1Beta1OnOlderServers()
    {
        await using var server = await TestKubeServer.StartAsync((context, seen, _) => seen.Path.Contains("/v1beta1/", StringComparison.Ordinal)
            ? TestKubeServer.Json(context, 201, Review("old-admin"))
            : TestKubeServer.Json(context, 404, NotFound));
        using var client = KubernetesClientTests.Client(server);

        Assert.Equal("old-admin", (await client.WhoAmIAsync(CancellationToken.None)).UserName);
    }

    [Fact]
    public async Task FallsBackToTheClientCertificateCommonName()
    {
        await using var server = await TestKubeServer.StartAsync((context, _, _) => TestKubeServer.Json(context, 404, NotFound));
        var (certificate, key) = server.Certificates.IssueClient("alice", TestKeyForm.EcP256Sec1);
        using var client = KubernetesClientTests.Client(server, new ClusterCredentials { ClientCertificateData = certificate, ClientKeyData = key });

        var identity = await client.WhoAmIAsync(CancellationToken.None);

        Assert.Equal(("alice", ClusterIdentitySource.ClientCertificate), (identity.UserName, identity.Source));
        Assert.Equal(2, server.RequestCount);
    }

    [Fact]
    public async Task FallsBackToTheJwtSubjectWhenForbidden()
    {
        await using var server = await TestKubeServer.StartAsync((context, _, _) => TestKubeServer.Json(context, 403, TestKubeServer.Status(403, "Forbidden", "forbidden")));
        using var client = KubernetesClientTests.Client(server, new ClusterCredentials { Token = Jwt("system:serviceaccount:velero:restore") });

        var identity = await client.WhoAmIAsync(CancellationToken.None);

        Assert.Equal(("system:serviceaccount:velero:restore", ClusterIdentitySource.Token), (identity.UserName, identity.Source));
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task FallsBackToTheKubeconfigUserName()
    {
        var handler = new StubHandler((_, _) => StubHandler.Json(404, NotFound.ToJsonString()));
        using var client = new KubernetesClient(
            new ClusterConnectionSettings { Server = new Uri("https://k"), UserEntryName = "eks-admin", Credentials = new ClusterCredentials { Token = "opaque-token" } },
            new KubernetesClientOptions(),
            handler,
            true);

        var identity = await client.WhoAmIAsync(CancellationToken.None);

        Assert.Equal(("eks-admin", ClusterIdentitySource.KubeConfigUser), (identity.UserName, identity.Source));
    }

    [Fact]
    public async Task CancellationIsNotSwallowed()
    {
        var handler = new StubHandler((_, _) => StubHandler.Json(201, Review("x").ToJsonString()));
        using var client = new KubernetesClient(new ClusterConnectionSettings { Server = new Uri("https://k") }, new KubernetesClientOptions(), handler, true);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.WhoAmIAsync(new CancellationToken(true)));
        Assert.Empty(handler.Requests);
    }

    [Theory]
    [InlineData("not-a-jwt", null)]
    [InlineData("a.b", null)]
    [InlineData("a.!!!.c", null)]
    public void SubjectFromJwtIgnoresOtherTokens(string token, string? expected)
    {
        Assert.Equal(expected, KubernetesClient.SubjectFromJwt(token));
        Assert.Equal("me", KubernetesClient.SubjectFromJwt(Jwt("me")));
    }
}
