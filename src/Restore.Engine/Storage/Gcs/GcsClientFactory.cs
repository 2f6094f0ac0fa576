using System;
using System.IO;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Google.Apis.Auth.OAuth2;
using Google.Cloud.Storage.V1;
using Restore.Engine.Common;

namespace Restore.Engine.Storage.Gcs;

/// <summary>
/// Builds the Google.Cloud.Storage.V1 client of a gs:// location: endpoint, credentials and TLS trust.
/// Credentials: <c>-GoogleCredentialFile</c> when given, otherwise application default credentials
/// (docs/storage-locations.md#gcs-credentials). Nothing is sent over the network until <see cref="GetClientAsync"/>.
/// </summary>
internal sealed class GcsClientFactory
{
    private readonly string location;
    private readonly IEngineLog log;
    private readonly Uri? endpoint;
    private readonly string? credentialFile;
    private readonly string? credentialType;
    private readonly Func<X509Certificate2?, SslPolicyErrors, bool>? validate;
    private readonly SemaphoreSlim gate = new(1, 1);
    private StorageClient? client;

    private GcsClientFactory(StorageLocationOptions options, IEngineLog log)
    {
        location = options.Location;
        this.log = log;
        endpoint = ParseEndpoint(options.Endpoint, location);
        EndpointDescription = endpoint is null ? "Google Cloud Storage" : endpoint.GetLeftPart(UriPartial.Authority);
        if (!string.IsNullOrEmpty(options.GoogleCredentialFile))
        {
            credentialFile = options.GoogleCredentialFile!;
            (credentialType, var account) = ReadCredentialFile(credentialFile, location);
            Identity = $"{Describe(credentialType, account)} from the credential file '{credentialFile}'";
        }
        else if (Anonymous)
        {
            Identity = "no credentials (the endpoint is plain http)";
        }
        else
        {
            var adc = Environment.GetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS");
            Identity = string.IsNullOrEmpty(adc)
                ? "application default credentials"
                : $"application default credentials (GOOGLE_APPLICATION_CREDENTIALS '{adc}')";
        }

        if (options.SkipCertificateCheck)
        {
            if (endpoint is null || endpoint.Scheme == Uri.UriSchemeHttps)
            {
                log.Warning($"Certificate checks are off for {EndpointDescription}: anyone on the network path can read or change what is transferred, and take the access token. Prefer -CaBundle with your CA certificate.");
            }

            validate = (_, _) => true;
        }
        else if (!string.IsNullOrEmpty(options.CaBundlePath))
        {
            var trust = CertificateTrust.Load(options.CaBundlePath!, location);
            log.Debug($"Trusting {trust.Count} certificate(s) from the CA bundle '{options.CaBundlePath}'.");
            validate = trust.Validate;
        }

        if (credentialFile is not null && endpoint is not null && endpoint.Scheme == Uri.UriSchemeHttp)
        {
            log.Warning($"The endpoint {EndpointDescription} is plain http: the access token from the credential file travels unencrypted.");
        }
    }

    /// <summary>The endpoint for messages: scheme, host and port, or "Google Cloud Storage".</summary>
    public string EndpointDescription { get; }

    /// <summary>Who the requests are made as, for messages (never a secret): the service account's e-mail, or which chain.</summary>
    public string Identity { get; }

    /// <summary>The custom endpoint, if any.</summary>
    public Uri? Endpoint => endpoint;

    /// <summary>
    /// True when requests go without credentials: a plain-http endpoint (an emulator) and no credential file.
    /// Application default credentials are never sent over plain http, where anyone on the path could take the token.
    /// </summary>
    public bool Anonymous => credentialFile is null && endpoint is not null && endpoint.Scheme == Uri.UriSchemeHttp;

    /// <summary>Checks the options (endpoint URL, credential file) and returns a factory; contacts nothing.</summary>
    public static GcsClientFactory Create(StorageLocationOptions options, IEngineLog log)
    {
        var s3Only = new System.Collections.Generic.List<string>();
        if (!string.IsNullOrEmpty(options.Region))
        {
            s3Only.Add("-Region");
        }

        if (!string.IsNullOrEmpty(options.AccessKeyId) || options.SecretAccessKey is not null)
        {
            s3Only.Add("-Credential");
        }

        if (!string.IsNullOrEmpty(options.ProfileName))
        {
            s3Only.Add("-ProfileName");
        }

        if (s3Only.Count > 0)
        {
            throw new StorageException(StorageErrorKind.InvalidLocation, options.Location, $"{string.Join(", ", s3Only)} {(s3Only.Count == 1 ? "applies" : "apply")} only to s3:// locations; for '{options.Location}' give -GoogleCredentialFile, or use application default credentials.");
        }

        return new GcsClientFactory(options, log);
    }

    /// <summary>The client, built on first use (resolving application default credentials may ask the metadata server).</summary>
    public async Task<StorageClient> GetClientAsync(CancellationToken cancellationToken)
    {
        if (client is not null)
        {
            return client;
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (client is null)
            {
                var builder = new StorageClientBuilder();
                if (endpoint is not null)
                {
                    builder.BaseUri = endpoint.AbsoluteUri.TrimEnd('/') + (endpoint.AbsolutePath.TrimEnd('/').EndsWith("/storage/v1", StringComparison.Ordinal) ? "/" : "/storage/v1/");
                }

                if (validate is not null)
                {
                    builder.HttpClientFactory = new TrustingHttpClientFactory(validate);
                }

                if (credentialFile is not null)
                {
                    builder.GoogleCredential = await LoadCredentialAsync(cancellationToken).ConfigureAwait(false);
                    log.Debug($"Cloud Storage credentials: {Identity}.");
                }
                else if (Anonymous)
                {
                    builder.UnauthenticatedAccess = true;
                    log.Debug($"Cloud Storage credentials: none, {EndpointDescription} is a plain-http endpoint (an emulator).");
                }
                else
                {
                    try
                    {
                        builder.GoogleCredential = await GoogleCredential.GetApplicationDefaultAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (InvalidOperationException ex)
                    {
                        throw new StorageException(StorageErrorKind.CredentialsUnavailable, location, NoCredentialsMessage(), null, ex);
                    }

                    log.Debug("Cloud Storage credentials: application default credentials.");
                }

                client = await builder.BuildAsync(cancellationToken).ConfigureAwait(false);
            }

            return client;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Disposes the client when one was built.</summary>
    public void Dispose() => client?.Dispose();

    private static string Describe(string type, string? account) => type switch
    {
        "service_account" => $"service account '{account}'",
        "authorized_user" => "a user sign-in (authorized_user)",
        "external_account" => "workload identity federation (external_account)",
        "impersonated_service_account" => $"impersonated service account{(account is null ? string.Empty : $" '{account}'")}",
        _ => $"a '{type}' credential",
    };

    private static Uri? ParseEndpoint(string? value, string location)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            throw new StorageException(StorageErrorKind.InvalidLocation, location, $"The endpoint '{value}' is not an http:// or https:// URL (for example https://storage-myendpoint.p.googleapis.com, or http://127.0.0.1:9199 for an emulator).");
        }

        return uri;
    }

    // Reads only the "type" and the non-secret account e-mail: enough to explain failures and pick the credential kind.
    private static (string Type, string? Account) ReadCredentialFile(string path, string location)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new StorageException(StorageErrorKind.CredentialsUnavailable, location, $"Cannot read the Google credential file '{path}': {ex.Message}", null, ex);
        }

        try
        {
            using var json = JsonDocument.Parse(bytes);
            var root = json.RootElement;
            var type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (string.IsNullOrEmpty(type))
            {
                throw new StorageException(StorageErrorKind.InvalidLocation, location, $"The Google credential file '{path}' has no \"type\": give a service-account key or an external-account (workload identity federation) configuration, as downloaded from Google Cloud.");
            }

            string? account = null;
            if (root.TryGetProperty("client_email", out var email) && email.ValueKind == JsonValueKind.String)
            {
                account = email.GetString();
            }
            else if (root.TryGetProperty("service_account_impersonation_url", out var url) && url.ValueKind == JsonValueKind.String)
            {
                account = url.GetString();
            }

            return (type!, account);
        }
        catch (JsonException ex)
        {
            // The parser's message can quote the file's text, and the file holds a private key: keep it out.
            throw new StorageException(StorageErrorKind.InvalidLocation, location, $"The Google credential file '{path}' is not JSON (line {ex.LineNumber + 1}); give the key file as downloaded from Google Cloud.");
        }
    }

    private async Task<GoogleCredential> LoadCredentialAsync(CancellationToken cancellationToken)
    {
        try
        {
            // The file's own "type" picks the credential (service account, external account, user…), as gcloud and Velero's
            // credentialsFile do. Google marks this loader obsolete because a file from an untrusted source could point token
            // requests anywhere; this file is the admin's own, named by them with -GoogleCredentialFile.
#pragma warning disable CS0618
            return await GoogleCredential.FromFileAsync(credentialFile!, cancellationToken).ConfigureAwait(false);
#pragma warning restore CS0618
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or IOException or System.Security.Cryptography.CryptographicException)
        {
            // Google's messages name fields, not their values; still, say it in our words and keep theirs inside.
            throw new StorageException(StorageErrorKind.InvalidLocation, location, $"The Google credential file '{credentialFile}' of type '{credentialType}' cannot be used: {SafeReason(ex)}", null, ex);
        }
    }

    private static string SafeReason(Exception ex) => ex is System.Security.Cryptography.CryptographicException or FormatException
        ? "its private key cannot be read."
        : ex.Message;

    private string NoCredentialsMessage() =>
        $"No Google credentials for {location}: no -GoogleCredentialFile was given, and application default credentials found none "
        + "(they look at GOOGLE_APPLICATION_CREDENTIALS, the gcloud file from 'gcloud auth application-default login', and the metadata server of GCE/GKE, "
        + "which gives a GKE pod its Workload Identity). Give -GoogleCredentialFile with a service-account key file, set GOOGLE_APPLICATION_CREDENTIALS, "
        + "or run 'gcloud auth application-default login'.";

    /// <summary>Google's HTTP client factory with our server-certificate check (a private CA, or none when asked).</summary>
    private sealed class TrustingHttpClientFactory : Google.Apis.Http.HttpClientFactory
    {
        private readonly Func<X509Certificate2?, SslPolicyErrors, bool> validate;

        public TrustingHttpClientFactory(Func<X509Certificate2?, SslPolicyErrors, bool> validate) => this.validate = validate;

        protected override HttpClientHandler CreateClientHandler()
        {
            var handler = base.CreateClientHandler();
            handler.ServerCertificateCustomValidationCallback = (_, certificate, _, errors) => validate(certificate, errors);
            return handler;
        }
    }
}
