using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;

namespace Restore.DependencyProbes.KubeProbes;

/// <summary>An HTTP CONNECT proxy on loopback that notes each tunnel it opens.</summary>
internal sealed class ConnectProxy : LoopbackTcpService<string>
{
    public ConnectProxy()
        : base(IPAddress.Loopback)
    {
    }

    public string Url => "http://" + Address;

    protected override async Task ServeAsync(NetworkStream client, TcpClient upstream)
    {
        var head = await ReadHead(client);
        var parts = head.Split("\r\n")[0].Split(' ');
        if (parts.Length < 2 || parts[0] != "CONNECT")
        {
            await client.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n"));
            return;
        }

        var target = parts[1];
        Record(target);
        var colon = target.LastIndexOf(':');
        await upstream.ConnectAsync(target.Substring(0, colon).Trim('[', ']'), int.Parse(target.Substring(colon + 1), System.Globalization.CultureInfo.InvariantCulture));
        await client.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 Connection established\r\n\r\n"));
        await Pump(client, upstream.GetStream());
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
