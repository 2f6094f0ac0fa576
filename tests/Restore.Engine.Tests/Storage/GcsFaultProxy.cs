using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Restore.TestSupport;

namespace Restore.Engine.Tests.Storage;

/// <summary>
/// A pass-through HTTP proxy in front of the GCS emulator that injects faults into chosen requests: an HTTP status
/// with a JSON API error body (403, 404, 503…), or a connection cut after some bytes of the body. Every request
/// it sees is counted by method and path, so tests can check retries.
/// </summary>
internal sealed class GcsFaultProxy : IDisposable
{
    private static readonly HttpClient Forward = new(new HttpClientHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None });
    private readonly string target;
    private readonly LoopbackHttpServer server;
    private readonly ConcurrentQueue<Fault> faults = new();
    private readonly ConcurrentQueue<string> seen = new();
    private readonly ConcurrentQueue<string> authorizations = new();

    public GcsFaultProxy(string target)
    {
        this.target = target.TrimEnd('/');
        server = new LoopbackHttpServer(HandleAsync);
    }

    /// <summary>The proxy's URL, for <c>-Endpoint</c>.</summary>
    public string Url => server.Url;

    /// <summary>"METHOD path" of every request seen, in order.</summary>
    public IReadOnlyList<string> Requests => seen.ToArray();

    /// <summary>The scheme of each request's Authorization header ("Bearer"), or "" when it had none, in order.</summary>
    public IReadOnlyList<string> Authorizations => authorizations.ToArray();

    /// <summary>The next <paramref name="times"/> requests whose path contains <paramref name="pathPart"/> answer <paramref name="status"/>.</summary>
    public void FailWith(HttpStatusCode status, string pathPart, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            faults.Enqueue(new Fault(pathPart, status, -1));
        }
    }

    /// <summary>The next request whose path contains <paramref name="pathPart"/> gets its headers and <paramref name="bytes"/> body bytes, then the connection is cut.</summary>
    public void CutAfter(string pathPart, int bytes) => faults.Enqueue(new Fault(pathPart, 0, bytes));

    public void Dispose() => server.Dispose();

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var path = request.Url!.PathAndQuery;
        seen.Enqueue($"{request.HttpMethod} {path}");
        authorizations.Enqueue(request.Headers["Authorization"]?.Split(' ')[0] ?? string.Empty);
        var fault = TakeFault(path);
        try
        {
            if (fault is { Status: not 0 })
            {
                var body = System.Text.Encoding.UTF8.GetBytes($"{{\"error\":{{\"code\":{(int)fault.Status},\"message\":\"injected {(int)fault.Status}\",\"errors\":[{{\"message\":\"injected\",\"reason\":\"injected\"}}]}}}}");
                context.Response.StatusCode = (int)fault.Status;
                context.Response.ContentType = "application/json";
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
                return;
            }

            using var forward = new HttpRequestMessage(new HttpMethod(request.HttpMethod), target + path);
            if (request.HasEntityBody)
            {
                var input = new MemoryStream();
                await request.InputStream.CopyToAsync(input);
                input.Position = 0;
                forward.Content = new StreamContent(input);
            }

            foreach (var name in request.Headers.AllKeys.Where(n => n is not null))
            {
                if (name!.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (!forward.Headers.TryAddWithoutValidation(name, request.Headers[name]) && forward.Content is not null)
                {
                    forward.Content.Headers.TryAddWithoutValidation(name, request.Headers[name]);
                }
            }

            using var response = await Forward.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead);
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                if (header.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var value = string.Join(",", header.Value);
                if (header.Key.Equals("Location", StringComparison.OrdinalIgnoreCase))
                {
                    // Resumable uploads continue at the URL the server names: keep them coming through the proxy.
                    value = value.Replace(target, server.Url, StringComparison.Ordinal);
                }

                context.Response.Headers[header.Key] = value;
            }

            var content = await response.Content.ReadAsByteArrayAsync();
            context.Response.ContentLength64 = content.Length;
            if (fault is { CutAfterBytes: >= 0 })
            {
                await context.Response.OutputStream.WriteAsync(content.AsMemory(0, Math.Min(fault.CutAfterBytes, content.Length)));
                await context.Response.OutputStream.FlushAsync();
                context.Response.Abort();
                return;
            }

            await context.Response.OutputStream.WriteAsync(content);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away; nothing to answer.
        }
    }

    private Fault? TakeFault(string path)
    {
        // Faults apply in order; one that does not match this path waits for a later request.
        lock (faults)
        {
            if (faults.TryPeek(out var next) && path.Contains(next.PathPart, StringComparison.Ordinal))
            {
                faults.TryDequeue(out _);
                return next;
            }
        }

        return null;
    }

    private sealed record Fault(string PathPart, HttpStatusCode Status, int CutAfterBytes);
}
