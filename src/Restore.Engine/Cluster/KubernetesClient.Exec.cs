using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace Restore.Engine.Cluster;

/// <summary>The end of a command run through <c>pods/exec</c>.</summary>
internal sealed class PodExecResult
{
    public PodExecResult(int exitCode, string stdout, string stderr, string? failure, bool truncated)
    {
        ExitCode = exitCode;
        Stdout = stdout;
        Stderr = stderr;
        Failure = failure;
        Truncated = truncated;
    }

    /// <summary>The command's exit code (0 on success); -1 when the command did not run to an exit code.</summary>
    public int ExitCode { get; }

    /// <summary>What the command wrote to stdout (the first <see cref="KubernetesClient.MaxExecOutput"/> bytes).</summary>
    public string Stdout { get; }

    /// <summary>What the command wrote to stderr (capped likewise).</summary>
    public string Stderr { get; }

    /// <summary>The server's message when the exec failed; null on success.</summary>
    public string? Failure { get; }

    /// <summary>True when output beyond the cap was dropped.</summary>
    public bool Truncated { get; }

    /// <summary>True for exit code 0 and no failure.</summary>
    public bool Succeeded => Failure is null && ExitCode == 0;
}

/// <summary>
/// <c>pods/exec</c> over WebSocket (<c>v5.channel.k8s.io</c>, then <c>v4.channel.k8s.io</c>), as kubectl 1.30+
/// speaks it. The connection is our own (TCP, an HTTP proxy's CONNECT, TLS with the same certificate checks and
/// client certificates as every other request), because neither <c>ClientWebSocket</c> on .NET Framework nor
/// netstandard2.0's API lets us apply our certificate validation to one socket.
/// </summary>
internal partial class KubernetesClient
{
    /// <summary>The most output kept per stream of one exec.</summary>
    public const int MaxExecOutput = 64 * 1024;

    private const byte StdoutChannel = 1;
    private const byte StderrChannel = 2;
    private const byte ErrorChannel = 3;
    private static readonly string[] ExecProtocols = { "v5.channel.k8s.io", "v4.channel.k8s.io" };
    private static readonly bool IsNetFrameworkRuntime = RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Runs a command in a pod's container and waits for it to end (no stdin, no TTY). A non-zero exit is a result,
    /// not an exception; the API refusing the exec (pod or container missing, Forbidden) throws
    /// <see cref="KubernetesApiException"/>; an unreachable server throws <see cref="KubernetesConnectionException"/>.
    /// Cancel <paramref name="cancellationToken"/> to stop waiting (the command may go on running in the container,
    /// as it does when kubectl is interrupted).
    /// </summary>
    public async Task<PodExecResult> ExecAsync(string ns, string pod, string container, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        if (command is null || command.Count == 0)
        {
            throw new ArgumentException("The command is empty.", nameof(command));
        }

        var query = new StringBuilder();
        foreach (var word in command)
        {
            query.Append(query.Length == 0 ? '?' : '&').Append("command=").Append(Uri.EscapeDataString(word));
        }

        query.Append("&container=").Append(Uri.EscapeDataString(container)).Append("&stdout=true&stderr=true");
        var path = "/api/v1/namespaces/" + Uri.EscapeDataString(ns) + "/pods/" + Uri.EscapeDataString(pod) + "/exec" + query;
        var request = new KubeRequest(HttpMethod.Get, path, "exec", $"pods/exec \"{pod}\" in namespace \"{ns}\"");

        RequestCredentials? rejected = null;
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await rateLimiter.WaitAsync(cancellationToken).ConfigureAwait(false);
            var credentials = await GetCredentialsAsync(request, rejected, attempt, cancellationToken).ConfigureAwait(false);
            ChannelWebSocket socket;
            try
            {
                socket = await ConnectWebSocketAsync(credentials, request, attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            using (socket)
            {
                WebSocketUpgrade upgrade;
                try
                {
                    upgrade = await socket.UpgradeAsync(BaseUrlPath + request.PathAndQuery, HostHeader, ExecProtocols, ExecHeaders(credentials), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or ObjectDisposedException && !cancellationToken.IsCancellationRequested)
                {
                    throw new KubernetesConnectionException(Info(request, 0, "ConnectionFailed", $"the connection to {ServerText} failed: {redactor.DescribeException(ex)}", attempt));
                }

                if (upgrade.StatusCode != 101)
                {
                    using var response = new HttpResponseMessage((HttpStatusCode)upgrade.StatusCode) { ReasonPhrase = upgrade.ReasonPhrase };
                    var info = ParseError(upgrade.StatusCode, response, upgrade.Body, request);
                    if (upgrade.StatusCode == 401 && authenticator.CanRefresh && rejected is null)
                    {
                        rejected = credentials;
                        continue;
                    }

                    throw Failed(new AttemptFailure(info, false, null), attempt);
                }

                if (upgrade.Protocol is not ("v5.channel.k8s.io" or "v4.channel.k8s.io"))
                {
                    throw new KubernetesApiException(Info(request, 101, "UnsupportedProtocol", $"the API server chose the exec protocol '{upgrade.Protocol ?? "(none)"}'; only v5.channel.k8s.io and v4.channel.k8s.io are supported", attempt));
                }

                return await ReadExecStreamsAsync(socket, request, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads the channels until the server closes; the status channel carries the exit code.</summary>
    private async Task<PodExecResult> ReadExecStreamsAsync(ChannelWebSocket socket, KubeRequest request, CancellationToken cancellationToken)
    {
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var status = new MemoryStream();
        var truncated = false;

        // .NET Framework socket reads ignore the token; closing the stream ends them.
        using (cancellationToken.Register(socket.Dispose))
        {
            try
            {
                while (await socket.ReceiveAsync(cancellationToken).ConfigureAwait(false) is { } message)
                {
                    if (message.Length == 0)
                    {
                        continue;
                    }

                    var target = message[0] switch
                    {
                        StdoutChannel => stdout,
                        StderrChannel => stderr,
                        ErrorChannel => status,
                        _ => null,
                    };
                    if (target is null)
                    {
                        continue;
                    }

                    var room = (target == status ? MaxExecOutput : MaxExecOutput - (int)target.Length);
                    var take = Math.Min(room, message.Length - 1);
                    truncated |= take < message.Length - 1;
                    if (take > 0)
                    {
                        target.Write(message, 1, take);
                    }
                }
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is IOException or ObjectDisposedException or SocketException)
            {
                throw new OperationCanceledException("The exec was cancelled.", ex, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                throw new KubernetesConnectionException(Info(request, 0, "ConnectionFailed", $"the exec stream from {ServerText} broke: {redactor.DescribeException(ex)}"));
            }

            await socket.CloseAsync(cancellationToken).ConfigureAwait(false);
        }

        var (exitCode, failure) = ParseExecStatus(Encoding.UTF8.GetString(status.ToArray()));
        return new PodExecResult(exitCode, redactor.Redact(Encoding.UTF8.GetString(stdout.ToArray())) ?? string.Empty, redactor.Redact(Encoding.UTF8.GetString(stderr.ToArray())) ?? string.Empty, failure is null ? null : redactor.Redact(failure), truncated);
    }

    /// <summary>
    /// The status channel's metav1.Status: <c>Success</c>, or <c>Failure</c> with reason <c>NonZeroExitCode</c> and the
    /// code in <c>details.causes[reason=ExitCode].message</c> (client-go's v4 error decoder). No status at all is
    /// success, as client-go reads it.
    /// </summary>
    internal static (int ExitCode, string? Failure) ParseExecStatus(string text)
    {
        if (text.Trim().Length == 0)
        {
            return (0, null);
        }

        JsonObject? status;
        try
        {
            status = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            status = null;
        }

        if (status is null)
        {
            return (-1, "the exec status is not a Status object: " + text);
        }

        if ((string?)status["status"] == "Success")
        {
            return (0, null);
        }

        var message = (string?)status["message"] ?? "the command failed";
        if ((string?)status["reason"] == "NonZeroExitCode")
        {
            foreach (var cause in (status["details"]?["causes"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
            {
                if ((string?)cause["reason"] == "ExitCode" && int.TryParse((string?)cause["message"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var code))
                {
                    return (code, null);
                }
            }
        }

        return (-1, message);
    }

    private string HostHeader => settings.Server.IsDefaultPort ? settings.Server.Host : settings.Server.Host + ":" + settings.Server.Port.ToString(CultureInfo.InvariantCulture);

    private string BaseUrlPath => settings.Server.AbsolutePath.TrimEnd('/');

    private IEnumerable<KeyValuePair<string, string>> ExecHeaders(RequestCredentials credentials)
    {
        yield return new("User-Agent", userAgent);
        if (credentials.Authorization is not null)
        {
            yield return new("Authorization", credentials.Authorization);
        }

        if (settings.Credentials.ImpersonateUser is { } user)
        {
            yield return new("Impersonate-User", user);
            foreach (var group in settings.Credentials.ImpersonateGroups)
            {
                yield return new("Impersonate-Group", group);
            }
        }
    }

    /// <summary>TCP (through the kubeconfig's HTTP proxy when set), then TLS with our validator and client certificate.</summary>
    private async Task<ChannelWebSocket> ConnectWebSocketAsync(RequestCredentials credentials, KubeRequest request, int attempt, CancellationToken cancellationToken)
    {
        var server = settings.Server;
        var tcp = new TcpClient();
        Stream? stream = null;
        try
        {
            using (cancellationToken.Register(tcp.Dispose))
            using (var timeout = new CancellationTokenSource(options.RequestTimeout))
            using (timeout.Token.Register(tcp.Dispose))
            {
                try
                {
                    var proxy = settings.ProxyUrl;
                    if (proxy is not null && !proxy.Scheme.StartsWith("http", StringComparison.OrdinalIgnoreCase))
                    {
                        throw new KubernetesConnectionException(Info(request, 0, "ConnectionFailed", $"exec through the {proxy.Scheme} proxy of {settings.DisplayName} is not supported; use an HTTP proxy", attempt));
                    }

                    var (host, port) = proxy is null ? (server.DnsSafeHost, server.Port) : (proxy.DnsSafeHost, proxy.Port);
                    await tcp.ConnectAsync(host, port).ConfigureAwait(false);
                    tcp.NoDelay = true;
                    stream = tcp.GetStream();
                    if (proxy is not null)
                    {
                        await ProxyConnectAsync(stream, proxy, cancellationToken).ConfigureAwait(false);
                    }

                    if (server.Scheme == Uri.UriSchemeHttps)
                    {
                        var ssl = new SslStream(stream, false, (_, certificate, chain, errors) => ValidateExecCertificate(certificate, chain, errors));
                        stream = ssl;
                        var certificates = new X509CertificateCollection();
                        var execCertificate = ExecClientCertificate(credentials, request, attempt);
                        var presented = execCertificate ?? clientCertificate;
                        if (presented is not null)
                        {
                            certificates.Add(presented);
                        }

#pragma warning disable CA5398 // Tls12 on .NET Framework only, where the default may still be TLS 1.0.
                        var protocols = IsNetFrameworkRuntime ? SslProtocols.Tls12 : SslProtocols.None;
#pragma warning restore CA5398
                        await ssl.AuthenticateAsClientAsync(server.DnsSafeHost, certificates, protocols, false).ConfigureAwait(false);
                    }

                    return new ChannelWebSocket(stream);
                }
                catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or AuthenticationException or InvalidOperationException)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (ex is AuthenticationException || ClusterHttpHandler.IsTlsFailure(ex))
                    {
                        var why = certificateValidator.LastFailure ?? redactor.DescribeException(ex);
                        throw new KubernetesConnectionException(Info(request, 0, "TlsFailed", $"the TLS connection to {ServerText} failed: {why}", attempt), ex);
                    }

                    var reason = timeout.IsCancellationRequested ? "Timeout" : "ConnectionFailed";
                    var text = timeout.IsCancellationRequested ? $"no connection to the API server within {options.RequestTimeout.TotalSeconds:0.#} seconds" : $"the connection to {ServerText} failed: {redactor.DescribeException(ex)}";
                    throw new KubernetesConnectionException(Info(request, 0, reason, text, attempt));
                }
            }
        }
        catch
        {
            stream?.Dispose();
            tcp.Dispose();
            throw;
        }
    }

    private bool ValidateExecCertificate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, settings.Server);
        var certificate2 = certificate as X509Certificate2 ?? (certificate is null ? null : new X509Certificate2(certificate));
        return certificateValidator.Validate(request, certificate2, chain, errors);
    }

    /// <summary>The exec plugin's client certificate, when it gives one (kept with the client's retired objects).</summary>
    private X509Certificate2? ExecClientCertificate(RequestCredentials credentials, KubeRequest request, int attempt)
    {
        if (credentials.ClientCertificateKey is null)
        {
            return null;
        }

        try
        {
            var certificate = RequestAuthenticator.BuildExecClientCertificate(credentials.ExecCredential!);
            lock (execClientGate)
            {
                retired.Add(certificate);
            }

            return certificate;
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException or PlatformNotSupportedException)
        {
            throw new KubernetesConnectionException(Info(request, 0, "CredentialsFailed", redactor.Redact(ex.Message), attempt));
        }
    }

    private async Task ProxyConnectAsync(Stream stream, Uri proxy, CancellationToken cancellationToken)
    {
        var target = settings.Server.Host + ":" + settings.Server.Port.ToString(CultureInfo.InvariantCulture);
        var text = new StringBuilder().Append("CONNECT ").Append(target).Append(" HTTP/1.1\r\nHost: ").Append(target).Append("\r\n");
        if (!string.IsNullOrEmpty(proxy.UserInfo))
        {
            var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(proxy.UserInfo)));
            redactor.Add(basic);
            text.Append("Proxy-Authorization: Basic ").Append(basic).Append("\r\n");
        }

        var bytes = Encoding.ASCII.GetBytes(text.Append("\r\n").ToString());
        await stream.WriteAsync(bytes, 0, bytes.Length, cancellationToken).ConfigureAwait(false);

        // Read the proxy's answer byte by byte: nothing after its blank line may be consumed (TLS starts there).
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 16 * 1024)
        {
            if (await stream.ReadAsync(one, 0, 1, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new IOException("the proxy closed the connection");
            }

            head.Add(one[0]);
            var n = head.Count;
            if (n >= 4 && head[n - 4] == '\r' && head[n - 3] == '\n' && head[n - 2] == '\r' && head[n - 1] == '\n')
            {
                var status = Encoding.ASCII.GetString(head.ToArray()).Split('\r')[0];
                var parts = status.Split(' ');
                if (parts.Length < 2 || parts[1] != "200")
                {
                    throw new IOException("the proxy refused the connection: " + status);
                }

                return;
            }
        }

        throw new IOException("the proxy's answer is too long");
    }
}
