using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;

namespace Restore.DependencyProbes.KubeProbes;

/// <summary>What a client's TLS ClientHello asked for: the SNI host name and the ALPN protocols.</summary>
internal sealed record ClientHello(string? ServerName, IReadOnlyList<string> Protocols);

/// <summary>
/// A TCP relay to the API server that reads (never changes) each connection's ClientHello. Listening on
/// another loopback address (127.0.0.2) it makes a host name the server certificate does not cover.
/// </summary>
internal sealed class TlsRelay : LoopbackTcpService<ClientHello>
{
    private readonly int targetPort;

    public TlsRelay(IPAddress address, int targetPort)
        : base(address)
    {
        this.targetPort = targetPort;
    }

    protected override async Task ServeAsync(NetworkStream client, TcpClient upstream)
    {
        await upstream.ConnectAsync(IPAddress.Loopback, targetPort);
        var first = await ReadRecord(client);
        if (Parse(first) is { } hello)
        {
            Record(hello);
        }

        var toServer = upstream.GetStream();
        await toServer.WriteAsync(first);
        await Pump(client, toServer);
    }

    // One TLS record: 5-byte header, then its length. A ClientHello fits in one.
    private static async Task<byte[]> ReadRecord(NetworkStream stream)
    {
        var header = new byte[5];
        await stream.ReadExactlyAsync(header);
        var length = (header[3] << 8) | header[4];
        var record = new byte[5 + length];
        header.CopyTo(record, 0);
        await stream.ReadExactlyAsync(record.AsMemory(5, length));
        return record;
    }

    private static ClientHello? Parse(byte[] record)
    {
        // Record type 22 (handshake), handshake type 1 (ClientHello).
        if (record.Length < 9 || record[0] != 22 || record[5] != 1)
        {
            return null;
        }

        var at = 9 + 2 + 32; // handshake header, client_version, random
        at += 1 + record[at]; // session id
        at += 2 + ((record[at] << 8) | record[at + 1]); // cipher suites
        at += 1 + record[at]; // compression methods
        var end = at + 2 + ((record[at] << 8) | record[at + 1]);
        at += 2;
        string? serverName = null;
        var protocols = new List<string>();
        while (at + 4 <= end)
        {
            var type = (record[at] << 8) | record[at + 1];
            var length = (record[at + 2] << 8) | record[at + 3];
            var data = at + 4;
            if (type == 0)
            {
                // server_name list: length(2), type(1), name length(2), name.
                var nameLength = (record[data + 3] << 8) | record[data + 4];
                serverName = Encoding.ASCII.GetString(record, data + 5, nameLength);
            }
            else if (type == 16)
            {
                // ALPN: list length(2), then length-prefixed names.
                var p = data + 2;
                while (p < data + length)
                {
                    protocols.Add(Encoding.ASCII.GetString(record, p + 1, record[p]));
                    p += 1 + record[p];
                }
            }

            at = data + length;
        }

        return new ClientHello(serverName, protocols);
    }
}
