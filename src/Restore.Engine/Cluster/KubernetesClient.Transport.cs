using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;

namespace Restore.Engine.Cluster;

/// <summary>One API request, described so it can be sent again on retry.</summary>
internal sealed class KubeRequest
{
    public KubeRequest(HttpMethod method, string pathAndQuery, string verb, string target)
    {
        Method = method;
        PathAndQuery = pathAndQuery;
        Verb = verb;
        Target = target;
    }

    public HttpMethod Method { get; }

    /// <summary>Path below the server URL (starting with '/'), with its query string.</summary>
    public string PathAndQuery { get; }

    /// <summary>The operation, for messages (<c>create</c>, <c>list</c>…).</summary>
    public string Verb { get; }

    /// <summary>What is operated on, for messages.</summary>
    public string Target { get; }

    public string? Body { get; init; }

    /// <summary>A body already encoded as UTF-8 JSON; used instead of <see cref="Body"/> when set.</summary>
    public byte[]? BodyUtf8 { get; init; }

    /// <summary>False when the caller has no use for a successful response's body: it is read to the end but not parsed.</summary>
    public bool ParseResponse { get; init; } = true;

    public string ContentType { get; init; } = "application/json";

    public string Accept { get; init; } = "application/json";
}

/// <summary>Sending with rate limiting, authentication, retries and typed errors.</summary>
internal partial class KubernetesClient
{
    private const int MaxErrorBodyChars = 64 * 1024;

    private readonly object execClientGate = new();
    private readonly List<IDisposable> retired = new();
    private string? execCertificateKey;
    private HttpClient? execHttp;

    /// <summary>Sends a request and returns the parsed JSON body (null when empty). Throws <see cref="KubernetesApiException"/> subclasses.</summary>
    internal async Task<JsonNode?> SendAsync(KubeRequest request, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var started = clock.Elapsed;
        RequestCredentials? rejected = null;
        var credentialRefreshed = false;
        var attempts = 0;
        var retries = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await rateLimiter.WaitAsync(cancellationToken).ConfigureAwait(false);
            attempts++;
            var credentials = await GetCredentialsAsync(request, rejected, attempts, cancellationToken).ConfigureAwait(false);
            rejected = null;
            var http = GetHttpClient(credentials, request, attempts);
            AttemptFailure failure;
            using (var message = BuildMessage(request, credentials))
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(options.RequestTimeout);
                try
                {
                    using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                    var code = (int)response.StatusCode;
                    if (code >= 200 && code < 300)
                    {
                        return await ReadJsonAsync(response, request, timeout.Token).ConfigureAwait(false);
                    }

                    var text = await ReadTextAsync(response, timeout.Token).ConfigureAwait(false);
                    var info = ParseError(code, response, text, request);
                    if (code == 401 && authenticator.CanRefresh && !credentialRefreshed)
                    {
                        // The token may have expired or rotated: get a new one and try once more, at once.
                        credentialRefreshed = true;
                        rejected = credentials;
                        log.Debug("Credentials rejected; refreshing them", ("cluster", settings.DisplayName), ("verb", request.Verb));
                        continue;
                    }

                    failure = new AttemptFailure(info, IsRetriableStatus(code), null);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex) when (cancellationToken.IsCancellationRequested && (ex is IOException or ObjectDisposedException or HttpRequestException))
                {
                    // A body read aborted by the caller's cancellation surfaces as an I/O error on some runtimes.
                    throw new OperationCanceledException("The Kubernetes API call was cancelled.", ex, cancellationToken);
                }
                catch (Exception ex) when (timeout.IsCancellationRequested && (ex is OperationCanceledException or IOException or ObjectDisposedException or HttpRequestException))
                {
                    failure = new AttemptFailure(
                        Info(request, 0, "Timeout", $"no response from the API server within {options.RequestTimeout.TotalSeconds:0.#} seconds"),
                        true,
                        null);
                }
                catch (HttpRequestException ex) when (ClusterHttpHandler.IsTlsFailure(ex))
                {
                    var why = certificateValidator.LastFailure ?? redactor.DescribeException(ex);
                    failure = new AttemptFailure(Info(request, 0, "TlsFailed", $"the TLS connection to {ServerText} failed: {why}"), false, ex);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    failure = new AttemptFailure(
                        Info(request, 0, "ConnectionFailed", $"the connection to {ServerText} failed: {redactor.DescribeException(ex)}"),
                        true,
                        null);
                }
            }

            var retryAfter = failure.Info.RetryAfter;
            var delay = failure.Retriable && retries < options.MaxRetries ? backoff.Next(retries + 1, retryAfter) : (TimeSpan?)null;
            if (delay is null || clock.Elapsed - started + delay.Value > options.MaxRetryDuration)
            {
                throw Failed(failure, attempts);
            }

            retries++;
            Interlocked.Increment(ref retryCount);
            log.Debug(
                "Retrying Kubernetes API call",
                ("cluster", settings.DisplayName),
                ("verb", request.Verb),
                ("resource", request.Target),
                ("reason", failure.Info.Reason ?? string.Empty),
                ("attempt", attempts.ToString(CultureInfo.InvariantCulture)),
                ("delay", delay.Value.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms"));
            await clock.Delay(delay.Value, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsRetriableStatus(int code) => code == 429 || code == 500 || code == 502 || code == 503 || code == 504;

    private static KubernetesApiException Failed(AttemptFailure failure, int attempts)
    {
        var info = failure.Info;
        var withAttempts = new KubernetesApiErrorInfo
        {
            StatusCode = info.StatusCode,
            Reason = info.Reason,
            ApiMessage = info.ApiMessage,
            Causes = info.Causes,
            Cluster = info.Cluster,
            Verb = info.Verb,
            Target = info.Target,
            Attempts = attempts,
            RetryAfter = info.RetryAfter,
        };
        return info.StatusCode == 0 ? new KubernetesConnectionException(withAttempts, failure.Inner) : KubernetesApiException.Create(withAttempts, failure.Inner);
    }

    private static string ReasonForCode(int code) => code switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        409 => "Conflict",
        410 => "Gone",
        413 => "RequestEntityTooLarge",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => string.Empty,
    };

    private string ServerText => ClusterConnectionSettings.RedactUserInfo(settings.Server);

    private async Task<RequestCredentials> GetCredentialsAsync(KubeRequest request, RequestCredentials? rejected, int attempts, CancellationToken cancellationToken)
    {
        try
        {
            return await authenticator.GetAsync(rejected, cancellationToken).ConfigureAwait(false);
        }
        catch (CredentialException ex)
        {
            throw new KubernetesConnectionException(Info(request, 0, "CredentialsFailed", redactor.Redact(ex.Message), attempts));
        }
    }

    private HttpClient GetHttpClient(RequestCredentials credentials, KubeRequest request, int attempts)
    {
        if (credentials.ClientCertificateKey is null || injectedHandler)
        {
            return http;
        }

        lock (execClientGate)
        {
            if (execHttp is not null && execCertificateKey == credentials.ClientCertificateKey)
            {
                return execHttp;
            }

            X509Certificate2 certificate;
            try
            {
                certificate = RequestAuthenticator.BuildExecClientCertificate(credentials.ExecCredential!);
            }
            catch (Exception ex) when (ex is FormatException or CryptographicException or PlatformNotSupportedException)
            {
                throw new KubernetesConnectionException(Info(request, 0, "CredentialsFailed", redactor.Redact(ex.Message), attempts));
            }

            // In-flight requests may still use the previous client, so it is disposed with this client.
            if (execHttp is not null)
            {
                retired.Add(execHttp);
            }

            retired.Add(certificate);
            execHttp = CreateHttpClient(ClusterHttpHandler.Create(settings, options, certificate, certificateValidator));
            execCertificateKey = credentials.ClientCertificateKey;
            return execHttp;
        }
    }

    private HttpRequestMessage BuildMessage(KubeRequest request, RequestCredentials credentials)
    {
        var message = new HttpRequestMessage(request.Method, baseUrl + request.PathAndQuery);
        message.Headers.TryAddWithoutValidation("Accept", request.Accept);
        message.Headers.TryAddWithoutValidation("User-Agent", userAgent);

        // .NET Framework sends "Expect: 100-continue" by default, adding a round trip to every write.
        message.Headers.ExpectContinue = false;
        if (credentials.Authorization is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization", credentials.Authorization);
        }

        var impersonateUser = settings.Credentials.ImpersonateUser;
        if (impersonateUser is not null)
        {
            message.Headers.TryAddWithoutValidation("Impersonate-User", impersonateUser);
            foreach (var group in settings.Credentials.ImpersonateGroups)
            {
                message.Headers.TryAddWithoutValidation("Impersonate-Group", group);
            }
        }

        if (request.BodyUtf8 is not null)
        {
            message.Content = new ByteArrayContent(request.BodyUtf8);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue(request.ContentType) { CharSet = "utf-8" };
        }
        else if (request.Body is not null)
        {
            message.Content = new StringContent(request.Body, Encoding.UTF8);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue(request.ContentType);
        }

        return message;
    }

    private async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response, KubeRequest request, CancellationToken cancellationToken)
    {
        // .NET Framework stream reads ignore the token; disposing the response aborts them.
        using var abort = cancellationToken.Register(response.Dispose);
        using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        try
        {
            if (!request.ParseResponse)
            {
                // Read to the end so the connection can be reused, but keep nothing.
                await stream.CopyToAsync(Stream.Null, 81920, cancellationToken).ConfigureAwait(false);
                return null;
            }

            var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, 81920, cancellationToken).ConfigureAwait(false);
            if (buffer.Length == 0)
            {
                return null;
            }

            buffer.Position = 0;
            return JsonNode.Parse(buffer);
        }
        catch (JsonException ex)
        {
            throw new KubernetesApiException(Info(request, (int)response.StatusCode, "InvalidResponse", $"the API server's response is not valid JSON: {ex.Message}"), ex);
        }
    }

    private static async Task<string> ReadTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var abort = cancellationToken.Register(response.Dispose);
        using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var buffer = new char[MaxErrorBodyChars];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await reader.ReadAsync(buffer, total, buffer.Length - total).ConfigureAwait(false)) > 0)
        {
            total += read;
        }

        return new string(buffer, 0, total);
    }

    private KubernetesApiErrorInfo ParseError(int code, HttpResponseMessage response, string body, KubeRequest request)
    {
        string? reason = null;
        string? message = null;
        var causes = new List<KubernetesStatusCause>();
        TimeSpan? retryAfter = null;
        try
        {
            if (body.TrimStart().StartsWith("{", StringComparison.Ordinal) && JsonNode.Parse(body) is JsonObject status && (string?)status["kind"] == "Status")
            {
                reason = (string?)status["reason"];
                message = (string?)status["message"];
                if (status["details"] is JsonObject details)
                {
                    if (details["causes"] is JsonArray list)
                    {
                        causes.AddRange(list.OfType<JsonObject>().Select(c => new KubernetesStatusCause(
                            redactor.Redact((string?)c["reason"]),
                            redactor.Redact((string?)c["message"]),
                            (string?)c["field"])));
                    }

                    if (details["retryAfterSeconds"] is JsonValue seconds && seconds.TryGetValue<int>(out var s) && s > 0)
                    {
                        retryAfter = TimeSpan.FromSeconds(s);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // Not a Status: described below from the code and a snippet.
        }

        var header = response.Headers.RetryAfter;
        if (header?.Delta is TimeSpan delta)
        {
            retryAfter = delta;
        }
        else if (header?.Date is DateTimeOffset date)
        {
            var wait = date - clock.UtcNow;
            retryAfter = wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        if (string.IsNullOrEmpty(message))
        {
            var snippet = redactor.RedactSnippet(body, 300);
            message = $"the server responded {code} {response.ReasonPhrase}" + (snippet.Length > 0 ? ": " + snippet : string.Empty);
        }
        else
        {
            message = redactor.Redact(message);
        }

        if (code == 401)
        {
            message += $" (authentication: {settings.Credentials})";
        }

        return new KubernetesApiErrorInfo
        {
            StatusCode = code,
            Reason = string.IsNullOrEmpty(reason) ? ReasonForCode(code) : reason,
            ApiMessage = message,
            Causes = causes,
            Cluster = settings.DisplayName,
            Verb = request.Verb,
            Target = request.Target,
            RetryAfter = retryAfter,
        };
    }

    private KubernetesApiErrorInfo Info(KubeRequest request, int code, string reason, string message, int attempts = 1) => new()
    {
        StatusCode = code,
        Reason = reason,
        ApiMessage = message,
        Cluster = settings.DisplayName,
        Verb = request.Verb,
        Target = request.Target,
        Attempts = attempts,
    };

    private sealed class AttemptFailure
    {
        public AttemptFailure(KubernetesApiErrorInfo info, bool retriable, Exception? inner)
        {
            Info = info;
            Retriable = retriable;
            Inner = inner;
        }

        public KubernetesApiErrorInfo Info { get; }

        public bool Retriable { get; }

        public Exception? Inner { get; }
    }
}
