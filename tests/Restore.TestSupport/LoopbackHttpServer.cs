using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace Restore.TestSupport;

/// <summary>
/// A plain-HTTP server on 127.0.0.1 and a free port that hands each request to one handler, in order.
/// For fakes that only need to answer and remember (an S3 endpoint that records headers, an OpenID provider).
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Func<HttpListenerContext, Task> handle;
    private readonly Task loop;

    /// <summary>Starts listening at once.</summary>
    /// <param name="handle">Answers one request; it must complete the response.</param>
    public LoopbackHttpServer(Func<HttpListenerContext, Task> handle)
    {
        this.handle = handle;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{Port}";
        listener.Prefixes.Add(Url + "/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary><c>http://127.0.0.1:port</c>, without a trailing slash.</summary>
    public string Url { get; }

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
            // A handler that failed has nothing left to say once the server is gone.
        }
    }

    private async Task ServeAsync()
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

            await handle(context).ConfigureAwait(false);
        }
    }
}
