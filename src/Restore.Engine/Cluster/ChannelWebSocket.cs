using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Restore.Engine.Cluster;

/// <summary>The answer to a WebSocket upgrade request.</summary>
internal sealed class WebSocketUpgrade
{
    public WebSocketUpgrade(int statusCode, string reasonPhrase, IReadOnlyDictionary<string, string> headers, string body)
    {
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
        Headers = headers;
        Body = body;
    }

    public int StatusCode { get; }

    public string ReasonPhrase { get; }

    /// <summary>Response headers by lower-case name (repeated headers joined with ", ").</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The body of a refused upgrade (capped); empty on 101.</summary>
    public string Body { get; }

    /// <summary>The subprotocol the server chose; null when none.</summary>
    public string? Protocol => Headers.TryGetValue("sec-websocket-protocol", out var p) ? p.Trim() : null;
}

/// <summary>
/// A minimal RFC 6455 client over a stream we opened (so our own TLS validation and client certificates apply):
/// the HTTP/1.1 upgrade, masked client frames, fragmented and control frames from the server. It carries the
/// Kubernetes channel protocol (<c>v5.channel.k8s.io</c>, <c>v4.channel.k8s.io</c>: the first byte of each binary
/// message is the channel number). Not thread-safe: one reader, one writer at a time.
/// </summary>
internal sealed class ChannelWebSocket : IDisposable
{
    private const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private const int MaxHeaderBytes = 64 * 1024;
    private const int MaxErrorBody = 64 * 1024;

    private readonly Stream stream;
    private readonly byte[] buffer = new byte[16 * 1024];
    private int start;
    private int end;
    private bool closeSent;

    public ChannelWebSocket(Stream stream) => this.stream = stream ?? throw new ArgumentNullException(nameof(stream));

    /// <summary>Sends the upgrade request and reads the answer; on 101 the socket is ready for messages.</summary>
    /// <param name="pathAndQuery">The request target.</param>
    /// <param name="host">The Host header value.</param>
    /// <param name="protocols">Offered subprotocols, most preferred first.</param>
    /// <param name="headers">Extra headers (Authorization, User-Agent...).</param>
    /// <param name="cancellationToken">Cancels the exchange.</param>
    public async Task<WebSocketUpgrade> UpgradeAsync(string pathAndQuery, string host, IReadOnlyList<string> protocols, IEnumerable<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        var keyBytes = new byte[16];
        using (var rng = RandomNumberGenerator.Create())
        {
            rng.GetBytes(keyBytes);
        }

        var key = Convert.ToBase64String(keyBytes);
        var request = new StringBuilder();
        request.Append("GET ").Append(pathAndQuery).Append(" HTTP/1.1\r\n");
        request.Append("Host: ").Append(host).Append("\r\n");
        request.Append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n");
        request.Append("Sec-WebSocket-Key: ").Append(key).Append("\r\n");
        request.Append("Sec-WebSocket-Protocol: ").Append(string.Join(", ", protocols)).Append("\r\n");
        foreach (var header in headers)
        {
            request.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
        }

        request.Append("\r\n");
        var bytes = Encoding.UTF8.GetBytes(request.ToString());
        await stream.WriteAsync(bytes, 0, bytes.Length, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);

        var head = await ReadHeadAsync(cancellationToken).ConfigureAwait(false);
        var lines = head.Split(new[] { "\r\n" }, StringSplitOptions.None);
        var statusParts = lines[0].Split(new[] { ' ' }, 3);
        if (statusParts.Length < 2 || !statusParts[0].StartsWith("HTTP/", StringComparison.Ordinal) || !int.TryParse(statusParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            throw new IOException("the server's answer to the WebSocket upgrade is not HTTP");
        }

        var responseHeaders = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line.Substring(0, colon).Trim().ToLowerInvariant();
            var value = line.Substring(colon + 1).Trim();
            responseHeaders[name] = responseHeaders.TryGetValue(name, out var previous) ? previous + ", " + value : value;
        }

        var reason = statusParts.Length > 2 ? statusParts[2] : string.Empty;
        if (code != 101)
        {
            return new WebSocketUpgrade(code, reason, responseHeaders, await ReadErrorBodyAsync(responseHeaders, cancellationToken).ConfigureAwait(false));
        }

        using (var sha1 = SHA1.Create())
        {
            var expected = Convert.ToBase64String(sha1.ComputeHash(Encoding.ASCII.GetBytes(key + Guid)));
            if (!responseHeaders.TryGetValue("sec-websocket-accept", out var accept) || accept != expected)
            {
                throw new IOException("the server accepted the WebSocket upgrade with a wrong Sec-WebSocket-Accept");
            }
        }

        return new WebSocketUpgrade(code, reason, responseHeaders, string.Empty);
    }

    /// <summary>Reads the next data message (binary or text); null when the server closed the socket or the stream ended.</summary>
    public async Task<byte[]?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var message = new MemoryStream();
        var inMessage = false;
        while (true)
        {
            var header = await ReadExactAsync(2, cancellationToken).ConfigureAwait(false);
            if (header is null)
            {
                return null;
            }

            var fin = (header[0] & 0x80) != 0;
            var opcode = header[0] & 0x0F;
            var masked = (header[1] & 0x80) != 0;
            long length = header[1] & 0x7F;
            if (length == 126)
            {
                var ext = await RequireAsync(2, cancellationToken).ConfigureAwait(false);
                length = (ext[0] << 8) | ext[1];
            }
            else if (length == 127)
            {
                var ext = await RequireAsync(8, cancellationToken).ConfigureAwait(false);
                length = 0;
                for (var i = 0; i < 8; i++)
                {
                    length = (length << 8) | ext[i];
                }
            }

            if (length < 0 || length > 64L * 1024 * 1024)
            {
                throw new IOException("the server sent a WebSocket frame larger than 64 MiB");
            }

            var mask = masked ? await RequireAsync(4, cancellationToken).ConfigureAwait(false) : null;
            var payload = await RequireAsync((int)length, cancellationToken).ConfigureAwait(false);
            if (mask is not null)
            {
                for (var i = 0; i < payload.Length; i++)
                {
                    payload[i] ^= mask[i % 4];
                }
            }

            switch (opcode)
            {
                case 0x8:
                    await CloseAsync(cancellationToken).ConfigureAwait(false);
                    return null;
                case 0x9:
                    await SendFrameAsync(0xA, payload, cancellationToken).ConfigureAwait(false);
                    continue;
                case 0xA:
                    continue;
                case 0x0 when inMessage:
                case 0x1 when !inMessage:
                case 0x2 when !inMessage:
                    inMessage = true;
                    message.Write(payload, 0, payload.Length);
                    if (fin)
                    {
                        return message.ToArray();
                    }

                    continue;
                default:
                    throw new IOException($"the server sent an unexpected WebSocket frame (opcode {opcode})");
            }
        }
    }

    /// <summary>Sends a binary message.</summary>
    public Task SendAsync(byte[] payload, CancellationToken cancellationToken) => SendFrameAsync(0x2, payload, cancellationToken);

    /// <summary>Sends a normal close (once).</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (closeSent)
        {
            return;
        }

        closeSent = true;
        try
        {
            await SendFrameAsync(0x8, new byte[] { 0x03, 0xE8 }, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The server may already have gone; the close is a courtesy.
        }
    }

    public void Dispose() => stream.Dispose();

    private async Task SendFrameAsync(int opcode, byte[] payload, CancellationToken cancellationToken)
    {
        var frame = new MemoryStream(payload.Length + 14);
        frame.WriteByte((byte)(0x80 | opcode));
        if (payload.Length < 126)
        {
            frame.WriteByte((byte)(0x80 | payload.Length));
        }
        else if (payload.Length <= 0xFFFF)
        {
            frame.WriteByte(0x80 | 126);
            frame.WriteByte((byte)(payload.Length >> 8));
            frame.WriteByte((byte)payload.Length);
        }
        else
        {
            frame.WriteByte(0x80 | 127);
            for (var shift = 56; shift >= 0; shift -= 8)
            {
                frame.WriteByte((byte)((long)payload.Length >> shift));
            }
        }

        // Client frames are masked (RFC 6455 5.3).
        var mask = new byte[4];
        using (var rng = RandomNumberGenerator.Create())
        {
            rng.GetBytes(mask);
        }

        frame.Write(mask, 0, 4);
        for (var i = 0; i < payload.Length; i++)
        {
            frame.WriteByte((byte)(payload[i] ^ mask[i % 4]));
        }

        var bytes = frame.ToArray();
        await stream.WriteAsync(bytes, 0, bytes.Length, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> ReadHeadAsync(CancellationToken cancellationToken)
    {
        var head = new List<byte>();
        while (true)
        {
            if (start == end && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new IOException("the server closed the connection before answering the WebSocket upgrade");
            }

            head.Add(buffer[start++]);
            var n = head.Count;
            if (n >= 4 && head[n - 4] == '\r' && head[n - 3] == '\n' && head[n - 2] == '\r' && head[n - 1] == '\n')
            {
                return Encoding.ASCII.GetString(head.ToArray(), 0, n - 4);
            }

            if (n > MaxHeaderBytes)
            {
                throw new IOException("the server's answer to the WebSocket upgrade has too large a header");
            }
        }
    }

    private async Task<string> ReadErrorBodyAsync(IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken)
    {
        var body = new MemoryStream();
        if (headers.TryGetValue("content-length", out var lengthText) && int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            var bytes = await ReadExactAsync(Math.Min(length, MaxErrorBody), cancellationToken).ConfigureAwait(false);
            if (bytes is not null)
            {
                body.Write(bytes, 0, bytes.Length);
            }
        }
        else if (!headers.TryGetValue("transfer-encoding", out _))
        {
            // No length: the body runs to the end of the connection.
            while (body.Length < MaxErrorBody && (start < end || await FillAsync(cancellationToken).ConfigureAwait(false)))
            {
                body.Write(buffer, start, end - start);
                start = end;
            }
        }

        return Encoding.UTF8.GetString(body.ToArray());
    }

    private async Task<byte[]> RequireAsync(int count, CancellationToken cancellationToken) =>
        await ReadExactAsync(count, cancellationToken).ConfigureAwait(false) ?? throw new IOException("the server closed the connection in the middle of a WebSocket frame");

    private async Task<byte[]?> ReadExactAsync(int count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            if (start == end && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return filled == 0 ? null : throw new IOException("the server closed the connection in the middle of a WebSocket frame");
            }

            var take = Math.Min(count - filled, end - start);
            Buffer.BlockCopy(buffer, start, result, filled, take);
            start += take;
            filled += take;
        }

        return result;
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        start = 0;
        end = await stream.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
        return end > 0;
    }
}
