using System;
using System.IO;

namespace Restore.Engine.Storage;

/// <summary>A parsed storage location string: a local folder, or an S3 bucket and prefix.</summary>
internal sealed class StorageAddress
{
    private StorageAddress(string? folder, string? bucket, string prefix, StorageLocationKind kind = StorageLocationKind.S3)
    {
        Folder = folder;
        Bucket = bucket;
        Prefix = prefix;
        Kind = folder is null ? kind : StorageLocationKind.LocalFolder;
    }

    /// <summary>Local folder, S3 or Google Cloud Storage.</summary>
    public StorageLocationKind Kind { get; }

    /// <summary>Absolute folder path for local locations; null for S3.</summary>
    public string? Folder { get; }

    /// <summary>Bucket for S3 locations; null for local ones.</summary>
    public string? Bucket { get; }

    /// <summary>Prefix inside the bucket, trimmed of slashes; empty for local folders.</summary>
    public string Prefix { get; }

    /// <summary>
    /// Parses <c>s3://bucket[/prefix]</c>, <c>file://…</c> or a folder path. A bucket name may not contain
    /// <c>/</c>, except an S3 multi-region access point ARN (<c>arn:aws:s3::…:accesspoint/alias</c>), as in Velero.
    /// </summary>
    public static StorageAddress Parse(string location)
    {
        if (string.IsNullOrWhiteSpace(location))
        {
            throw Invalid(location ?? string.Empty, "The storage location is empty: give a folder path or s3://bucket[/prefix].");
        }

        if (location.StartsWith("gs://", StringComparison.OrdinalIgnoreCase))
        {
            var (bucket, prefix) = Gcs.GcsBucketName.Split(location);
            return new StorageAddress(null, bucket, prefix, StorageLocationKind.Gcs);
        }

        if (location.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            var rest = location.Substring(5);
            string bucket;
            string prefix;
            if (rest.StartsWith("arn:aws:s3:", StringComparison.Ordinal))
            {
                // The access point ARN itself holds one '/': arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap
                var first = rest.IndexOf('/');
                var second = first < 0 ? -1 : rest.IndexOf('/', first + 1);
                bucket = second < 0 ? rest : rest.Substring(0, second);
                prefix = second < 0 ? string.Empty : rest.Substring(second + 1);
            }
            else
            {
                var slash = rest.IndexOf('/');
                bucket = slash < 0 ? rest : rest.Substring(0, slash);
                prefix = slash < 0 ? string.Empty : rest.Substring(slash + 1);
            }

            if (bucket.Length == 0)
            {
                throw Invalid(location, $"'{location}' has no bucket name: use s3://bucket[/prefix].");
            }

            try
            {
                return new StorageAddress(null, bucket, new ObjectStoreLayout(prefix).Prefix);
            }
            catch (ArgumentException ex)
            {
                throw Invalid(location, $"'{location}' has an invalid prefix: {ex.Message}");
            }
        }

        string folder;
        if (location.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || !uri.IsFile)
            {
                throw Invalid(location, $"'{location}' is not a valid file:// URI.");
            }

            folder = uri.LocalPath;
        }
        else
        {
            var scheme = location.IndexOf("://", StringComparison.Ordinal);
            if (scheme > 0)
            {
                throw Invalid(location, $"'{location}' uses the unsupported scheme '{location.Substring(0, scheme)}': give a folder path, s3://bucket[/prefix] (use -Endpoint for S3-compatible stores) or gs://bucket[/prefix].");
            }

            folder = location;
        }

        try
        {
            return new StorageAddress(Path.GetFullPath(folder), null, string.Empty);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw Invalid(location, $"'{location}' is not a valid folder path: {ex.Message}");
        }
    }

    internal static StorageException Invalid(string location, string message) =>
        new(StorageErrorKind.InvalidLocation, location, message);
}
