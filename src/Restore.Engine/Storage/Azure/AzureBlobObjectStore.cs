using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Restore.Engine.Common;

namespace Restore.Engine.Storage.Azure;

/// <summary>
/// An object store in an Azure Blob Storage container. Keys are blob names relative to the container.
/// Azure SDK types stay inside: callers see only <see cref="IObjectStore"/> and <see cref="StorageException"/>.
/// The SDK retries throttling (503, 429 with Retry-After), server errors and broken connections, and a
/// download that breaks resumes with a ranged request for the rest of the same blob version.
/// </summary>
internal sealed class AzureBlobObjectStore : IObjectStore
{
    private readonly AzureClientFactory.Result created;
    private readonly BlobContainerClient client;
    private readonly string location;
    private readonly string verifyPrefix;

    private AzureBlobObjectStore(AzureClientFactory.Result created, string location)
    {
        this.created = created;
        client = created.Client;
        this.location = location;
        Address = created.Address;
        verifyPrefix = new ObjectStoreLayout(Address.Prefix).Root;
        EndpointDescription = Address.ServiceUri.GetLeftPart(UriPartial.Authority);
        var standard = Address.ServiceUri.Host.StartsWith(Address.Account + ".blob.", StringComparison.OrdinalIgnoreCase);
        Description = $"azure://{Address.Account}/{Address.Container}" + (standard ? string.Empty : $" at {EndpointDescription}");
    }

    /// <summary>Blobs per list request (the service's maximum is 5000); smaller in tests to exercise paging.</summary>
    internal int PageSize { get; set; } = 5000;

    /// <summary>The parsed location: account, container, prefix and service URL.</summary>
    public AzureBlobAddress Address { get; }

    /// <summary>The blob endpoint, for messages: its scheme, host and port.</summary>
    public string EndpointDescription { get; }

    /// <inheritdoc />
    public string Description { get; }

    /// <summary>
    /// Creates a store for the container of an Azure location (the prefix is the caller's business, see
    /// <see cref="ObjectStoreLayout"/>). Nothing is sent over the network yet.
    /// </summary>
    public static AzureBlobObjectStore Create(StorageLocationOptions options, IEngineLog log)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        return new AzureBlobObjectStore(AzureClientFactory.Create(options, log ?? NullEngineLog.Instance), options.Location);
    }

    /// <inheritdoc />
    public async Task VerifyAccessAsync(CancellationToken cancellationToken)
    {
        // One listing under the location's own prefix: a SAS or role scoped to the container allows that.
        await Call(
            async () =>
            {
                var pages = client.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", verifyPrefix, cancellationToken).AsPages(pageSizeHint: 1);
                await foreach (var page in pages.ConfigureAwait(false))
                {
                    _ = page;
                    break;
                }

                return true;
            },
            null,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListCommonPrefixesAsync(string prefix, CancellationToken cancellationToken)
    {
        var result = await Call(
            async () =>
            {
                var found = new List<string>();
                var pages = client.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", prefix ?? string.Empty, cancellationToken).AsPages(pageSizeHint: PageSize);
                await foreach (var page in pages.ConfigureAwait(false))
                {
                    foreach (var item in page.Values)
                    {
                        if (item.IsPrefix)
                        {
                            found.Add(item.Prefix);
                        }
                    }
                }

                return found;
            },
            null,
            cancellationToken).ConfigureAwait(false);
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken)
    {
        var result = await Call(
            async () =>
            {
                var found = new List<string>();
                var pages = client.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix ?? string.Empty, cancellationToken).AsPages(pageSizeHint: PageSize);
                await foreach (var page in pages.ConfigureAwait(false))
                {
                    foreach (var item in page.Values)
                    {
                        found.Add(item.Name);
                    }
                }

                return found;
            },
            null,
            cancellationToken).ConfigureAwait(false);
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        var blob = client.GetBlobClient(CheckKey(key));
        try
        {
            await Call(() => blob.GetPropertiesAsync(cancellationToken: cancellationToken), key, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageException ex) when (ex.Kind is StorageErrorKind.ObjectNotFound)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var blob = client.GetBlobClient(CheckKey(key));
        var response = await Call(() => blob.DownloadStreamingAsync(new BlobDownloadOptions(), cancellationToken), key, cancellationToken).ConfigureAwait(false);
        var result = response.Value;
        var broken = (Exception ex, long read) => new StorageException(
            StorageErrorKind.Unreachable,
            location,
            $"The connection to {EndpointDescription} broke while reading '{key}' after {read} of {result.Details.ContentLength} bytes, and resuming failed: {Innermost(ex).Message}",
            key,
            ex);

        // The SDK resumes broken reads itself; what it cannot resume comes as its own failure types.
        return new ObjectBodyStream(result.Content, result.Details.ContentLength, broken, isSdkFailure: ex => ex is RequestFailedException or AggregateException);
    }

    /// <inheritdoc />
    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        if (content is null)
        {
            throw new ArgumentNullException(nameof(content));
        }

        await UploadAsync(CheckKey(key), content, ifNoneMatch: false, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> TryCreateAsync(string key, byte[] content, CancellationToken cancellationToken)
    {
        if (content is null)
        {
            throw new ArgumentNullException(nameof(content));
        }

        try
        {
            using var stream = new MemoryStream(content, writable: false);
            await UploadAsync(CheckKey(key), stream, ifNoneMatch: true, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageException ex) when (ex.InnerException is RequestFailedException { Status: 409 or 412 })
        {
            // If-None-Match: * is enforced by the service: 409 BlobAlreadyExists.
            return false;
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var blob = client.GetBlobClient(CheckKey(key));
        await Call(() => blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken), key, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => created.Dispose();

    /// <inheritdoc />
    public override string ToString() => Description;

    private static string CheckKey(string key) =>
        string.IsNullOrEmpty(key) ? throw new ArgumentException("An object key is required.", nameof(key)) : key;

    private static Exception Innermost(Exception ex)
    {
        var current = ex;
        while (current.InnerException is not null)
        {
            current = current is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[aggregate.InnerExceptions.Count - 1] : current.InnerException;
        }

        return current;
    }

    private static T? Find<T>(Exception ex)
        where T : Exception
    {
        for (var current = ex; current is not null; current = current is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[aggregate.InnerExceptions.Count - 1] : current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>The first line of a service or SDK message: the rest can be long (and holds request details).</summary>
    private static string FirstLine(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var end = text!.IndexOfAny(new[] { '\r', '\n' });
        var line = end < 0 ? text : text.Substring(0, end);
        return line.Length > 300 ? line.Substring(0, 300) + "…" : line;
    }

    private async Task UploadAsync(string key, Stream content, bool ifNoneMatch, CancellationToken cancellationToken)
    {
        // A stream that cannot seek cannot be sent again on a retry: hold it in memory (records are small).
        MemoryStream? copy = null;
        if (!content.CanSeek)
        {
            copy = new MemoryStream();
            await content.CopyToAsync(copy, 81920, cancellationToken).ConfigureAwait(false);
            copy.Position = 0;
        }

        try
        {
            var options = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" } };
            if (ifNoneMatch)
            {
                options.Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
            }

            var blob = client.GetBlobClient(key);
            await Call(() => blob.UploadAsync(copy ?? content, options, cancellationToken), key, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            copy?.Dispose();
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
        catch (Exception ex) when (ex is RequestFailedException or AuthenticationFailedException or CredentialUnavailableException or AggregateException
            or HttpRequestException or IOException or SocketException or OperationCanceledException or AuthenticationException)
        {
            throw Translate(ex, key);
        }
    }

    private StorageException Translate(Exception ex, string? key)
    {
        var container = $"the container '{Address.Container}' of the account '{Address.Account}'";
        if (Find<CredentialUnavailableException>(ex) is { } unavailable)
        {
            return new StorageException(StorageErrorKind.CredentialsUnavailable, location, $"No Azure credentials for {location}: {created.Identity} found none ({FirstLine(unavailable.Message)}). {CredentialHint}", key, ex);
        }

        if (Find<AuthenticationFailedException>(ex) is { } failed)
        {
            return new StorageException(StorageErrorKind.CredentialsUnavailable, location, $"Signing in to Entra ID for {location} failed with {created.Identity}: {FirstLine(failed.Message)} {CredentialHint}", key, ex);
        }

        if (Find<RequestFailedException>(ex) is { Status: > 0 } failure)
        {
            var code = failure.ErrorCode ?? string.Empty;
            if (code is "ContainerNotFound" || (failure.Status == 404 && key is null && code is not "BlobNotFound"))
            {
                return new StorageException(StorageErrorKind.LocationNotFound, location, $"The container '{Address.Container}' does not exist in the storage account '{Address.Account}' at {EndpointDescription}{(code.Length == 0 ? string.Empty : $" ({code})")}.", key, ex);
            }

            if (failure.Status == 404)
            {
                return new ObjectNotFoundException(location, key ?? string.Empty, ex);
            }

            if (failure.Status is 401 or 403)
            {
                var what = key is null ? container : $"'{key}' in {container}";
                return new StorageException(StorageErrorKind.AccessDenied, location, $"Access to {what} at {EndpointDescription} was denied for {created.Identity}: {(code.Length == 0 ? failure.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : code)}. {AccessHint(code)}", key, ex);
            }

            var subject = key is null ? container : $"'{key}'";
            return new StorageException(StorageErrorKind.Other, location, $"Azure Blob request to {EndpointDescription} failed for {subject}: {failure.Status} {code}: {FirstLine(failure.Message)}", key, ex);
        }

        var reason = ex is OperationCanceledException || Find<TaskCanceledException>(ex) is not null ? "the request timed out" : Innermost(ex).Message;
        if (Find<AuthenticationException>(ex) is not null)
        {
            return new StorageException(StorageErrorKind.Unreachable, location, $"The TLS connection to {EndpointDescription} failed: its certificate is not trusted ({reason}). Give -CaBundle with the CA certificate that signed it.", key, ex);
        }

        return new StorageException(StorageErrorKind.Unreachable, location, $"Cannot reach the Azure Blob endpoint {EndpointDescription}: {reason}", key, ex);
    }

    private static string CredentialHint =>
        "Give -Credential with the storage account name as user name and an account key as password, give -SasToken, set "
        + AzureClientFactory.AccountKeyVariable + ", or sign in (Connect-AzAccount, az login, a managed identity) and pick it with -AzureCredentialSource.";

    private string AccessHint(string code) => code switch
    {
        "AuthenticationFailed" => "The account key or SAS token is wrong, expired or for another account.",
        "AuthorizationPermissionMismatch" or "AuthorizationResourceTypeMismatch" => created.UsesEntraId
            ? "The identity needs a data role on the container or account: 'Storage Blob Data Reader' to read backups, 'Storage Blob Data Contributor' to write restore records."
            : "The SAS token does not allow this operation (it needs read and list to read backups; create and write to write restore records).",
        "AuthorizationFailure" => created.UsesEntraId
            ? "The account's network rules (firewall, private endpoint) refuse this request, or the identity lacks a data role."
            : "The account key or SAS token is wrong or expired, or the account's network rules (firewall, private endpoint) or settings (shared key access disabled) refuse this request.",
        "KeyBasedAuthenticationNotPermitted" => "The account does not allow shared key access: use Entra ID (-AzureCredentialSource) instead.",
        _ => created.UsesEntraId ? "Check the identity's role assignments on the account." : "Check the key or SAS token.",
    };
}
