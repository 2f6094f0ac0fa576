using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Restore.Engine.Cluster;

namespace Restore.Engine.Tests.Cluster;

/// <summary>What the server saw of one request.</summary>
public sealed record SeenRequest(string Method, string Path, string Query, string? Authorization, string? ContentType, string Body, string? ClientCertificateSubject, bool ClientCertificateTrusted, string? Accept, string? UserAgent);

/// <summary>
/// A minimal HTTPS Kubernetes-like server on 127.0.0.1 (free port) for client tests: each test supplies the
/// handler. It records requests and checks client certificates against the test CA.
/// </summary>
public sealed class TestKubeServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private TestKubeServer(WebApplication app, TestCertificates certificates, Uri url)
    {
        this.app = app;
        Certificates = certificates;
        Url = url;
    }

    public delegate Task Handler(HttpContext context, SeenRequest request, int index);

    public TestCertificates Certificates { get; }

    public Uri Url { get; }

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    public int RequestCount => Requests.Count;

    public static async Task<TestKubeServer> StartAsync(Handler handler, TestCertificates? certificates = null)
    {
        certificates ??= new TestCertificates();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
        {
            https.ServerCertificate = certificates.Server;
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            https.AllowAnyClientCertificate();
        })));
        var app = builder.Build();
        TestKubeServer? server = null;
        var counter = 0;
        app.Run(async context =>
        {
            var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync();
            var certificate = context.Connection.ClientCertificate;
            var seen = new SeenRequest(
                context.Request.Method,
                context.Request.Path.Value ?? string.Empty,
                context.Request.QueryString.Value ?? string.Empty,
                context.Request.Headers.Authorization.FirstOrDefault(),
                context.Request.ContentType,
                body,
                certificate?.GetNameInfo(X509NameType.SimpleName, false),
                certificate is not null && certificates.Issued(certificate),
                context.Request.Headers.Accept.FirstOrDefault(),
                context.Request.Headers.UserAgent.FirstOrDefault());
            server!.Requests.Enqueue(seen);
            await handler(context, seen, Interlocked.Increment(ref counter) - 1);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new TestKubeServer(app, certificates, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
        return server;
    }

    /// <summary>Settings that trust the test CA and authenticate with <paramref name="credentials"/>.</summary>
    internal ClusterConnectionSettings Settings(ClusterCredentials? credentials = null, string context = "test-context") => new()
    {
        Server = Url,
        ContextName = context,
        CertificateAuthorityData = Certificates.CaPem,
        Credentials = credentials ?? new ClusterCredentials { Token = "test-token" },
    };

    public static Task Json(HttpContext context, int status, JsonNode body, string? retryAfter = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        return context.Response.WriteAsync(body.ToJsonString());
    }

    public static JsonObject Status(int code, string reason, string message, JsonObject? details = null) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["details"] = details,
        ["code"] = code,
    };

    public static JsonObject Object(string kind, string name, string? ns = null, string apiVersion = "v1") => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["metadata"] = ns is null ? new JsonObject { ["name"] = name } : new JsonObject { ["name"] = name, ["namespace"] = ns },
    };

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        Certificates.Dispose();
    }
}
