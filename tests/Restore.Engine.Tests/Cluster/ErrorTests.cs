using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster;
using Xunit;

namespace Restore.Engine.Tests.Cluster;

public class ErrorTests
{
    private static KubernetesClient Client(StubHandler handler) => new(
        new ClusterConnectionSettings { Server = new Uri("https://10.0.0.1:6443"), ContextName = "prod", Credentials = new ClusterCredentials { Token = "tok-tok-tok" } },
        new KubernetesClientOptions { Clock = new FakeClock(), MaxRetries = 0 },
        handler,
        true);

    private static string Status(int code, string reason, string message, string details = "null") =>
        $"{{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"{message}\",\"reason\":\"{reason}\",\"details\":{details},\"code\":{code}}}";

    [Theory]
    [InlineData(409, "AlreadyExists", typeof(KubernetesAlreadyExistsException))]
    [InlineData(404, "NotFound", typeof(KubernetesNotFoundException))]
    [InlineData(409, "Conflict", typeof(KubernetesConflictException))]
    [InlineData(422, "Invalid", typeof(KubernetesInvalidException))]
    [InlineData(403, "Forbidden", typeof(KubernetesForbiddenException))]
    [InlineData(401, "Unauthorized", typeof(KubernetesUnauthorizedException))]
    [InlineData(429, "TooManyRequests", typeof(KubernetesTooManyRequestsException))]
    [InlineData(504, "Timeout", typeof(KubernetesServerTimeoutException))]
    [InlineData(500, "ServerTimeout", typeof(KubernetesServerTimeoutException))]
    [InlineData(400, "BadRequest", typeof(KubernetesApiException))]
    [InlineData(410, "Expired", typeof(KubernetesApiException))]
    public async Task StatusReasonsBecomeTypedExceptions(int code, string reason, Type expected)
    {
        using var client = Client(new StubHandler((_, _) => StubHandler.Json(code, Status(code, reason, "server says no"))));

        var error = await Assert.ThrowsAnyAsync<KubernetesApiException>(() => client.CreateAsync(Resources.Deployments, "shop", TestKubeServer.Object("Deployment", "web", "shop", "apps/v1"), CancellationToken.None));

        Assert.IsType(expected, error);
        Assert.Equal(code, error.StatusCode);
        Assert.Equal(reason, error.Reason);
        Assert.Equal("prod", error.Cluster);
        Assert.Equal("create", error.Verb);
        Assert.Equal("deployments.apps shop/web", error.Target);
        Assert.StartsWith("prod: create deployments.apps shop/web failed: server says no", error.Message, StringComparison.Ordinal);
        Assert.Contains($"({reason}, HTTP {code})", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(404, typeof(KubernetesNotFoundException))]
    [InlineData(409, typeof(KubernetesConflictException))]
    [InlineData(422, typeof(KubernetesInvalidException))]
    [InlineData(403, typeof(KubernetesForbiddenException))]
    [InlineData(504, typeof(KubernetesServerTimeoutException))]
    public async Task WithoutAStatusBodyTheCodeDecides(int code, Type expected)
    {
        using var client = Client(new StubHandler((_, _) => new HttpResponseMessage((System.Net.HttpStatusCode)code) { Content = new StringContent("<html>proxy error</html>") }));

        var error = await Assert.ThrowsAnyAsync<KubernetesApiException>(() => client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None));

        Assert.IsType(expected, error);
        Assert.Contains($"the server responded {code}", error.Message, StringComparison.Ordinal);
        Assert.Contains("proxy error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidCarriesItsCauses()
    {
        const string details = "{\"name\":\"web\",\"group\":\"apps\",\"kind\":\"Deployment\",\"causes\":[" +
            "{\"reason\":\"FieldValueRequired\",\"message\":\"Required value\",\"field\":\"spec.template.spec.containers\"}," +
            "{\"reason\":\"FieldValueInvalid\",\"message\":\"Invalid value: 0: must be greater than 0\",\"field\":\"spec.replicas\"}]}";
        using var client = Client(new StubHandler((_, _) => StubHandler.Json(422, Status(422, "Invalid", "Deployment.apps \\\"web\\\" is invalid", details))));

        var error = await Assert.ThrowsAsync<KubernetesInvalidException>(() => client.ReplaceAsync(Resources.Deployments, "shop", TestKubeServer.Object("Deployment", "web", "shop", "apps/v1"), CancellationToken.None));

        Assert.Equal(2, error.Causes.Count);
        Assert.Equal(("FieldValueRequired", "spec.template.spec.containers", "Required value"), (error.Causes[0].Reason, error.Causes[0].Field, error.Causes[0].Message));
        Assert.Equal("spec.replicas", error.Causes[1].Field);
        Assert.Contains("replace deployments.apps shop/web failed: Deployment.apps \"web\" is invalid [spec.template.spec.containers: Required value; spec.replicas: Invalid value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AResponseThatIsNotJsonIsReported()
    {
        using var client = Client(new StubHandler((_, _) => new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent("<html>login page</html>") }));

        var error = await Assert.ThrowsAsync<KubernetesApiException>(() => client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None));

        Assert.Equal("InvalidResponse", error.Reason);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterScopedTargetsHaveNoNamespace()
    {
        using var client = Client(new StubHandler((_, _) => StubHandler.Json(404, Status(404, "NotFound", "not found"))));

        var error = await Assert.ThrowsAsync<KubernetesNotFoundException>(() => client.DeleteAsync(Resources.ClusterRoles, null, "admin", CancellationToken.None));

        Assert.StartsWith("prod: delete clusterroles.rbac.authorization.k8s.io admin failed:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteReturnsTheStatusOrObject()
    {
        using var client = Client(new StubHandler((_, _) => StubHandler.Json(200, "{\"kind\":\"Status\",\"status\":\"Success\"}")));

        var result = await client.DeleteAsync(Resources.Pods, "shop", "web", CancellationToken.None);

        Assert.Equal("Success", (string?)result!["status"]);
    }
}
