using System;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Security;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;
using Restore.Engine.Common;

namespace Restore.Engine.Storage.Azure;

/// <summary>
/// Builds the blob container client of an Azure location: endpoint, credential (docs/storage-locations.md#azure-credentials),
/// retries and TLS trust. Secrets (account key, SAS, client secret) go to the SDK and nowhere else.
/// </summary>
internal static class AzureClientFactory
{
    /// <summary>The environment variable Velero's Azure plugin documents for the account key (its <c>storageAccountKeyEnvVar</c>).</summary>
    public const string AccountKeyVariable = "AZURE_STORAGE_ACCOUNT_ACCESS_KEY";

    /// <summary>Velero's cloud name variable: AzurePublicCloud, AzureUSGovernmentCloud, AzureChinaCloud.</summary>
    public const string CloudNameVariable = "AZURE_CLOUD_NAME";

    /// <summary>The credential sources <c>-AzureCredentialSource</c> takes.</summary>
    public static readonly string[] CredentialSources = { "Default", "ManagedIdentity", "WorkloadIdentity", "Environment", "AzureCli", "AzurePowerShell" };

    /// <summary>The client plus what we need to explain failures; disposing releases a custom transport.</summary>
    internal sealed class Result : IDisposable
    {
        private readonly IDisposable? transport;

        public Result(BlobContainerClient client, AzureBlobAddress address, string identity, bool usesEntraId, IDisposable? transport)
        {
            Client = client;
            Address = address;
            Identity = identity;
            UsesEntraId = usesEntraId;
            this.transport = transport;
        }

        public BlobContainerClient Client { get; }

        public AzureBlobAddress Address { get; }

        /// <summary>Who the requests are made as, for messages: never a secret.</summary>
        public string Identity { get; }

        /// <summary>True for Entra ID (token) credentials, false for an account key or SAS.</summary>
        public bool UsesEntraId { get; }

        public void Dispose() => transport?.Dispose();
    }

    public static Result Create(StorageLocationOptions options, IEngineLog log)
    {
        var location = options.Location;
        var cloud = Environment.GetEnvironmentVariable(CloudNameVariable);
        var address = AzureBlobAddress.Parse(location, options.Endpoint, cloud);
        var s3Only = new System.Collections.Generic.List<string>();
        if (!string.IsNullOrEmpty(options.Region))
        {
            s3Only.Add("-Region");
        }

        if (!string.IsNullOrEmpty(options.ProfileName))
        {
            s3Only.Add("-ProfileName");
        }

        if (s3Only.Count > 0)
        {
            throw Invalid(location, $"{string.Join(", ", s3Only)} apply only to s3:// locations, and '{location}' is an Azure Blob Storage location.");
        }

        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.MaxRetries = options.MaxRetries ?? 3;
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Diagnostics.ApplicationId = "Restore";
        // Request and response logging stays off: headers carry the SAS signature and bearer tokens.
        clientOptions.Diagnostics.IsLoggingEnabled = false;
        HttpClient? custom = null;
        if (options.SkipCertificateCheck)
        {
            if (address.ServiceUri.Scheme == Uri.UriSchemeHttps)
            {
                log.Warning($"Certificate checks are off for {address.ServiceUri.Authority}: anyone on the network path can read or change what is transferred. Prefer -CaBundle with your CA certificate.");
            }

            custom = TrustingClient((_, _) => true);
        }
        else if (!string.IsNullOrEmpty(options.CaBundlePath))
        {
            var trust = CertificateTrust.Load(options.CaBundlePath!, location);
            log.Debug($"Trusting {trust.Count} certificate(s) from the CA bundle '{options.CaBundlePath}'.");
            custom = TrustingClient(trust.Validate);
        }

        if (custom is not null)
        {
            clientOptions.Transport = new HttpClientTransport(custom);
        }

        var containerUri = new Uri(address.ServiceUri, Uri.EscapeDataString(address.Container));
        var source = string.IsNullOrWhiteSpace(options.AzureCredentialSource) ? null : options.AzureCredentialSource!.Trim();
        var hasKey = !string.IsNullOrEmpty(options.AccessKeyId) || options.SecretAccessKey is not null;
        var given = (hasKey ? 1 : 0) + (options.SasToken is not null ? 1 : 0) + (source is not null ? 1 : 0);
        if (given > 1)
        {
            custom?.Dispose();
            throw Invalid(location, "Give only one of -Credential (account key), -SasToken and -AzureCredentialSource.");
        }

        BlobContainerClient client;
        string identity;
        var entra = false;
        if (hasKey)
        {
            if (string.IsNullOrEmpty(options.AccessKeyId) || options.SecretAccessKey is null)
            {
                custom?.Dispose();
                throw Invalid(location, "An Azure account key credential needs the storage account name as user name and the key as password.");
            }

            if (!string.Equals(options.AccessKeyId, address.Account, StringComparison.OrdinalIgnoreCase))
            {
                custom?.Dispose();
                throw Invalid(location, $"-Credential is for the account '{options.AccessKeyId}', but the location is in the account '{address.Account}': give the account name as the credential's user name and its key as the password.");
            }

            client = new BlobContainerClient(containerUri, new StorageSharedKeyCredential(address.Account, Reveal(options.SecretAccessKey)), clientOptions);
            identity = $"the account key of '{address.Account}' (from -Credential)";
        }
        else if (options.SasToken is not null)
        {
            var sas = Reveal(options.SasToken).Trim().TrimStart('?');
            if (sas.Length == 0)
            {
                custom?.Dispose();
                throw Invalid(location, "-SasToken is empty.");
            }

            client = new BlobContainerClient(containerUri, new AzureSasCredential(sas), clientOptions);
            identity = "the SAS token given with -SasToken";
        }
        else if (source is null && Environment.GetEnvironmentVariable(AccountKeyVariable) is { Length: > 0 } key)
        {
            client = new BlobContainerClient(containerUri, new StorageSharedKeyCredential(address.Account, key.Trim()), clientOptions);
            identity = $"the account key of '{address.Account}' (from {AccountKeyVariable})";
        }
        else
        {
            if (address.ServiceUri.Scheme != Uri.UriSchemeHttps)
            {
                // Bearer tokens are never sent in clear text (the SDK refuses too, with a less helpful message).
                custom?.Dispose();
                throw Invalid(location, $"Signing in with Entra ID needs an https:// endpoint, and {address.ServiceUri.GetLeftPart(UriPartial.Authority)} is plain http: give -Credential (account name and key) or -SasToken, or set {AccountKeyVariable}.");
            }

            var (credential, described) = TokenCredentialFor(source ?? "Default", location, cloud);
            client = new BlobContainerClient(containerUri, credential, clientOptions);
            identity = described;
            entra = true;
        }

        log.Debug($"Azure Blob Storage: {address.Canonical} at {address.ServiceUri.GetLeftPart(UriPartial.Authority)} as {identity}.");
        return new Result(client, address, identity, entra, custom);
    }

    private static (TokenCredential Credential, string Description) TokenCredentialFor(string source, string location, string? cloud)
    {
        var authority = AuthorityFor(cloud);
        var clientId = Environment.GetEnvironmentVariable("AZURE_CLIENT_ID");
        var userAssigned = string.IsNullOrWhiteSpace(clientId) ? "system-assigned" : $"client id {clientId}";
        switch (Normalize(source, location))
        {
            case "ManagedIdentity":
                var id = string.IsNullOrWhiteSpace(clientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId);
                return (new ManagedIdentityCredential(new ManagedIdentityCredentialOptions(id) { AuthorityHost = authority }), $"the managed identity ({userAssigned})");
            case "WorkloadIdentity":
                return (new WorkloadIdentityCredential(new WorkloadIdentityCredentialOptions { AuthorityHost = authority }), "workload identity (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE)");
            case "Environment":
                return (new EnvironmentCredential(new TokenCredentialOptions { AuthorityHost = authority }), "the service principal in the environment (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH)");
            case "AzureCli":
                return (new AzureCliCredential(new AzureCliCredentialOptions { AuthorityHost = authority }), "the Azure CLI sign-in (az login)");
            case "AzurePowerShell":
                return (new AzurePowerShellCredential(new AzurePowerShellCredentialOptions { AuthorityHost = authority }), "the Azure PowerShell sign-in (Connect-AzAccount)");
            default:
                var options = new DefaultAzureCredentialOptions
                {
                    AuthorityHost = authority,
                    // What an admin, a runbook or a pod has; never an interactive prompt or an IDE's sign-in.
                    ExcludeInteractiveBrowserCredential = true,
                    ExcludeVisualStudioCredential = true,
                    ExcludeVisualStudioCodeCredential = true,
                    ExcludeAzureDeveloperCliCredential = true,
                };
                if (!string.IsNullOrWhiteSpace(clientId))
                {
                    options.ManagedIdentityClientId = clientId;
                }

                return (new DefaultAzureCredential(options), "the Entra ID credential chain (environment service principal, workload identity, managed identity, Azure CLI, Azure PowerShell)");
        }
    }

    private static string Normalize(string source, string location)
    {
        foreach (var known in CredentialSources)
        {
            if (string.Equals(known, source, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }

        throw Invalid(location, $"'{source}' is not an Azure credential source: use one of {string.Join(", ", CredentialSources)}.");
    }

    private static Uri AuthorityFor(string? cloud)
    {
        // AZURE_AUTHORITY_HOST (Velero's activeDirectoryAuthorityURI) wins, as Azure.Identity reads it too.
        var host = Environment.GetEnvironmentVariable("AZURE_AUTHORITY_HOST");
        if (!string.IsNullOrWhiteSpace(host) && Uri.TryCreate(host, UriKind.Absolute, out var explicitHost))
        {
            return explicitHost;
        }

        return (cloud ?? string.Empty).Trim().ToUpperInvariant() switch
        {
            "AZUREUSGOVERNMENTCLOUD" => AzureAuthorityHosts.AzureGovernment,
            "AZURECHINACLOUD" => AzureAuthorityHosts.AzureChina,
            _ => AzureAuthorityHosts.AzurePublicCloud,
        };
    }

    private static HttpClient TrustingClient(Func<System.Security.Cryptography.X509Certificates.X509Certificate2?, System.Net.Security.SslPolicyErrors, bool> validate)
    {
#pragma warning disable CA2000 // The HttpClient owns and disposes the handler.
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, errors) => validate(certificate, errors) };
#pragma warning restore CA2000
        return new HttpClient(handler, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    private static StorageException Invalid(string location, string message) => new(StorageErrorKind.InvalidLocation, location, message);

    private static string Reveal(SecureString secret)
    {
        var pointer = IntPtr.Zero;
        try
        {
            pointer = Marshal.SecureStringToGlobalAllocUnicode(secret);
            return Marshal.PtrToStringUni(pointer) ?? string.Empty;
        }
        finally
        {
            if (pointer != IntPtr.Zero)
            {
                Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }
    }
}
