using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster.Crypto;
using Restore.Engine.Common;
using Restore.Engine.Kubernetes;

namespace Restore.Engine.Cluster;

/// <summary>How a patch body is to be interpreted.</summary>
internal enum PatchKind
{
    /// <summary>JSON merge patch (RFC 7386), <c>application/merge-patch+json</c>.</summary>
    Merge,

    /// <summary>JSON patch (RFC 6902), <c>application/json-patch+json</c>.</summary>
    Json,

    /// <summary>Kubernetes strategic merge patch, <c>application/strategic-merge-patch+json</c> (built-in types only).</summary>
    StrategicMerge,
}

/// <summary>Options for writes.</summary>
internal sealed class KubernetesWriteOptions
{
    /// <summary>True for a server-side dry run (<c>dryRun=All</c>): validated and admitted, not persisted.</summary>
    public bool DryRun { get; set; }

    /// <summary>The field manager name recorded in managedFields; null for the server's default.</summary>
    public string? FieldManager { get; set; }
}

/// <summary>Options for deletes.</summary>
internal sealed class KubernetesDeleteOptions
{
    /// <summary><c>Foreground</c>, <c>Background</c> or <c>Orphan</c>; null for the resource's default.</summary>
    public string? PropagationPolicy { get; set; }

    /// <summary>Grace period in seconds; null for the default.</summary>
    public long? GracePeriodSeconds { get; set; }

    /// <summary>True for a server-side dry run.</summary>
    public bool DryRun { get; set; }
}

/// <summary>
/// A thin client for the Kubernetes REST API, working on any resource by group/version/resource with
/// objects as <see cref="JsonObject"/>. One instance per cluster connection: it owns one HTTP handler with
/// pooled connections and is safe for many concurrent calls. It rate-limits (token bucket), retries 429,
/// 5xx and dropped connections with backoff and jitter (honouring Retry-After), times out each attempt,
/// and turns API Status errors into <see cref="KubernetesApiException"/> subclasses whose messages name the
/// cluster, verb and resource and never contain credentials.
/// </summary>
internal partial class KubernetesClient : IDisposable
{
    private readonly ClusterConnectionSettings settings;
    private readonly KubernetesClientOptions options;
    private readonly IKubeClock clock;
    private readonly IEngineLog log;
    private readonly SecretRedactor redactor = new();
    private readonly TokenBucketRateLimiter rateLimiter;
    private readonly RetryBackoff backoff;
    private readonly RequestAuthenticator authenticator;
    private readonly ServerCertificateValidator certificateValidator;
    private readonly HttpClient http;
    private readonly bool injectedHandler;
    private readonly string baseUrl;
    private readonly string userAgent;
    private readonly X509Certificate2? clientCertificate;
    private int disposed;
    private int retryCount;

    /// <summary>Requests sent again after a transient failure (429, 5xx, a dropped connection, a timeout) since the client was made.</summary>
    public int RetryCount => Volatile.Read(ref retryCount);

    /// <summary>Creates a client for a cluster.</summary>
    /// <param name="settings">Where and how to connect (see <see cref="KubeConfig.Load(string?, string?)"/>).</param>
    /// <param name="options">Tuning; null for defaults.</param>
    /// <exception cref="KubeConfigException">The CA or client certificate/key cannot be used.</exception>
    public KubernetesClient(ClusterConnectionSettings settings, KubernetesClientOptions? options = null)
        : this(settings, options, null, false, false)
    {
    }

    /// <summary>
    /// Creates a client that sends through <paramref name="handler"/> instead of its own (for tests). TLS and
    /// client-certificate settings are then the handler's business; authentication headers, retries and
    /// rate limiting still apply.
    /// </summary>
    /// <param name="settings">Where and how to connect.</param>
    /// <param name="options">Tuning; null for defaults.</param>
    /// <param name="handler">The handler to send through.</param>
    /// <param name="disposeHandler">True to dispose <paramref name="handler"/> with this client.</param>
    public KubernetesClient(ClusterConnectionSettings settings, KubernetesClientOptions? options, HttpMessageHandler handler, bool disposeHandler)
        : this(settings, options, handler ?? throw new ArgumentNullException(nameof(handler)), disposeHandler, true)
    {
    }

    private KubernetesClient(ClusterConnectionSettings settings, KubernetesClientOptions? options, HttpMessageHandler? handler, bool disposeHandler, bool injected)
    {
        this.settings = settings ?? throw new ArgumentNullException(nameof(settings));
        this.options = (options ?? new KubernetesClientOptions()).Validate();
        clock = this.options.Clock;
        log = this.options.Log;
        rateLimiter = new TokenBucketRateLimiter(this.options.Qps, this.options.Burst, clock);
        backoff = new RetryBackoff(this.options.InitialRetryDelay, this.options.MaxRetryDelay, this.options.JitterRandom);
        baseUrl = settings.Server.GetLeftPart(UriPartial.Authority) + settings.Server.AbsolutePath.TrimEnd('/');
        userAgent = this.options.UserAgent ?? DefaultUserAgent();
        redactor.Add(settings.Credentials.Token);
        redactor.Add(settings.Credentials.Password);
        certificateValidator = new ServerCertificateValidator(LoadAuthorities(settings), settings.TlsServerName, settings.InsecureSkipTlsVerify);
        authenticator = new RequestAuthenticator(settings, this.options, redactor);
        injectedHandler = injected;
        if (injected)
        {
            http = CreateHttpClient(handler!, disposeHandler);
        }
        else
        {
            clientCertificate = LoadClientCertificate(settings);
            http = CreateHttpClient(ClusterHttpHandler.Create(settings, this.options, clientCertificate, certificateValidator));
        }

        if (settings.InsecureSkipTlsVerify)
        {
            log.Warning(
                "TLS verification is disabled for this cluster (insecure-skip-tls-verify): the connection can be intercepted.",
                ("cluster", settings.DisplayName));
        }
    }

    /// <summary>The connection settings.</summary>
    public ClusterConnectionSettings Settings => settings;

    /// <summary>The cluster's display name (context name or server), as used in messages.</summary>
    public string DisplayName => settings.DisplayName;

    /// <summary>The current client-side rate limit in requests per second (0 or less: unlimited).</summary>
    public double Qps => rateLimiter.Qps;

    /// <summary>The current token bucket size.</summary>
    public int Burst => rateLimiter.Burst;

    /// <summary>Changes the client-side rate limit; takes effect for the next request.</summary>
    /// <param name="qps">Requests per second; 0 or less for unlimited.</param>
    /// <param name="burst">Bucket size, at least 1.</param>
    public void SetRateLimit(double qps, int burst) => rateLimiter.Update(qps, burst);

    /// <summary>Reads one object.</summary>
    /// <exception cref="KubernetesNotFoundException">It does not exist.</exception>
    public async Task<JsonObject> GetAsync(ApiResourceInfo resource, string? ns, string name, CancellationToken cancellationToken)
    {
        var request = new KubeRequest(HttpMethod.Get, KubernetesPaths.Item(resource, ns, name, null), "get", KubernetesPaths.Describe(resource, ns, name));
        return RequireObject(await SendAsync(request, cancellationToken).ConfigureAwait(false), request);
    }

    /// <summary>Reads one object, or returns null when it does not exist.</summary>
    public async Task<JsonObject?> TryGetAsync(ApiResourceInfo resource, string? ns, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await GetAsync(resource, ns, name, cancellationToken).ConfigureAwait(false);
        }
        catch (KubernetesNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Lists every object (all pages) in a namespace, or in all namespaces when <paramref name="ns"/> is
    /// null. Items get <c>apiVersion</c> and <c>kind</c> filled in, as kubectl shows them.
    /// </summary>
    public async Task<IReadOnlyList<JsonObject>> ListAsync(ApiResourceInfo resource, string? ns, string? labelSelector, CancellationToken cancellationToken)
    {
        var items = new List<JsonObject>();
        var options = new KubernetesListOptions { LabelSelector = labelSelector, Limit = this.options.ListPageSize };
        var restartedUnpaged = false;
        while (true)
        {
            KubernetesListPage page;
            try
            {
                page = await ListPageAsync(resource, ns, options, cancellationToken).ConfigureAwait(false);
            }
            catch (KubernetesApiException ex) when (ex.StatusCode == 410 && options.Continue is not null && !restartedUnpaged)
            {
                // The continue token expired (the list took longer than etcd compaction allows): start over
                // with one unpaged list, as client-go's pager does.
                log.Info("List continue token expired; listing again without paging", ("cluster", DisplayName), ("resource", resource.GroupResource));
                restartedUnpaged = true;
                items.Clear();
                options = new KubernetesListOptions { LabelSelector = labelSelector };
                continue;
            }

            items.AddRange(page.Items);
            if (string.IsNullOrEmpty(page.Continue))
            {
                return items;
            }

            options = new KubernetesListOptions { LabelSelector = labelSelector, Limit = this.options.ListPageSize, Continue = page.Continue };
        }
    }

    /// <summary>Lists one page.</summary>
    public async Task<KubernetesListPage> ListPageAsync(ApiResourceInfo resource, string? ns, KubernetesListOptions options, CancellationToken cancellationToken)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var query = new QueryBuilder()
            .Add("labelSelector", options.LabelSelector)
            .Add("fieldSelector", options.FieldSelector)
            .Add("limit", options.Limit > 0 ? options.Limit.ToString(CultureInfo.InvariantCulture) : null)
            .Add("continue", options.Continue);
        var request = new KubeRequest(HttpMethod.Get, KubernetesPaths.Collection(resource, ns) + query, "list", KubernetesPaths.DescribeCollection(resource, ns));
        var list = RequireObject(await SendAsync(request, cancellationToken).ConfigureAwait(false), request);
        var items = new List<JsonObject>();
        if (list["items"] is JsonArray array)
        {
            foreach (var node in array)
            {
                if (node is JsonObject item)
                {
                    item["apiVersion"] ??= resource.ApiVersion;
                    item["kind"] ??= resource.Kind;
                    items.Add(item);
                }
            }

            array.Clear();
        }

        var metadata = list["metadata"] as JsonObject;
        long? remaining = metadata?["remainingItemCount"] is JsonValue value && value.TryGetValue<long>(out var count) ? count : null;
        return new KubernetesListPage(items, (string?)metadata?["continue"], (string?)metadata?["resourceVersion"], remaining);
    }

    /// <summary>Creates an object.</summary>
    /// <remarks>
    /// A create that is retried after an ambiguous failure (dropped connection, 5xx, timeout) may have
    /// succeeded the first time and then report AlreadyExists; <see cref="KubernetesApiException.Attempts"/>
    /// greater than 1 tells the caller to compare the live object.
    /// </remarks>
    /// <exception cref="KubernetesAlreadyExistsException">An object with that name exists.</exception>
    public Task<JsonObject> CreateAsync(ApiResourceInfo resource, string? ns, JsonObject obj, CancellationToken cancellationToken) =>
        CreateAsync(resource, ns, obj, null, cancellationToken);

    /// <summary>Creates an object with write options (dry run, field manager).</summary>
    public async Task<JsonObject> CreateAsync(ApiResourceInfo resource, string? ns, JsonObject obj, KubernetesWriteOptions? options, CancellationToken cancellationToken)
    {
        if (obj is null)
        {
            throw new ArgumentNullException(nameof(obj));
        }

        var name = (obj["metadata"] as JsonObject)?["name"] as JsonValue;
        var request = new KubeRequest(HttpMethod.Post, KubernetesPaths.Collection(resource, ns, requireNamespace: true) + WriteQuery(options), "create", KubernetesPaths.Describe(resource, ns, name?.ToString() ?? "(generated name)"))
        {
            Body = obj.ToJsonString(),
        };
        return RequireObject(await SendAsync(request, cancellationToken).ConfigureAwait(false), request);
    }

    /// <summary>
    /// Creates an object from its compact UTF-8 JSON, as a restore sends planned objects: no tree is built or written
    /// for the request, and the server's answer is parsed only when <paramref name="returnCreated"/> is true.
    /// </summary>
    /// <param name="resource">The resource to create in.</param>
    /// <param name="ns">The namespace for namespaced resources.</param>
    /// <param name="name">The object's name, for messages.</param>
    /// <param name="objectUtf8">The object as UTF-8 JSON.</param>
    /// <param name="returnCreated">Whether to parse and return the created object.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The created object, or null when <paramref name="returnCreated"/> is false.</returns>
    public async Task<JsonObject?> CreateAsync(ApiResourceInfo resource, string? ns, string name, byte[] objectUtf8, bool returnCreated, CancellationToken cancellationToken)
    {
        if (objectUtf8 is null)
        {
            throw new ArgumentNullException(nameof(objectUtf8));
        }

        var request = new KubeRequest(HttpMethod.Post, KubernetesPaths.Collection(resource, ns, requireNamespace: true), "create", KubernetesPaths.Describe(resource, ns, string.IsNullOrEmpty(name) ? "(generated name)" : name))
        {
            BodyUtf8 = objectUtf8,
            ParseResponse = returnCreated,
        };
        var created = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return returnCreated ? RequireObject(created, request) : null;
    }

    /// <summary>Replaces an object (PUT); the name comes from <c>metadata.name</c>, and <c>metadata.resourceVersion</c> guards against lost updates.</summary>
    /// <exception cref="KubernetesConflictException">The object changed since it was read.</exception>
    public Task<JsonObject> ReplaceAsync(ApiResourceInfo resource, string? ns, JsonObject obj, CancellationToken cancellationToken) =>
        PutAsync(resource, ns, obj, null, "replace", null, cancellationToken);

    /// <summary>Replaces an object with write options.</summary>
    public Task<JsonObject> ReplaceAsync(ApiResourceInfo resource, string? ns, JsonObject obj, KubernetesWriteOptions? options, CancellationToken cancellationToken) =>
        PutAsync(resource, ns, obj, null, "replace", options, cancellationToken);

    /// <summary>Replaces an object's status (PUT to the <c>status</c> subresource).</summary>
    public Task<JsonObject> UpdateStatusAsync(ApiResourceInfo resource, string? ns, JsonObject obj, CancellationToken cancellationToken) =>
        PutAsync(resource, ns, obj, "status", "update status of", null, cancellationToken);

    /// <summary>Replaces an object's status with write options.</summary>
    public Task<JsonObject> UpdateStatusAsync(ApiResourceInfo resource, string? ns, JsonObject obj, KubernetesWriteOptions? options, CancellationToken cancellationToken) =>
        PutAsync(resource, ns, obj, "status", "update status of", options, cancellationToken);

    /// <summary>Patches an object.</summary>
    /// <param name="resource">The resource.</param>
    /// <param name="ns">The namespace; null for cluster-scoped resources.</param>
    /// <param name="name">The object name.</param>
    /// <param name="kind">How to interpret <paramref name="patchBody"/>.</param>
    /// <param name="patchBody">The patch document (JSON).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<JsonObject> PatchAsync(ApiResourceInfo resource, string? ns, string name, PatchKind kind, string patchBody, CancellationToken cancellationToken) =>
        PatchAsync(resource, ns, name, kind, patchBody, null, cancellationToken);

    /// <summary>Patches an object with write options.</summary>
    public async Task<JsonObject> PatchAsync(ApiResourceInfo resource, string? ns, string name, PatchKind kind, string patchBody, KubernetesWriteOptions? options, CancellationToken cancellationToken)
    {
        if (patchBody is null)
        {
            throw new ArgumentNullException(nameof(patchBody));
        }

        var contentType = kind switch
        {
            PatchKind.Merge => "application/merge-patch+json",
            PatchKind.Json => "application/json-patch+json",
            PatchKind.StrategicMerge => "application/strategic-merge-patch+json",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown patch kind."),
        };
        var request = new KubeRequest(new HttpMethod("PATCH"), KubernetesPaths.Item(resource, ns, name, null) + WriteQuery(options), "patch", KubernetesPaths.Describe(resource, ns, name))
        {
            Body = patchBody,
            ContentType = contentType,
        };
        return RequireObject(await SendAsync(request, cancellationToken).ConfigureAwait(false), request);
    }

    /// <summary>Deletes an object. Returns what the server returned: the object (when finalizers delay deletion) or a Status.</summary>
    /// <exception cref="KubernetesNotFoundException">It does not exist.</exception>
    public Task<JsonObject?> DeleteAsync(ApiResourceInfo resource, string? ns, string name, CancellationToken cancellationToken) =>
        DeleteAsync(resource, ns, name, null, cancellationToken);

    /// <summary>Deletes an object with delete options.</summary>
    public async Task<JsonObject?> DeleteAsync(ApiResourceInfo resource, string? ns, string name, KubernetesDeleteOptions? options, CancellationToken cancellationToken)
    {
        string? body = null;
        if (options is not null && (options.PropagationPolicy is not null || options.GracePeriodSeconds is not null || options.DryRun))
        {
            var deleteOptions = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "DeleteOptions" };
            if (options.PropagationPolicy is not null)
            {
                deleteOptions["propagationPolicy"] = options.PropagationPolicy;
            }

            if (options.GracePeriodSeconds is not null)
            {
                deleteOptions["gracePeriodSeconds"] = options.GracePeriodSeconds.Value;
            }

            if (options.DryRun)
            {
                deleteOptions["dryRun"] = new JsonArray("All");
            }

            body = deleteOptions.ToJsonString();
        }

        var request = new KubeRequest(HttpMethod.Delete, KubernetesPaths.Item(resource, ns, name, null), "delete", KubernetesPaths.Describe(resource, ns, name)) { Body = body };
        return await SendAsync(request, cancellationToken).ConfigureAwait(false) as JsonObject;
    }

    /// <summary>Disposes the HTTP handler(s) and certificates.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        http.Dispose();
        lock (execClientGate)
        {
            execHttp?.Dispose();
            foreach (var item in retired)
            {
                item.Dispose();
            }

            retired.Clear();
        }

        clientCertificate?.Dispose();
        authenticator.Dispose();
    }

    private static HttpClient CreateHttpClient(HttpMessageHandler handler, bool disposeHandler = true) =>

        // Per-attempt timeouts come from our own token; HttpClient's would also cut retries short.
        new(handler, disposeHandler) { Timeout = Timeout.InfiniteTimeSpan };

    private static string WriteQuery(KubernetesWriteOptions? options) =>
        options is null ? string.Empty : new QueryBuilder().Add("dryRun", options.DryRun ? "All" : null).Add("fieldManager", options.FieldManager).ToString();

    private static IReadOnlyList<X509Certificate2>? LoadAuthorities(ClusterConnectionSettings settings)
    {
        if (settings.CertificateAuthorityData is null)
        {
            return null;
        }

        try
        {
            return CertificateLoader.LoadCertificates(settings.CertificateAuthorityData, settings.CertificateAuthorityFile ?? "certificate-authority-data of " + settings.DisplayName);
        }
        catch (FormatException ex)
        {
            throw new KubeConfigException(ex.Message, ex);
        }
    }

    private static X509Certificate2? LoadClientCertificate(ClusterConnectionSettings settings)
    {
        var credentials = settings.Credentials;
        if (!credentials.HasClientCertificate)
        {
            return null;
        }

        try
        {
            return CertificateLoader.CreateClientCertificate(
                credentials.ClientCertificateData!,
                credentials.ClientCertificateFile ?? "client-certificate-data of user " + settings.UserEntryName,
                credentials.ClientKeyData!,
                credentials.ClientKeyFile ?? "client-key-data of user " + settings.UserEntryName);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException or PlatformNotSupportedException)
        {
            throw new KubeConfigException($"The client certificate for {settings.DisplayName} cannot be used: {ex.Message}", ex);
        }
    }

    private static string DefaultUserAgent()
    {
        var version = typeof(KubernetesClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+');
        if (plus > 0)
        {
            version = version.Substring(0, plus);
        }

        var os = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "windows" : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "darwin" : "linux";
        return "Restore/" + version + " (" + os + "/" + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant() + ")";
    }

    private static JsonObject RequireObject(JsonNode? node, KubeRequest request) =>
        node as JsonObject ?? throw new KubernetesApiException(new KubernetesApiErrorInfo
        {
            Reason = "InvalidResponse",
            ApiMessage = "the API server returned no object",
            Verb = request.Verb,
            Target = request.Target,
        });

    private async Task<JsonObject> PutAsync(ApiResourceInfo resource, string? ns, JsonObject obj, string? subresource, string verb, KubernetesWriteOptions? options, CancellationToken cancellationToken)
    {
        if (obj is null)
        {
            throw new ArgumentNullException(nameof(obj));
        }

        var name = (string?)(obj["metadata"] as JsonObject)?["name"];
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException($"The object to {verb.Replace(" of", string.Empty)} has no metadata.name.", nameof(obj));
        }

        var request = new KubeRequest(HttpMethod.Put, KubernetesPaths.Item(resource, ns, name!, subresource) + WriteQuery(options), verb, KubernetesPaths.Describe(resource, ns, name!))
        {
            Body = obj.ToJsonString(),
        };
        return RequireObject(await SendAsync(request, cancellationToken).ConfigureAwait(false), request);
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref disposed) != 0)
        {
            throw new ObjectDisposedException(nameof(KubernetesClient));
        }
    }
}

/// <summary>Builds a URL query string.</summary>
internal sealed class QueryBuilder
{
    private readonly StringBuilder text = new();

    public QueryBuilder Add(string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            text.Append(text.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        return this;
    }

    public override string ToString() => text.ToString();
}
