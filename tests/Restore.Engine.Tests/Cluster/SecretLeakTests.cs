using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Restore.Engine.Cluster;
using Xunit;

namespace Restore.Engine.Tests.Cluster;

/// <summary>Plants canary credentials and checks that no error message, inner exception or log line shows them.</summary>
public class SecretLeakTests
{
    private const string TokenCanary = "canary-token-7f3a9c21d0";
    private const string PasswordCanary = "canary-password-5be1";

    /// <summary>A server that echoes the credentials it receives back in its error responses, in several shapes.</summary>
    private static Task Echo(HttpContext context, SeenRequest seen)
    {
        var auth = seen.Authorization ?? string.Empty;
        var raw = auth.Contains(' ', StringComparison.Ordinal) ? auth[(auth.IndexOf(' ', StringComparison.Ordinal) + 1)..] : auth;
        return seen.Path switch
        {
            var p when p.EndsWith("/status-message", StringComparison.Ordinal) =>
                TestKubeServer.Json(context, 403, TestKubeServer.Status(403, "Forbidden", $"user with token {raw} may not ({auth})")),
            var p when p.EndsWith("/causes", StringComparison.Ordinal) =>
                TestKubeServer.Json(context, 422, TestKubeServer.Status(422, "Invalid", "invalid", new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["field"] = "x", ["message"] = "got " + raw }) })),
            var p when p.EndsWith("/html", StringComparison.Ordinal) => WriteHtml(context, 502, $"<html>Authorization: {auth}</html>"),
            var p when p.EndsWith("/unauthorized", StringComparison.Ordinal) =>
                TestKubeServer.Json(context, 401, TestKubeServer.Status(401, "Unauthorized", "bad token " + raw)),
            _ => TestKubeServer.Json(context, 503, TestKubeServer.Status(503, "ServiceUnavailable", "busy: " + auth)),
        };
    }

    private static Task WriteHtml(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html";
        return context.Response.WriteAsync(body);
    }

    public static TheoryData<string> Paths() => new() { "status-message", "causes", "html", "unauthorized", "retried" };

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task EchoedBearerTokensAreRedacted(string name)
    {
        await using var server = await TestKubeServer.StartAsync((context, seen, _) => Echo(context, seen));
        var log = new ListLog();
        using var client = KubernetesClientTests.Client(server, new ClusterCredentials { Token = TokenCanary }, o => o.MaxRetries = 2, log: log);

        var error = await Assert.ThrowsAnyAsync<KubernetesApiException>(() => client.GetAsync(Resources.Pods, "shop", name, CancellationToken.None));

        AssertNoCanary(error, log, TokenCanary);
        Assert.Contains("test-context: get pods shop/" + name, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task EchoedBasicCredentialsAreRedacted(string name)
    {
        await using var server = await TestKubeServer.StartAsync((context, seen, _) => Echo(context, seen));
        var log = new ListLog();
        using var client = KubernetesClientTests.Client(server, new ClusterCredentials { Username = "bob", Password = PasswordCanary }, o => o.MaxRetries = 1, log: log);

        var error = await Assert.ThrowsAnyAsync<KubernetesApiException>(() => client.GetAsync(Resources.Pods, "shop", name, CancellationToken.None));

        AssertNoCanary(error, log, PasswordCanary);
        AssertNoCanary(error, log, Convert.ToBase64String(Encoding.UTF8.GetBytes("bob:" + PasswordCanary)));
    }

    [Fact]
    public async Task TransportFailuresDoNotShowCredentials()
    {
        using var otherCa = new TestCertificates(caKeyIndex: 4);
        await using var server = await TestKubeServer.StartAsync((context, seen, _) => Echo(context, seen));
        var log = new ListLog();
        using var client = new KubernetesClient(
            new ClusterConnectionSettings { Server = server.Url, CertificateAuthorityData = otherCa.CaPem, Credentials = new ClusterCredentials { Token = TokenCanary } },
            new KubernetesClientOptions { Clock = new FakeClock(), Log = log });

        var error = await Assert.ThrowsAsync<KubernetesConnectionException>(() => client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None));

        AssertNoCanary(error, log, TokenCanary);
    }

    [Fact]
    public void ClientKeyProblemsDoNotShowTheKey()
    {
        using var certificates = new TestCertificates();
        var (certificate, _) = certificates.IssueClient("alice", TestKeyForm.RsaPkcs1);
        var (_, wrongKey) = certificates.IssueClient("bob", TestKeyForm.RsaPkcs1, rsaKeyIndex: 4);
        var keyBody = Encoding.ASCII.GetString(wrongKey).Split('\n')[5];

        var error = Assert.Throws<KubeConfigException>(() => new KubernetesClient(new ClusterConnectionSettings
        {
            Server = new Uri("https://k"),
            Credentials = new ClusterCredentials { ClientCertificateData = certificate, ClientKeyData = wrongKey },
        }));

        Assert.Contains("does not belong", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(keyBody, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheRedactorRemovesKnownSecretsAndTokenShapes()
    {
        var redactor = new SecretRedactor();
        redactor.Add("my-static-secret-value");

        var text = redactor.Redact(
            "a my-static-secret-value b Bearer abc.def-123 c eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4eHh4In0.sig d k8s-aws-v1.aHR0cHM6Ly9zdHM e " +
            "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY----- f");

        Assert.Equal("a [REDACTED] b [REDACTED] c [REDACTED] d [REDACTED] e [REDACTED] f", text);
    }

    private static void AssertNoCanary(Exception error, ListLog log, string canary)
    {
        Assert.DoesNotContain(canary, error.ToString(), StringComparison.Ordinal);
        var api = (KubernetesApiException)error;
        Assert.DoesNotContain(canary, api.ApiMessage, StringComparison.Ordinal);
        Assert.All(api.Causes, c => Assert.DoesNotContain(canary, c.ToString(), StringComparison.Ordinal));
        Assert.DoesNotContain(canary, log.AllText, StringComparison.Ordinal);
    }
}
