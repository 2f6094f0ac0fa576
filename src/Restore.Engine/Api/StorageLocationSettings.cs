using System.Security;
using Restore.Engine.Storage;

namespace Restore.Engine.Api;

/// <summary>
/// Where backups live and how to reach them, for <see cref="RestoreEngine.Open"/>. <see cref="ToString"/> never shows the secret.
/// </summary>
public sealed class StorageLocationSettings
{
    /// <summary>
    /// A local folder path (the folder that holds <c>backups/</c>), a <c>file://</c> URI,
    /// <c>s3://bucket[/prefix]</c>, or <c>azure://account/container[/prefix]</c> (or its https:// blob URL).
    /// </summary>
    public string Location { get; set; } = string.Empty;

    /// <summary>S3 region (signing region for custom endpoints); when absent: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, then <c>us-east-1</c>.</summary>
    public string? Region { get; set; }

    /// <summary>URL of an S3-compatible store (MinIO, Ceph RGW, s3rver): <c>https://host:port</c>.</summary>
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

    /// <summary>Retries of failed S3 or Azure requests; null keeps the default of 3.</summary>
    public int? MaxRetries { get; set; }

    /// <summary>
    /// Azure Blob Storage locations: the Entra ID credential to use: <c>Default</c>, <c>ManagedIdentity</c>, <c>WorkloadIdentity</c>,
    /// <c>Environment</c>, <c>AzureCli</c> or <c>AzurePowerShell</c>. Null: an account key or SAS when given, else the Default chain.
    /// </summary>
    public string? AzureCredentialSource { get; set; }

    /// <summary>Azure Blob Storage locations: a shared access signature token. Kept out of <see cref="ToString"/>, logs and errors.</summary>
    public SecureString? SasToken { get; set; }

    /// <summary>The location and the non-secret settings, for messages.</summary>
    public override string ToString() => ToOptions().ToString();

    internal StorageLocationOptions ToOptions() => new()
    {
        Location = Location,
        Region = Region,
        Endpoint = Endpoint,
        AccessKeyId = AccessKeyId,
        SecretAccessKey = SecretAccessKey,
        ProfileName = ProfileName,
        GoogleCredentialFile = GoogleCredentialFile,
        CaBundlePath = CaBundlePath,
        SkipCertificateCheck = SkipCertificateCheck,
        MaxRetries = MaxRetries,
        AzureCredentialSource = AzureCredentialSource,
        SasToken = SasToken,
    };
}
