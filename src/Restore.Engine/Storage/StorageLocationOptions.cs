using System;
using System.Security;
using System.Text;

namespace Restore.Engine.Storage;

/// <summary>
/// Where backups live and how to reach them. <see cref="ToString"/> never shows the secret.
/// </summary>
internal sealed class StorageLocationOptions
{
    /// <summary>
    /// A local folder path (the folder that holds <c>backups/</c>), a <c>file://</c> URI, or
    /// <c>s3://bucket[/prefix]</c>.
    /// </summary>
    public string Location { get; set; } = string.Empty;

    /// <summary>S3 region (signing region for custom endpoints); when absent: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, then <c>us-east-1</c>.</summary>
    public string? Region { get; set; }

    /// <summary>
    /// URL of an S3-compatible store (MinIO, Ceph RGW, s3rver): <c>https://host:port</c>. Switches to
    /// path-style addressing, unchunked uploads and checksums only when required.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>Access key id; used together with <see cref="SecretAccessKey"/>.</summary>
    public string? AccessKeyId { get; set; }

    /// <summary>Secret access key. Kept out of <see cref="ToString"/>, logs and errors.</summary>
    public SecureString? SecretAccessKey { get; set; }

    /// <summary>AWS shared credentials/config profile name.</summary>
    public string? ProfileName { get; set; }

    /// <summary>
    /// gs:// locations: a Google credential JSON file (a service-account key, or an external-account/workload identity
    /// federation configuration); when absent, application default credentials. Its content never appears in messages.
    /// </summary>
    public string? GoogleCredentialFile { get; set; }

    /// <summary>PEM (or DER) file with the CA certificate(s) that signed the endpoint's certificate.</summary>
    public string? CaBundlePath { get; set; }

    /// <summary>Accept any server certificate. Unsafe; a warning is logged whenever it is used.</summary>
    public bool SkipCertificateCheck { get; set; }

    /// <summary>Retries of failed S3 requests (the SDK's MaxErrorRetry); null keeps the default of 3.</summary>
    public int? MaxRetries { get; set; }

    /// <summary>
    /// Azure locations: which Entra ID credential to use (<c>ManagedIdentity</c>, <c>WorkloadIdentity</c>, <c>Environment</c>,
    /// <c>AzureCli</c>, <c>AzurePowerShell</c>, <c>Default</c>); null picks as described in docs/storage-locations.md.
    /// </summary>
    public string? AzureCredentialSource { get; set; }

    /// <summary>Azure locations: a shared access signature (with or without the leading <c>?</c>). Kept out of <see cref="ToString"/>, logs and errors.</summary>
    public SecureString? SasToken { get; set; }

    /// <summary>Sets <see cref="SecretAccessKey"/> from a plain string (tests, environment variables).</summary>
    public StorageLocationOptions WithSecretAccessKey(string secret)
    {
        if (secret is null)
        {
            throw new ArgumentNullException(nameof(secret));
        }

        var secure = new SecureString();
        foreach (var c in secret)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        SecretAccessKey = secure;
        return this;
    }

    /// <summary>The location and the non-secret options, for messages.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Location);
        if (!string.IsNullOrEmpty(Endpoint))
        {
            text.Append(" (endpoint ").Append(Endpoint).Append(')');
        }

        if (!string.IsNullOrEmpty(Region))
        {
            text.Append(" (region ").Append(Region).Append(')');
        }

        return text.ToString();
    }
}
