using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Restore.DependencyProbes.KubeProbes;

/// <summary>
/// A TCP listener on a loopback address that serves each connection with <see cref="ServeAsync"/> and keeps
/// what the connections showed (<typeparamref name="TRecord"/>) until <see cref="Take"/>.
/// </summary>
internal abstract class LoopbackTcpService<TRecord> : IDisposable
{
    private readonly TcpListener listener;
    private readonly List<TRecord> records = new();
    private readonly CancellationTokenSource stop = new();

    protected LoopbackTcpService(IPAddress address)
    {
        listener = new TcpListener(address, 0);
        listener.Start();
        _ = AcceptLoop();
    }

    /// <summary>address:port.</summary>
    public string Address => $"{((IPEndPoint)listener.LocalEndpoint).Address}:{((IPEndPoint)listener.LocalEndpoint).Port}";

    /// <summary>The records so far, forgetting them.</summary>
    public IReadOnlyList<TRecord> Take()
    {
        lock (records)
        {
            var copy = records.ToArray();
            records.Clear();
            return copy;
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
    }

    protected void Record(TRecord record)
    {
        lock (records)
        {
            records.Add(record);
        }
    }

    /// <summary>Serves one connection; <paramref name="upstream"/> is unconnected.</summary>
    protected abstract Task ServeAsync(NetworkStream client, TcpClient upstream);

    /// <summary>Copies both ways until either side closes.</summary>
    protected static Task Pump(NetworkStream a, NetworkStream b) => Task.WhenAny(a.CopyToAsync(b), b.CopyToAsync(a));

    private async Task AcceptLoop()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Serve(client);
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await ServeAsync(client.GetStream(), upstream);
            }
            catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
            {
                // A client that refused the certificate, or finished, hangs up: expected.
            }
        }
    }
}
