using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Restore.TestSupport;

/// <summary>What the proxy does with one request.</summary>
public enum ProxyFault
{
    /// <summary>Forward it and relay the whole answer.</summary>
    None,

    /// <summary>Answer 503 Server Busy (Azure's throttling answer) with Retry-After: 1, without forwarding.</summary>
    Throttle,

    /// <summary>Close the connection without an answer (a reset).</summary>
    Reset,

    /// <summary>Forward it, relay the headers and the first <see cref="FaultProxy.CutAfterBytes"/> bytes of the body, then close the connection.</summary>
    CutBody,
}

/// <summary>
/// A plain-HTTP forwarding proxy on 127.0.0.1 and a free port, in front of a storage server (Azurite), that injects faults
/// chosen per request by <see cref="Decide"/>: throttling, connection resets and bodies cut short. Path and query are kept,
/// so a path-style Azure URL through the proxy names the same account and container.
/// </summary>
public sealed class FaultProxy : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly HttpClient client = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = DecompressionMethods.None }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly string target;
    private readonly Task loop;
    private readonly object gate = new();
    private readonly List<string> log = new();
    private int requests;

    /// <summary>Starts listening at once; requests go to <paramref name="targetBaseUrl"/> (<c>http://127.0.0.1:port</c>).</summary>
    public FaultProxy(string targetBaseUrl)
    {
        target = targetBaseUrl.TrimEnd('/');
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{Port}";
        listener.Prefixes.Add(Url + "/");
        listener.Start();
        loop = Task.Run(AcceptAsync);
    }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public string Url { get; }

    /// <summary>Chooses the fault for a request: (1-based request number, method, path and query). Default: none.</summary>
    public Func<int, string, string, ProxyFault> Decide { get; set; } = (_, _, _) => ProxyFault.None;

    /// <summary>Body bytes relayed before <see cref="ProxyFault.CutBody"/> closes the connection.</summary>
    public long CutAfterBytes { get; set; } = 4096;

    /// <summary>Requests seen so far.</summary>
    public int Requests => Volatile.Read(ref requests);

    /// <summary>"METHOD path fault" for every request, in arrival order.</summary>
    public IReadOnlyList<string> Log
    {
        get
        {
            lock (gate)
            {
                return log.ToArray();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        listener.Close();
        try
        {
            loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        client.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var number = Interlocked.Increment(ref requests);
        var request = context.Request;
        var pathAndQuery = request.RawUrl ?? "/";
        var fault = Decide(number, request.HttpMethod, pathAndQuery);
        lock (gate)
        {
            log.Add($"{request.HttpMethod} {pathAndQuery} {fault}");
        }

        try
        {
            switch (fault)
            {
                case ProxyFault.Throttle:
                    await DrainAsync(request.InputStream).ConfigureAwait(false);
                    context.Response.StatusCode = 503;
                    context.Response.StatusDescription = "Server Busy";
                    context.Response.Headers["Retry-After"] = "1";
                    context.Response.Headers["x-ms-error-code"] = "ServerBusy";
                    context.Response.ContentLength64 = 0;
                    context.Response.Close();
                    return;
                case ProxyFault.Reset:
                    await DrainAsync(request.InputStream).ConfigureAwait(false);
                    context.Response.Abort();
                    return;
            }

            using var forward = new HttpRequestMessage(new HttpMethod(request.HttpMethod), target + pathAndQuery);
            var body = new MemoryStream();
            await request.InputStream.CopyToAsync(body).ConfigureAwait(false);
            body.Position = 0;
            if (request.HttpMethod is not ("GET" or "HEAD") || body.Length > 0)
            {
                forward.Content = new StreamContent(body);
            }

            foreach (var name in request.Headers.AllKeys)
            {
                if (name is null || name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Connection", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || name.Equals("Expect", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var value = request.Headers[name]!;
                if (!forward.Headers.TryAddWithoutValidation(name, value))
                {
                    forward.Content ??= new ByteArrayContent(Array.Empty<byte>());
                    forward.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            using var answer = await client.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            var response = context.Response;
            response.StatusCode = (int)answer.StatusCode;
            response.StatusDescription = answer.ReasonPhrase ?? string.Empty;
            foreach (var header in answer.Headers)
            {
                if (!header.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && !header.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                {
                    response.Headers[header.Key] = string.Join(",", header.Value);
                }
            }

            foreach (var header in answer.Content.Headers)
            {
                if (header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    response.ContentLength64 = long.Parse(string.Join(",", header.Value), System.Globalization.CultureInfo.InvariantCulture);
                }
                else
                {
                    response.Headers[header.Key] = string.Join(",", header.Value);
                }
            }

            using var content = await answer.Content.ReadAsStreamAsync().ConfigureAwait(false);
            var buffer = new byte[81920];
            long sent = 0;
            int n;
            while ((n = await content.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                if (fault == ProxyFault.CutBody && sent + n >= CutAfterBytes)
                {
                    var part = (int)(CutAfterBytes - sent);
                    if (part > 0)
                    {
                        await response.OutputStream.WriteAsync(buffer.AsMemory(0, part)).ConfigureAwait(false);
                        await response.OutputStream.FlushAsync().ConfigureAwait(false);
                    }

                    response.Abort();
                    return;
                }

                await response.OutputStream.WriteAsync(buffer.AsMemory(0, n)).ConfigureAwait(false);
                sent += n;
            }

            response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or HttpRequestException or ObjectDisposedException or InvalidOperationException)
        {
            try
            {
                context.Response.Abort();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private static async Task DrainAsync(Stream stream)
    {
        var buffer = new byte[16384];
        while (await stream.ReadAsync(buffer).ConfigureAwait(false) > 0)
        {
        }
    }
}
