using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Restore.Engine.Common;

namespace Restore.Engine.Storage;

/// <summary>
/// An object store in an S3 bucket (AWS or an S3-compatible store). Keys are relative to the bucket.
/// AWSSDK types stay inside: callers see only <see cref="IObjectStore"/> and <see cref="StorageException"/>.
/// </summary>
internal sealed class S3ObjectStore : IObjectStore
{
    private readonly AmazonS3Client client;
    private readonly string location;
    private readonly string verifyPrefix;
    private readonly bool customEndpoint;
    private readonly Func<string> describeIdentity;

    private S3ObjectStore(S3ClientFactory.Result created, string bucket, string verifyPrefix, string location)
    {
        client = created.Client;
        Bucket = bucket;
        this.verifyPrefix = verifyPrefix;
        this.location = location;
        customEndpoint = created.Endpoint is not null;
        describeIdentity = created.DescribeIdentity;
        EndpointDescription = created.Endpoint?.GetLeftPart(UriPartial.Authority) ?? $"AWS S3 ({created.Region})";
        Description = $"s3://{bucket}" + (created.Endpoint is null ? string.Empty : $" at {EndpointDescription}");
    }

    /// <summary>Keys per list request (S3's maximum is 1000); smaller in tests to exercise paging.</summary>
    internal int PageSize { get; set; } = 1000;

    /// <summary>The bucket name.</summary>
    public string Bucket { get; }

    /// <summary>The endpoint, for messages: its scheme, host and port, or "AWS S3 (region)".</summary>
    public string EndpointDescription { get; }

    /// <inheritdoc />
    public string Description { get; }

    /// <summary>
    /// Creates a store for the bucket of an <c>s3://bucket[/prefix]</c> location (the prefix is the caller's
    /// business, see <see cref="ObjectStoreLayout"/>). Nothing is sent over the network yet.
    /// </summary>
    public static S3ObjectStore Create(StorageLocationOptions options, IEngineLog log)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var address = StorageAddress.Parse(options.Location);
        if (address.Bucket is null)
        {
            throw new StorageException(StorageErrorKind.InvalidLocation, options.Location, $"'{options.Location}' is not an s3:// location.");
        }

        var created = S3ClientFactory.Create(options, log ?? NullEngineLog.Instance);
        var root = new ObjectStoreLayout(address.Prefix).Root;
        return new S3ObjectStore(created, address.Bucket, root, options.Location);
    }

    /// <inheritdoc />
    public async Task VerifyAccessAsync(CancellationToken cancellationToken)
    {
        // Listing under the location's own prefix: a policy may allow that and nothing else.
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = verifyPrefix, Delimiter = "/", MaxKeys = 1 };
        await Call(() => client.ListObjectsV2Async(request, cancellationToken), null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListCommonPrefixesAsync(string prefix, CancellationToken cancellationToken)
    {
        var result = new List<string>();
        await ListAsync(prefix, "/", response =>
        {
            // AWSSDK v4 leaves empty collections null.
            if (response.CommonPrefixes is { } prefixes)
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
        await ListAsync(prefix, null, response =>
        {
            if (response.S3Objects is { } objects)
            {
                foreach (var item in objects)
                {
                    result.Add(item.Key);
                }
            }
        }, cancellationToken).ConfigureAwait(false);
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var request = new GetObjectMetadataRequest { BucketName = Bucket, Key = CheckKey(key) };
            await Call(() => client.GetObjectMetadataAsync(request, cancellationToken), key, cancellationToken).ConfigureAwait(false);
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
        var request = new GetObjectRequest { BucketName = Bucket, Key = CheckKey(key) };
        var response = await Call(() => client.GetObjectAsync(request, cancellationToken), key, cancellationToken).ConfigureAwait(false);
        var broken = (Exception ex, long read) => new StorageException(
            StorageErrorKind.Unreachable,
            location,
            $"The connection to {EndpointDescription} broke while reading '{key}' after {read} of {response.ContentLength} bytes: {Innermost(ex).Message}",
            key,
            ex);
        return new ObjectBodyStream(response.ResponseStream, response.ContentLength, broken, owner: response);
    }

    /// <inheritdoc />
    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        if (content is null)
        {
            throw new ArgumentNullException(nameof(content));
        }

        await PutCoreAsync(CheckKey(key), content, ifNoneMatch: false, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> TryCreateAsync(string key, byte[] content, CancellationToken cancellationToken)
    {
        if (content is null)
        {
            throw new ArgumentNullException(nameof(content));
        }

        // The existence check covers stores that ignore If-None-Match on PUT (s3rver, older Ceph);
        // AWS S3, MinIO and current Ceph RGW enforce the condition itself.
        if (await ExistsAsync(key, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            using var stream = new MemoryStream(content, writable: false);
            await PutCoreAsync(CheckKey(key), stream, ifNoneMatch: true, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageException ex) when (ex.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict })
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var request = new DeleteObjectRequest { BucketName = Bucket, Key = CheckKey(key) };
        try
        {
            await Call(() => client.DeleteObjectAsync(request, cancellationToken), key, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            // Some S3-compatible stores answer 404 where AWS answers 204.
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        (client.Config.HttpClientFactory as IDisposable)?.Dispose();
        client.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => Description;

    private static string CheckKey(string key) =>
        string.IsNullOrEmpty(key) ? throw new ArgumentException("An object key is required.", nameof(key)) : key;

    private static Exception? FindInner<T>(Exception ex)
        where T : Exception
    {
        for (var current = ex; current is not null; current = current.InnerException)
        {
            if (current is T)
            {
                return current;
            }
        }

        return null;
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

    private async Task PutCoreAsync(string key, Stream content, bool ifNoneMatch, CancellationToken cancellationToken)
    {
        // Without chunked encoding the SDK needs the length up front.
        MemoryStream? copy = null;
        if (!content.CanSeek)
        {
            copy = new MemoryStream();
            await content.CopyToAsync(copy, 81920, cancellationToken).ConfigureAwait(false);
            copy.Position = 0;
        }

        try
        {
            var request = new PutObjectRequest
            {
                BucketName = Bucket,
                Key = key,
                InputStream = copy ?? content,
                AutoCloseStream = false,
                ContentType = "application/octet-stream",
            };
            if (customEndpoint)
            {
                request.UseChunkEncoding = false;
            }

            if (ifNoneMatch)
            {
                request.IfNoneMatch = "*";
            }

            await Call(() => client.PutObjectAsync(request, cancellationToken), key, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            copy?.Dispose();
        }
    }

    private async Task ListAsync(string prefix, string? delimiter, Action<ListObjectsV2Response> page, CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix ?? string.Empty, Delimiter = delimiter, MaxKeys = PageSize };
        while (true)
        {
            var response = await Call(() => client.ListObjectsV2Async(request, cancellationToken), null, cancellationToken).ConfigureAwait(false);
            page(response);
            if (response.IsTruncated != true || string.IsNullOrEmpty(response.NextContinuationToken))
            {
                return;
            }

            request.ContinuationToken = response.NextContinuationToken;
        }
    }

    private async Task<T> Call<T>(Func<Task<T>> call, string? key, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or SocketException or OperationCanceledException or AuthenticationException)
        {
            throw Translate(ex, key);
        }
    }

    private StorageException Translate(Exception ex, string? key)
    {
        if (ex is AmazonS3Exception s3 && s3.StatusCode != 0)
        {
            var code = s3.ErrorCode ?? string.Empty;
            if (code == "NoSuchBucket")
            {
                return new StorageException(StorageErrorKind.LocationNotFound, location, $"The bucket '{Bucket}' does not exist at {EndpointDescription}.", key, ex);
            }

            if (code == "NoSuchKey" || (s3.StatusCode == HttpStatusCode.NotFound && key is not null))
            {
                return new ObjectNotFoundException(location, key ?? string.Empty, ex);
            }

            if (s3.StatusCode == HttpStatusCode.NotFound)
            {
                return new StorageException(StorageErrorKind.LocationNotFound, location, $"The bucket '{Bucket}' was not found at {EndpointDescription} ({code}).", key, ex);
            }

            if (s3.StatusCode == HttpStatusCode.Forbidden || code is "AccessDenied" or "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "ExpiredToken" or "InvalidToken" or "AllAccessDisabled")
            {
                var what = key is null ? $"the bucket '{Bucket}'" : $"'{key}' in the bucket '{Bucket}'";
                return new StorageException(StorageErrorKind.AccessDenied, location, $"Access to {what} at {EndpointDescription} was denied for {describeIdentity()}: {code}: {s3.Message}", key, ex);
            }

            if (s3.StatusCode is HttpStatusCode.MovedPermanently or HttpStatusCode.Redirect || code is "PermanentRedirect" or "AuthorizationHeaderMalformed" or "IllegalLocationConstraintException")
            {
                return new StorageException(StorageErrorKind.InvalidLocation, location, $"The bucket '{Bucket}' is in another region than the one used; give -Region with the bucket's region. ({code}: {s3.Message})", key, ex);
            }

            return new StorageException(StorageErrorKind.Other, location, $"S3 request to {EndpointDescription} failed for {(key is null ? $"the bucket '{Bucket}'" : $"'{key}'")}: {(int)s3.StatusCode} {code}: {s3.Message}", key, ex);
        }

        if (FindInner<NoCredentialsFoundException>(ex) is not null)
        {
            // One message for the user; the SDK's per-provider errors stay in the inner exception (Get-Error shows them).
            return new StorageException(StorageErrorKind.CredentialsUnavailable, location, NoCredentialsMessage(), key, ex);
        }

        var reason = ex is OperationCanceledException ? "the request timed out" : Innermost(ex).Message;
        if (FindInner<AuthenticationException>(ex) is not null)
        {
            return new StorageException(StorageErrorKind.Unreachable, location, $"The TLS connection to {EndpointDescription} failed: its certificate is not trusted ({reason}). Give -CaBundle with the CA certificate that signed it.", key, ex);
        }

        return new StorageException(StorageErrorKind.Unreachable, location, $"Cannot reach the S3 endpoint {EndpointDescription}: {reason}", key, ex);
    }

    private string NoCredentialsMessage()
    {
        var profile = Environment.GetEnvironmentVariable("AWS_PROFILE");
        var tried = "the environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE), "
            + (string.IsNullOrEmpty(profile) ? "the 'default' profile" : $"the profile '{profile}' (AWS_PROFILE)")
            + " in ~/.aws/credentials and ~/.aws/config, and the container and EC2 instance metadata";
        return $"No S3 credentials for {location}: no -Credential or -ProfileName was given, and the default AWS credential chain found none (it tried {tried}). "
            + "Give -Credential with the access key id as user name and the secret access key as password, give -ProfileName with a profile of ~/.aws/credentials, "
            + "or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE).";
    }
}
