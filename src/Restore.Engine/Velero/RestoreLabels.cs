using System;
using System.Security.Cryptography;
using System.Text;

namespace Restore.Engine.Velero;

/// <summary>The labels stamped on restored objects (docs/velero-compatibility.md#restore-labels).</summary>
internal static class RestoreLabels
{
    /// <summary><c>velero.io/backup-name</c>.</summary>
    public const string BackupName = "velero.io/backup-name";

    /// <summary><c>velero.io/restore-name</c>.</summary>
    public const string RestoreName = "velero.io/restore-name";

    /// <summary>The longest valid label value (DNS-1035 label length).</summary>
    public const int MaxLength = 63;

    /// <summary>
    /// Velero's <c>GetValidName</c>: the value unchanged when it has 63 characters or fewer, otherwise its
    /// first 57 characters followed by the first 6 hex characters of its SHA-256.
    /// </summary>
    public static string GetValidName(string value)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        // Velero counts bytes (Go len); names are ASCII in practice, so bytes and chars agree.
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length <= MaxLength)
        {
            return value;
        }

        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(bytes);
        var hex = new StringBuilder(6);
        for (var i = 0; i < 3; i++)
        {
            hex.Append(hash[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return Encoding.UTF8.GetString(bytes, 0, MaxLength - 6) + hex;
    }
}
