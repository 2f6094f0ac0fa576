using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Restore.DependencyProbes.KubeProbes;

/// <summary>An HTTP CONNECT proxy on loopback that notes each tunnel it opens.</summary>
internal sealed class ConnectProxy : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly List<string> tunnels = new();
    private readonly CancellationTokenSource stop = new();

    public ConnectProxy()
    {
        listener.Start();
        _ = AcceptLoop();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

    public IReadOnlyList<string> TakeTunnels()
    {
        lock (tunnels)
        {
            var copy = tunnels.ToArray();
            tunnels.Clear();
            return copy;
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
    }

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
                var stream = client.GetStream();
                var head = await ReadHead(stream);
                var requestLine = head.Split("\r\n")[0];
                var parts = requestLine.Split(' ');
                if (parts.Length < 2 || parts[0] != "CONNECT")
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n"));
                    return;
                }

                lock (tunnels)
                {
                    tunnels.Add(parts[1]);
                }

                var target = parts[1];
                var colon = target.LastIndexOf(':');
                await upstream.ConnectAsync(target.Substring(0, colon).Trim('[', ']'), int.Parse(target.Substring(colon + 1), System.Globalization.CultureInfo.InvariantCulture));
                await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 Connection established\r\n\r\n"));
                var toServer = upstream.GetStream();
                await Task.WhenAny(stream.CopyToAsync(toServer), toServer.CopyToAsync(stream));
            }
            catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
            {
                // The client went away.
            }
        }
    }

    private static async Task<string> ReadHead(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 8192)
        {
            if (await stream.ReadAsync(one) == 0)
            {
                break;
            }

            bytes.Add(one[0]);
            var n = bytes.Count;
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n')
            {
                break;
            }
        }

        return Encoding.ASCII.GetString(bytes.ToArray());
    }
}
