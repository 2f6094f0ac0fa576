using System;

namespace Restore.Engine.Storage.Gcs;

/// <summary>Splits and checks <c>gs://bucket[/prefix]</c>; Google's bucket naming rules give clear errors before any request.</summary>
internal static class GcsBucketName
{
    /// <summary>The bucket and the normalized prefix of a <c>gs://</c> location; throws <see cref="StorageErrorKind.InvalidLocation"/>.</summary>
    public static (string Bucket, string Prefix) Split(string location)
    {
        var rest = location.Substring("gs://".Length);
        var slash = rest.IndexOf('/');
        var bucket = slash < 0 ? rest : rest.Substring(0, slash);
        var prefix = slash < 0 ? string.Empty : rest.Substring(slash + 1);
        if (bucket.Length == 0)
        {
            throw StorageAddress.Invalid(location, $"'{location}' has no bucket name: use gs://bucket[/prefix].");
        }

        if (Problem(bucket) is { } problem)
        {
            throw StorageAddress.Invalid(location, $"'{location}' does not name a Cloud Storage bucket: '{bucket}' {problem}.");
        }

        try
        {
            return (bucket, new ObjectStoreLayout(prefix).Prefix);
        }
        catch (ArgumentException ex)
        {
            throw StorageAddress.Invalid(location, $"'{location}' has an invalid prefix: {ex.Message}");
        }
    }

    // Cloud Storage's naming rules: 3-63 characters (up to 222 with dots), lower-case letters, digits, '-', '_' and '.',
    // starting and ending with a letter or digit.
    private static string? Problem(string bucket)
    {
        var max = bucket.IndexOf('.') >= 0 ? 222 : 63;
        if (bucket.Length < 3 || bucket.Length > max)
        {
            return $"must be 3 to {max} characters long";
        }

        foreach (var c in bucket)
        {
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            {
                return char.IsUpper(c)
                    ? "has upper-case letters, which bucket names cannot have"
                    : $"has the character '{c}'; bucket names have only lower-case letters, digits, '-', '_' and '.'";
            }
        }

        return char.IsLetterOrDigit(bucket[0]) && char.IsLetterOrDigit(bucket[bucket.Length - 1])
            ? null
            : "must start and end with a letter or digit";
    }
}
