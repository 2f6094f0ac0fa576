using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Restore.TestApiServer;

/// <summary>Which credentials a kubeconfig context or client uses.</summary>
public enum KubeconfigAuth
{
    /// <summary>The bearer token of <see cref="TestApiServer.TokenUser"/>.</summary>
    Token,

    /// <summary>The client certificate of <see cref="TestApiServer.ClientCertificateUser"/>.</summary>
    ClientCertificate,
}

/// <summary>
/// A loopback Kubernetes API server for tests and benchmarks: HTTPS with its own CA, token and
/// client-certificate authentication, discovery, in-memory storage with real write semantics, and
/// knobs for latency, faults and RBAC denials. Start several for multi-cluster tests; each has its
/// own CA, port, token and data.
/// </summary>
public sealed class TestApiServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly CancellationTokenSource stopping;
    private readonly Certificates certificates;
    private ApiHandler? handler;
    private int disposed;

    private TestApiServer(WebApplication app, CancellationTokenSource stopping, Certificates certificates, TestApiServerOptions options, string token, ObjectStore store, ServerKnobs knobs, RequestJournal journal, int port)
    {
        this.app = app;
        this.stopping = stopping;
        this.certificates = certificates;
        Options = options;
        Token = token;
        Store = store;
        Knobs = knobs;
        Journal = journal;
        Port = port;
        BaseAddress = new Uri($"https://127.0.0.1:{port}/");
    }

    /// <summary>https://127.0.0.1:port/.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The server URL as kubeconfig writes it (no trailing slash).</summary>
    public string Server => BaseAddress.ToString().TrimEnd('/');

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary>The options it was started with.</summary>
    public TestApiServerOptions Options { get; }

    /// <summary>The CA certificate in PEM (what certificate-authority-data holds).</summary>
    public string CaCertificatePem => certificates.CaPem;

    /// <summary>The CA certificate.</summary>
    public X509Certificate2 CaCertificate => certificates.Ca;

    /// <summary>The bearer token.</summary>
    public string Token { get; }

    /// <summary>The user the token authenticates as.</summary>
    public string TokenUser => Options.TokenUser;

    /// <summary>The client certificate in PEM.</summary>
    public string ClientCertificatePem => certificates.ClientCertificatePem;

    /// <summary>The client certificate's private key in PKCS#8 PEM.</summary>
    public string ClientKeyPem => certificates.ClientKeyPem;

    /// <summary>The client certificate with its key (for HttpClient).</summary>
    public X509Certificate2 ClientCertificate => certificates.Client;

    /// <summary>The user the client certificate authenticates as.</summary>
    public string ClientCertificateUser => Options.ClientCertificateUser;

    /// <summary>Objects: seed, inspect, and the served resources.</summary>
    public ObjectStore Store { get; }

    /// <summary>Runtime switches: latency, faults, Forbidden rules, delays.</summary>
    public ServerKnobs Knobs { get; }

    /// <summary>The requests handled.</summary>
    public RequestJournal Journal { get; }

    /// <summary>Requests being handled right now (one whose client went away may still be finishing).</summary>
    public int RequestsInProgress => handler?.InProgress ?? 0;

    /// <summary>
    /// Waits until no request is being handled: a create sent just before a client canceled may still commit, as on a
    /// real API server, so a test that counts objects after a canceled run waits for this first.
    /// </summary>
    public async Task WaitUntilIdleAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (RequestsInProgress > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{RequestsInProgress} requests still in progress after {timeout}");
            }

            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    /// <summary>Starts a server on 127.0.0.1 and returns once it accepts connections.</summary>
    public static async Task<TestApiServer> StartAsync(TestApiServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new TestApiServerOptions();
        var token = options.Token ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        var certificates = Certificates.Generate(options.ClientCertificateUser, options.ClientCertificateGroups.ToList());
        var stopping = new CancellationTokenSource();
        var knobs = new ServerKnobs();
        var journal = new RequestJournal(options.JournalCapacity, options.EnableJournal);
        var store = new ObjectStore(new ResourceRegistry(BuiltInResources.Create()), knobs, options, stopping.Token);
        Seed(store, options);
        knobs.NamespaceTerminationDelay = options.NamespaceTerminationDelay;
        knobs.CrdEstablishDelay = options.CrdEstablishDelay;
        var handler = new ApiHandler(store, knobs, journal, new Authenticator(options, token, certificates), options, stopping.Token);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(TestApiServer).Assembly.GetName().Name, ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes + 64 * 1024;
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.Limits.MaxConcurrentUpgradedConnections = null;
            kestrel.Limits.Http2.MaxStreamsPerConnection = 250;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                listen.Protocols = options.EnableHttp2 ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = certificates.Server,
                    ClientCertificateMode = ClientCertificateMode.AllowCertificate,

                    // Accept any certificate at the TLS layer; authentication checks the chain and answers 401 as kube-apiserver does.
                    ClientCertificateValidation = (_, _, _) => true,
                    CheckCertificateRevocation = false,
                });
            });
        });
        var app = builder.Build();
        app.UseWebSockets();
        app.Run(handler.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            stopping.Dispose();
            certificates.Dispose();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        handler.ServerAddress = $"127.0.0.1:{port}";
        return new TestApiServer(app, stopping, certificates, options, token, store, knobs, journal, port) { handler = handler };
    }

    /// <summary>The kubeconfig context name for an auth method: "&lt;cluster&gt;-token" or "&lt;cluster&gt;-cert".</summary>
    public string ContextName(KubeconfigAuth auth) => Options.ClusterName + (auth == KubeconfigAuth.Token ? "-token" : "-cert");

    /// <summary>
    /// Writes a kubeconfig with one cluster and one context per auth method (token and client
    /// certificate, different users); <paramref name="currentContext"/> picks the current one.
    /// </summary>
    public void WriteKubeconfig(string path, KubeconfigAuth currentContext = KubeconfigAuth.Token, string? @namespace = null)
        => Kubeconfig.Write(path, Kubeconfig.Yaml(new[] { this }, ContextName(currentContext), @namespace));

    /// <summary>
    /// Writes one kubeconfig for several servers (fan-out tests): each server contributes its cluster,
    /// its two contexts and users, so the servers need distinct <see cref="TestApiServerOptions.ClusterName"/>s.
    /// </summary>
    public static void WriteKubeconfig(string path, IReadOnlyList<TestApiServer> servers, string? currentContext = null, string? @namespace = null)
    {
        ArgumentNullException.ThrowIfNull(servers);
        if (servers.Count == 0)
        {
            throw new ArgumentException("Give at least one server.", nameof(servers));
        }

        Kubeconfig.Write(path, Kubeconfig.Yaml(servers, currentContext ?? servers[0].ContextName(KubeconfigAuth.Token), @namespace));
    }

    /// <summary>The kubeconfig <see cref="WriteKubeconfig(string, KubeconfigAuth, string?)"/> writes.</summary>
    public string KubeconfigYaml(KubeconfigAuth currentContext = KubeconfigAuth.Token, string? @namespace = null)
        => Kubeconfig.Yaml(new[] { this }, ContextName(currentContext), @namespace);

    /// <summary>A handler that trusts only this server's CA and presents the client certificate when asked to.</summary>
    public SocketsHttpHandler CreateHandler(KubeconfigAuth auth = KubeconfigAuth.Token)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 256,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificates.IsServerChain(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData())),
            },
        };
        if (auth == KubeconfigAuth.ClientCertificate)
        {
            handler.SslOptions.ClientCertificates = new X509CertificateCollection { ClientCertificate };
        }

        return handler;
    }

    /// <summary>An HttpClient for this server with the chosen credentials.</summary>
    public HttpClient CreateHttpClient(KubeconfigAuth auth = KubeconfigAuth.Token)
    {
        var client = new HttpClient(CreateHandler(auth), disposeHandler: true) { BaseAddress = BaseAddress };
        if (auth == KubeconfigAuth.Token)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        return client;
    }

    /// <summary>Stops the server and ends open watches.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await app.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Connections that would not close in time are dropped.
            }
        }

        await app.DisposeAsync().ConfigureAwait(false);
        stopping.Dispose();
        certificates.Dispose();
    }

    private static void Seed(ObjectStore store, TestApiServerOptions options)
    {
        if (options.CreateDefaultObjects)
        {
            foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
            {
                store.EnsureNamespace(ns);
            }

            store.Create(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Service",
                ["metadata"] = new JsonObject
                {
                    ["name"] = "kubernetes",
                    ["namespace"] = "default",
                    ["labels"] = new JsonObject { ["component"] = "apiserver", ["provider"] = "kubernetes" },
                },
                ["spec"] = new JsonObject
                {
                    ["clusterIP"] = store.KubernetesServiceIp,
                    ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = 443, ["protocol"] = "TCP", ["targetPort"] = 6443 }),
                    ["type"] = "ClusterIP",
                },
            });
        }

        var crds = (options.InstallVolumeSnapshotCrds ? CrdBundles.VolumeSnapshots() : Array.Empty<JsonObject>())
            .Concat(options.InstallVeleroCrds ? CrdBundles.Velero() : Array.Empty<JsonObject>());
        foreach (var crd in crds)
        {
            store.Create(crd);
        }
    }
}
