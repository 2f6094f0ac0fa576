using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
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

    /// <summary>Reset the connection (TCP RST) without an answer.</summary>
    Reset,

    /// <summary>Forward it, relay the headers and the first <see cref="FaultProxy.CutAfterBytes"/> bytes of the body, then reset the connection.</summary>
    CutBody,
}

/// <summary>
/// A plain-HTTP forwarding proxy on 127.0.0.1 and a free port, in front of a storage server (Azurite), that injects faults
/// chosen per request by <see cref="Decide"/>: throttling, connection resets and bodies cut short. It works on the TCP
/// stream (one request per connection, <c>Connection: close</c> both ways), so a reset is a real RST. Path and query
/// are kept, so a path-style Azure URL through the proxy names the same account and container.
/// </summary>
public sealed class FaultProxy : IDisposable
{
    private static readonly byte[] HeaderEnd = { 13, 10, 13, 10 };
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint target;
    private readonly Task loop;
    private readonly object gate = new();
    private readonly List<string> log = new();
    private int requests;

    /// <summary>Starts listening at once; requests go to <paramref name="targetBaseUrl"/> (<c>http://127.0.0.1:port</c>).</summary>
    public FaultProxy(string targetBaseUrl)
    {
        var uri = new Uri(targetBaseUrl);
        target = new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Url = $"http://127.0.0.1:{Port}";
        loop = Task.Run(AcceptAsync);
    }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public string Url { get; }

    /// <summary>Chooses the fault for a request: (1-based request number, method, path and query). Default: none.</summary>
    public Func<int, string, string, ProxyFault> Decide { get; set; } = (_, _, _) => ProxyFault.None;

    /// <summary>Body bytes relayed before <see cref="ProxyFault.CutBody"/> resets the connection.</summary>
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
        listener.Stop();
        try
        {
            loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (SocketException)
        {
        }
    }

    private static int IndexOf(byte[] buffer, int length, byte[] pattern)
    {
        for (var i = 0; i + pattern.Length <= length; i++)
        {
            var match = true;
            for (var j = 0; j < pattern.Length && match; j++)
            {
                match = buffer[i + j] == pattern[j];
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Reads up to the end of the header block; returns the header text and the body bytes already read.</summary>
    private static async Task<(string Head, byte[] Remainder)?> ReadHeadAsync(NetworkStream stream)
    {
        var buffer = new byte[65536];
        var length = 0;
        while (true)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(length)).ConfigureAwait(false);
            if (n == 0)
            {
                return null;
            }

            length += n;
            var end = IndexOf(buffer, length, HeaderEnd);
            if (end >= 0)
            {
                var head = Encoding.ASCII.GetString(buffer, 0, end);
                return (head, buffer.AsSpan(end + 4, length - end - 4).ToArray());
            }

            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
        }
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(socket));
        }
    }

    private async Task HandleAsync(Socket socket)
    {
        try
        {
            using var client = new NetworkStream(socket, ownsSocket: false);
            var read = await ReadHeadAsync(client).ConfigureAwait(false);
            if (read is null)
            {
                socket.Close();
                return;
            }

            var (head, rest) = read.Value;
            var lines = head.Split("\r\n");
            var requestLine = lines[0].Split(' ');
            long contentLength = 0;
            var forwarded = new StringBuilder(lines[0]).Append("\r\n");
            foreach (var line in lines[1..])
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var name = colon < 0 ? line : line[..colon];
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    contentLength = long.Parse(line[(colon + 1)..].Trim(), CultureInfo.InvariantCulture);
                }

                if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Host", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                forwarded.Append(line).Append("\r\n");
            }

            forwarded.Append("Host: ").Append(target).Append("\r\nConnection: close\r\n\r\n");
            var body = new MemoryStream();
            body.Write(rest);
            while (body.Length < contentLength)
            {
                var chunk = new byte[65536];
                var n = await client.ReadAsync(chunk).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                body.Write(chunk, 0, n);
            }

            var number = Interlocked.Increment(ref requests);
            var fault = Decide(number, requestLine[0], requestLine.Length > 1 ? requestLine[1] : "/");
            lock (gate)
            {
                log.Add($"{requestLine[0]} {(requestLine.Length > 1 ? requestLine[1] : "/")} {fault}");
            }

            if (fault == ProxyFault.Reset)
            {
                Reset(socket);
                return;
            }

            if (fault == ProxyFault.Throttle)
            {
                var busy = Encoding.ASCII.GetBytes("HTTP/1.1 503 Server Busy\r\nRetry-After: 1\r\nx-ms-error-code: ServerBusy\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                await client.WriteAsync(busy).ConfigureAwait(false);
                socket.Shutdown(SocketShutdown.Both);
                socket.Close();
                return;
            }

            using var upstream = new TcpClient();
            await upstream.ConnectAsync(target.Address, target.Port).ConfigureAwait(false);
            var server = upstream.GetStream();
            await server.WriteAsync(Encoding.ASCII.GetBytes(forwarded.ToString())).ConfigureAwait(false);
            await server.WriteAsync(body.ToArray()).ConfigureAwait(false);

            var buffer = new byte[81920];
            var headerSeen = fault != ProxyFault.CutBody;
            var headerBytes = new MemoryStream();
            long bodySent = 0;
            int count;
            while ((count = await server.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                if (!headerSeen)
                {
                    headerBytes.Write(buffer, 0, count);
                    var all = headerBytes.ToArray();
                    var end = IndexOf(all, all.Length, HeaderEnd);
                    if (end < 0)
                    {
                        continue;
                    }

                    headerSeen = true;
                    var bodyPart = all.Length - end - 4;
                    var allowed = (int)Math.Min(bodyPart, CutAfterBytes);
                    await client.WriteAsync(all.AsMemory(0, end + 4 + allowed)).ConfigureAwait(false);
                    bodySent = allowed;
                    if (bodySent >= CutAfterBytes)
                    {
                        await client.FlushAsync().ConfigureAwait(false);
                        Reset(socket);
                        return;
                    }

                    continue;
                }

                if (fault == ProxyFault.CutBody)
                {
                    var allowed = (int)Math.Min(count, CutAfterBytes - bodySent);
                    await client.WriteAsync(buffer.AsMemory(0, allowed)).ConfigureAwait(false);
                    bodySent += allowed;
                    if (bodySent >= CutAfterBytes)
                    {
                        await client.FlushAsync().ConfigureAwait(false);
                        Reset(socket);
                        return;
                    }

                    continue;
                }

                await client.WriteAsync(buffer.AsMemory(0, count)).ConfigureAwait(false);
            }

            socket.Shutdown(SocketShutdown.Both);
            socket.Close();
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or FormatException)
        {
            Reset(socket);
        }
    }
}
