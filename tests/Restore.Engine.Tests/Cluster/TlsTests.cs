using System;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster;
using Restore.Engine.Common;
using Xunit;

namespace Restore.Engine.Tests.Cluster;

public class TlsTests
{
    private static Task<TestKubeServer> OkServer(TestCertificates? certificates = null) =>
        TestKubeServer.StartAsync((context, _, _) => TestKubeServer.Json(context, 200, TestKubeServer.Object("Namespace", "shop")), certificates);

    private static KubernetesClient Client(ClusterConnectionSettings settings, IEngineLog? log = null) =>
        new(settings, new KubernetesClientOptions { Clock = new FakeClock(), Log = log ?? NullEngineLog.Instance });

    [Fact]
    public async Task AServerSignedByAnotherCaIsRejectedWithoutRetrying()
    {
        await using var server = await OkServer();
        using var otherCa = new TestCertificates(caKeyIndex: 4);
        var settings = server.Settings();
        using var client = Client(new ClusterConnectionSettings { Server = settings.Server, ContextName = "prod", CertificateAuthorityData = otherCa.CaPem, Credentials = settings.Credentials });

        var error = await Assert.ThrowsAsync<KubernetesConnectionException>(() => client.GetAsync(Resources.Namespaces, null, "shop", CancellationToken.None));

        Assert.Equal("TlsFailed", error.Reason);
        Assert.Equal(1, error.Attempts);
        Assert.StartsWith("prod: get namespaces shop failed:", error.Message, StringComparison.Ordinal);
        Assert.Contains("not signed by the kubeconfig's certificate-authority", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact]
    public async Task WithoutACaTheSystemStoreMustTrustTheServer()
    {
        await using var server = await OkServer();
        using var client = Client(new ClusterConnectionSettings { Server = server.Url, ContextName = "prod" });

        var error = await Assert.ThrowsAsync<KubernetesConnectionException>(() => client.GetAsync(Resources.Namespaces, null, "shop", CancellationToken.None));

        Assert.Contains("not trusted by this computer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsServerNameIsCheckedInsteadOfTheHost()
    {
        // The certificate names only kube.example, not 127.0.0.1.
        await using var server = await OkServer(new TestCertificates("kube.example", serverIpSan: false));
        var plain = server.Settings();

        using (var client = Client(plain))
        {
            var error = await Assert.ThrowsAsync<KubernetesConnectionException>(() => client.GetAsync(Resources.Namespaces, null, "shop", CancellationToken.None));
            Assert.Contains("not valid for host '127.0.0.1'", error.Message, StringComparison.Ordinal);
        }

        using (var client = Client(WithServerName(plain, "other.example")))
        {
            var error = await Assert.ThrowsAsync<KubernetesConnectionException>(() => client.GetAsync(Resources.Namespaces, null, "shop", CancellationToken.None));
            Assert.Contains("tls-server-name 'other.example'", error.Message, StringComparison.Ordinal);
        }

        using (var client = Client(WithServerName(plain, "kube.example")))
        {
            var ns = await client.GetAsync(Resources.Namespaces, null, "shop", CancellationToken.None);
            Assert.Equal("shop", (string?)ns["metadata"]!["name"]);
        }
    }

    [Fact]
    public async Task InsecureSkipTlsVerifyConnectsAndWarns()
    {
        await using var server = await OkServer();
        var log = new ListLog();
        using var client = Client(new ClusterConnectionSettings { Server = server.Url, ContextName = "lab", InsecureSkipTlsVerify = true }, log);

        await client.GetAsync(Resources.Namespaces, null, "shop", CancellationToken.None);

        var warning = Assert.Single(log.Entries, e => e.Level == EngineLogLevel.Warning);
        Assert.Contains("insecure-skip-tls-verify", warning.Message, StringComparison.Ordinal);
        Assert.Contains(warning.Fields, f => f.Key == "cluster" && f.Value == "lab");
    }

    [Fact]
    public void AnUnreadableCaIsAConfigurationError()
    {
        var error = Assert.Throws<KubeConfigException>(() => Client(new ClusterConnectionSettings
        {
            Server = new Uri("https://k"),
            CertificateAuthorityData = System.Text.Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
            CertificateAuthorityFile = "/etc/kube/ca.crt",
        }));

        Assert.Contains("/etc/kube/ca.crt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMismatchedClientKeyIsAConfigurationError()
    {
        using var certificates = new TestCertificates();
        var (certificate, _) = certificates.IssueClient("alice", TestKeyForm.EcP256Sec1);
        var (_, otherKey) = certificates.IssueClient("bob", TestKeyForm.EcP256Sec1);

        var error = Assert.Throws<KubeConfigException>(() => Client(new ClusterConnectionSettings
        {
            Server = new Uri("https://k"),
            ContextName = "prod",
            Credentials = new ClusterCredentials { ClientCertificateData = certificate, ClientKeyData = otherKey, ClientKeyFile = "/home/u/.kube/client.key" },
        }));

        Assert.Contains("prod", error.Message, StringComparison.Ordinal);
        Assert.Contains("/home/u/.kube/client.key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProxyCredentialsComeFromTheUrl()
    {
        var proxy = (System.Net.WebProxy)ClusterHttpHandler.CreateProxy(new Uri("http://bob:s%40cret@proxy.local:3128"));

        Assert.Equal(new Uri("http://proxy.local:3128/"), proxy.Address);
        var credential = proxy.Credentials!.GetCredential(new Uri("http://proxy.local"), "Basic")!;
        Assert.Equal(("bob", "s@cret"), (credential.UserName, credential.Password));
    }

    private static ClusterConnectionSettings WithServerName(ClusterConnectionSettings settings, string name) => new()
    {
        Server = settings.Server,
        ContextName = settings.ContextName,
        CertificateAuthorityData = settings.CertificateAuthorityData,
        Credentials = settings.Credentials,
        TlsServerName = name,
    };
}
