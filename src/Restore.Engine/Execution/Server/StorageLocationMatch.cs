using System;
using System.Text.Json.Nodes;
using Restore.Engine.Storage;

namespace Restore.Engine.Execution.Server;

/// <summary>
/// Whether a Velero BackupStorageLocation is the storage location a user named (docs/velero-compatibility.md#server-restores):
/// for <c>s3://bucket/prefix</c> the same bucket and prefix; for a folder (a mounted or synced copy of the bucket) the
/// folder's last path parts are the bucket and prefix.
/// </summary>
internal static class StorageLocationMatch
{
    /// <summary>The BSL's bucket and prefix, trimmed of slashes as Velero trims them.</summary>
    public static (string Bucket, string Prefix) BucketAndPrefix(JsonObject bsl)
    {
        var storage = (bsl["spec"] as JsonObject)?["objectStorage"] as JsonObject;
        var bucket = (storage?["bucket"]?.GetValue<string>() ?? string.Empty).Trim('/');
        var prefix = (storage?["prefix"]?.GetValue<string>() ?? string.Empty).Trim('/');
        return (bucket, prefix);
    }

    /// <summary>True when the BSL points at <paramref name="address"/>.</summary>
    public static bool Matches(JsonObject bsl, StorageAddress address)
    {
        var (bucket, prefix) = BucketAndPrefix(bsl);
        if (bucket.Length == 0)
        {
            return false;
        }

        if (address.Bucket is not null)
        {
            return string.Equals(bucket, address.Bucket, StringComparison.Ordinal) && string.Equals(prefix, address.Prefix.Trim('/'), StringComparison.Ordinal);
        }

        var folder = (address.Folder ?? string.Empty).Replace('\\', '/').TrimEnd('/');
        var tail = prefix.Length == 0 ? bucket : bucket + "/" + prefix;
        return folder.EndsWith("/" + tail, StringComparison.Ordinal) || string.Equals(folder, tail, StringComparison.Ordinal);
    }

    /// <summary>The BSL as a location text, for messages: <c>s3://bucket/prefix</c> style, with its provider.</summary>
    public static string Describe(JsonObject bsl)
    {
        var (bucket, prefix) = BucketAndPrefix(bsl);
        var provider = (bsl["spec"] as JsonObject)?["provider"]?.GetValue<string>();
        return $"bucket '{bucket}'" + (prefix.Length == 0 ? string.Empty : $", prefix '{prefix}'") + (string.IsNullOrEmpty(provider) ? string.Empty : $", provider {provider}");
    }
}
