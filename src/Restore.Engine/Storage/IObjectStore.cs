using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Restore.Engine.Storage;

/// <summary>
/// A flat key space of objects: an S3 bucket or a local folder. Keys use <c>/</c> as separator and
/// are relative to the bucket or folder. Implementations are thread-safe.
/// </summary>
internal interface IObjectStore : IDisposable
{
    /// <summary>Where the store points, for messages: <c>s3://bucket</c> or a folder path. Never contains credentials.</summary>
    string Description { get; }

    /// <summary>
    /// Confirms the bucket or folder exists and can be listed. Throws <see cref="StorageException"/> with
    /// <see cref="StorageErrorKind.LocationNotFound"/>, <see cref="StorageErrorKind.AccessDenied"/>,
    /// <see cref="StorageErrorKind.CredentialsUnavailable"/> or <see cref="StorageErrorKind.Unreachable"/>.
    /// </summary>
    Task VerifyAccessAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Lists the "directories" directly under <paramref name="prefix"/> (delimiter <c>/</c>), each returned as the
    /// full prefix ending in <c>/</c>, in ordinal order. Pages through results of any size.
    /// </summary>
    Task<IReadOnlyList<string>> ListCommonPrefixesAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Lists every key that starts with <paramref name="prefix"/>, at any depth, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>True when <paramref name="key"/> exists.</summary>
    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Opens an object for reading. The stream's <see cref="Stream.Length"/> is the object size even when it
    /// cannot seek. Throws <see cref="ObjectNotFoundException"/> when the key does not exist.
    /// </summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Writes an object so that readers see either the old content or the whole new content, never a part
    /// (local: temporary file in the same folder, then rename; S3: one PutObject).
    /// </summary>
    Task PutAsync(string key, Stream content, CancellationToken cancellationToken);

    /// <summary>
    /// Creates <paramref name="key"/> only if it does not exist yet; false when it already exists.
    /// Local folders: atomic (exclusive create, O_EXCL / CREATE_NEW). S3: a conditional PutObject
    /// (<c>If-None-Match: *</c>), preceded by an existence check because some S3-compatible stores
    /// ignore the condition; on those stores two writers racing within milliseconds can both succeed.
    /// </summary>
    Task<bool> TryCreateAsync(string key, byte[] content, CancellationToken cancellationToken);

    /// <summary>Deletes an object; deleting a missing key is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}

/// <summary>Convenience reads and writes over <see cref="IObjectStore"/>.</summary>
internal static class ObjectStoreExtensions
{
    /// <summary>Reads a whole object; throws <see cref="ObjectNotFoundException"/> when it does not exist.</summary>
    public static async Task<byte[]> ReadAllBytesAsync(this IObjectStore store, string key, CancellationToken cancellationToken)
    {
        if (store is null)
        {
            throw new ArgumentNullException(nameof(store));
        }

        using var stream = await store.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, 81920, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>Reads a whole optional object; null when it does not exist (a missing optional file is not an error).</summary>
    public static async Task<byte[]?> TryReadAsync(this IObjectStore store, string key, CancellationToken cancellationToken)
    {
        try
        {
            return await store.ReadAllBytesAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Writes <paramref name="content"/> as one object; see <see cref="IObjectStore.PutAsync"/>.</summary>
    public static async Task PutAsync(this IObjectStore store, string key, byte[] content, CancellationToken cancellationToken)
    {
        if (store is null)
        {
            throw new ArgumentNullException(nameof(store));
        }

        using var stream = new MemoryStream(content ?? throw new ArgumentNullException(nameof(content)), writable: false);
        await store.PutAsync(key, stream, cancellationToken).ConfigureAwait(false);
    }
}
