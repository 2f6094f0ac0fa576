using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using Google;
using Google.Apis.Auth.OAuth2.Responses;
using Google.Cloud.Storage.V1;
using Restore.Engine.Common;

namespace Restore.Engine.Storage.Gcs;

/// <summary>
/// An object store in a Google Cloud Storage bucket, through Google.Cloud.Storage.V1 (the JSON API). Keys are
/// relative to the bucket. Google types stay inside: callers see only <see cref="IObjectStore"/> and <see cref="StorageException"/>.
/// Idempotent requests are retried here (transient HTTP statuses and broken connections), with the library's own retries off,
/// so one setting (<see cref="StorageLocationOptions.MaxRetries"/>) bounds them.
/// </summary>
internal sealed class GcsObjectStore : IObjectStore
{
    private static readonly ListObjectsOptions NoRetryList = new();
    private readonly GcsClientFactory factory;
    private readonly string location;
    private readonly string verifyPrefix;
    private readonly int maxRetries;

    private GcsObjectStore(GcsClientFactory factory, string bucket, string verifyPrefix, string location, int maxRetries)
    {
        this.factory = factory;
        Bucket = bucket;
        this.verifyPrefix = verifyPrefix;
        this.location = location;
        this.maxRetries = maxRetries;
        Description = $"gs://{bucket}" + (factory.Endpoint is null ? string.Empty : $" at {factory.EndpointDescription}");
    }

    /// <summary>Objects per list request (the JSON API's maximum is 1000); smaller in tests to exercise paging.</summary>
    internal int PageSize { get; set; } = 1000;

    /// <summary>First wait before a retry; doubled per attempt. Shorter in tests.</summary>
    internal TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The bucket name.</summary>
    public string Bucket { get; }

    /// <inheritdoc />
    public string Description { get; }

    /// <summary>Creates a store for the bucket of a parsed <c>gs://</c> address; nothing is contacted yet.</summary>
    public static GcsObjectStore Create(StorageLocationOptions options, StorageAddress address, IEngineLog log)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        if (address is null || address.Kind != StorageLocationKind.Gcs)
        {
            throw new StorageException(StorageErrorKind.InvalidLocation, options?.Location ?? string.Empty, $"'{options?.Location}' is not a gs:// location.");
        }

        var factory = GcsClientFactory.Create(options, log ?? NullEngineLog.Instance);
        return new GcsObjectStore(factory, address.Bucket!, new ObjectStoreLayout(address.Prefix).Root, options.Location, options.MaxRetries ?? 3);
    }

    /// <inheritdoc />
    public async Task VerifyAccessAsync(CancellationToken cancellationToken)
    {
        // Listing under the location's own prefix: a role may allow that and nothing else.
        await CallAsync(async client =>
        {
            var page = client.ListObjectsAsync(Bucket, verifyPrefix, new ListObjectsOptions { Delimiter = "/", PageSize = 1, RetryOptions = RetryOptions.Never }).AsRawResponses();
            await using var pages = page.GetAsyncEnumerator(cancellationToken);
            await pages.MoveNextAsync().ConfigureAwait(false);
            return true;
        }, null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListCommonPrefixesAsync(string prefix, CancellationToken cancellationToken)
    {
        var result = new List<string>();
        await ListAsync(prefix, "/", page =>
        {
            if (page.Prefixes is { } prefixes)
            {
                result.AddRange(prefixes);
            }
        }, cancellationToken).ConfigureAwait(false);
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken)
    {
        var result = new List<string>();
        await ListAsync(prefix, null, page =>
        {
            if (page.Items is { } items)
            {
                foreach (var item in items)
                {
                    result.Add(item.Name);
                }
            }
        }, cancellationToken).ConfigureAwait(false);
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        CheckKey(key);
        try
        {
            await CallAsync(client => client.GetObjectAsync(Bucket, key, new GetObjectOptions { RetryOptions = RetryOptions.Never }, cancellationToken), key, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ObjectNotFoundException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        CheckKey(key);

        // A plain media GET through the client's authenticated HttpClient: the body streams to the caller as it
        // arrives (the library's DownloadObject copies into a stream it is given instead).
        var response = await CallAsync(async client =>
        {
            var uri = new Uri(client.Service.BaseUri + "b/" + Uri.EscapeDataString(Bucket) + "/o/" + Uri.EscapeDataString(key) + "?alt=media");
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            var answer = await client.Service.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (answer.IsSuccessStatusCode)
            {
                return answer;
            }

            try
            {
                var body = await answer.Content.ReadAsStringAsync().ConfigureAwait(false);
                throw new GoogleApiException("storage", $"{(int)answer.StatusCode} {answer.ReasonPhrase}: {Shorten(body)}") { HttpStatusCode = answer.StatusCode };
            }
            finally
            {
                answer.Dispose();
            }
        }, key, cancellationToken).ConfigureAwait(false);

        Stream body;
        try
        {
            body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }

        var length = response.Content.Headers.ContentLength ?? -1;
        var broken = (Exception ex, long read) => new StorageException(
            StorageErrorKind.Unreachable,
            location,
            $"The connection to {factory.EndpointDescription} broke while reading '{key}' after {read} of {length} bytes: {Innermost(ex).Message}",
            key,
            ex);

        // HttpClient hands over a body that ends early without an error: the length tells.
        return new ObjectBodyStream(body, length, broken, owner: response, failOnShortBody: true);
    }

    /// <inheritdoc />
    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        if (content is null)
        {
            throw new ArgumentNullException(nameof(content));
        }

        CheckKey(key);

        // Records are small; a seekable copy lets a failed upload start again from the beginning.
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy, 81920, cancellationToken).ConfigureAwait(false);
        await UploadAsync(key, copy, null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> TryCreateAsync(string key, byte[] content, CancellationToken cancellationToken)
    {
        if (content is null)
        {
            throw new ArgumentNullException(nameof(content));
        }

        CheckKey(key);

        // Cloud Storage enforces ifGenerationMatch=0 (create only); the existence check covers emulators that ignore it.
        if (await ExistsAsync(key, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            using var stream = new MemoryStream(content, writable: false);
            await UploadAsync(key, stream, 0, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageException ex) when (ex.InnerException is GoogleApiException { HttpStatusCode: HttpStatusCode.PreconditionFailed })
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        CheckKey(key);
        try
        {
            await CallAsync(async client =>
            {
                await client.DeleteObjectAsync(Bucket, key, new DeleteObjectOptions { RetryOptions = RetryOptions.Never }, cancellationToken).ConfigureAwait(false);
                return true;
            }, key, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            // Already gone: deleting a missing key is not an error.
        }
    }

    /// <inheritdoc />
    public void Dispose() => factory.Dispose();

    /// <inheritdoc />
    public override string ToString() => Description;

    private static void CheckKey(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException("An object key is required.", nameof(key));
        }
    }

    private static Exception Innermost(Exception ex)
    {
        var current = ex;
        while (current.InnerException is not null)
        {
            current = current.InnerException;
        }

        return current;
    }

    private static string Shorten(string text)
    {
        text = text.Replace('\n', ' ').Replace('\r', ' ').Trim();
        return text.Length > 300 ? text.Substring(0, 300) + "…" : text;
    }

    private static bool IsTransient(Exception ex) => ex switch
    {
        GoogleApiException api => api.HttpStatusCode is HttpStatusCode.RequestTimeout or (HttpStatusCode)429 or HttpStatusCode.InternalServerError
            or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout,
        TokenResponseException token => (int)(token.StatusCode ?? 0) >= 500,
        HttpRequestException or IOException or SocketException => true,
        _ => false,
    };

    private async Task UploadAsync(string key, MemoryStream content, long? ifGenerationMatch, CancellationToken cancellationToken)
    {
        await CallAsync(async client =>
        {
            content.Position = 0;
            var options = new UploadObjectOptions { IfGenerationMatch = ifGenerationMatch };
            return await client.UploadObjectAsync(Bucket, key, "application/octet-stream", content, options, cancellationToken).ConfigureAwait(false);
        }, key, cancellationToken).ConfigureAwait(false);
    }

    private async Task ListAsync(string prefix, string? delimiter, Action<Google.Apis.Storage.v1.Data.Objects> page, CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var options = new ListObjectsOptions { Delimiter = delimiter, PageSize = PageSize, PageToken = token, RetryOptions = RetryOptions.Never };
            var objects = await CallAsync(async client =>
            {
                await using var pages = client.ListObjectsAsync(Bucket, prefix ?? string.Empty, options).AsRawResponses().GetAsyncEnumerator(cancellationToken);
                return await pages.MoveNextAsync().ConfigureAwait(false) ? pages.Current : null;
            }, null, cancellationToken).ConfigureAwait(false);
            if (objects is null)
            {
                return;
            }

            page(objects);
            token = objects.NextPageToken;
        }
        while (!string.IsNullOrEmpty(token));
    }

    private async Task<T> CallAsync<T>(Func<StorageClient, Task<T>> call, string? key, CancellationToken cancellationToken)
    {
        var client = await factory.GetClientAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call(client).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is GoogleApiException or TokenResponseException or HttpRequestException or IOException or SocketException or OperationCanceledException or AuthenticationException)
            {
                if (attempt < maxRetries && IsTransient(ex))
                {
                    await Task.Delay(TimeSpan.FromTicks(RetryDelay.Ticks << attempt), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                throw Translate(ex, key);
            }
        }
    }

    private StorageException Translate(Exception ex, string? key)
    {
        var what = key is null ? $"the bucket '{Bucket}'" : $"'{key}' in the bucket '{Bucket}'";
        if (ex is TokenResponseException token)
        {
            // The token endpoint refused the credential: a revoked or deleted key, a wrong file, a clock far off.
            return new StorageException(StorageErrorKind.AccessDenied, location, $"Google refused the credentials of {factory.Identity} ({token.Error?.Error}: {token.Error?.ErrorDescription}); no access to {what}.", key, ex);
        }

        if (ex is GoogleApiException api && api.HttpStatusCode != 0)
        {
            var message = api.Error?.Message ?? api.Message;
            switch (api.HttpStatusCode)
            {
                case HttpStatusCode.NotFound when key is not null:
                    return new ObjectNotFoundException(location, key, ex);
                case HttpStatusCode.NotFound:
                    return new StorageException(StorageErrorKind.LocationNotFound, location, $"The bucket '{Bucket}' does not exist at {factory.EndpointDescription}.", key, ex);
                case HttpStatusCode.Unauthorized:
                case HttpStatusCode.Forbidden:
                    return new StorageException(StorageErrorKind.AccessDenied, location, $"Access to {what} at {factory.EndpointDescription} was denied for {factory.Identity}: {(int)api.HttpStatusCode} {message} (reading needs storage.objects.list and storage.objects.get, e.g. the role Storage Object Viewer; writing restore records needs storage.objects.create and storage.objects.delete).", key, ex);
                default:
                    return new StorageException(StorageErrorKind.Other, location, $"Cloud Storage request to {factory.EndpointDescription} failed for {what}: {(int)api.HttpStatusCode} {message}", key, ex);
            }
        }

        var reason = ex is OperationCanceledException ? "the request timed out" : Innermost(ex).Message;
        for (var current = ex; current is not null; current = current.InnerException)
        {
            if (current is AuthenticationException)
            {
                return new StorageException(StorageErrorKind.Unreachable, location, $"The TLS connection to {factory.EndpointDescription} failed: its certificate is not trusted ({reason}). Give -CaBundle with the CA certificate that signed it.", key, ex);
            }
        }

        return new StorageException(StorageErrorKind.Unreachable, location, $"Cannot reach {factory.EndpointDescription} for {what}: {reason}", key, ex);
    }
}
