using System;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Security;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Amazon.S3;
using Restore.Engine.Common;

namespace Restore.Engine.Storage;

/// <summary>Builds the AWSSDK client for an S3 location: region, endpoint, credentials and TLS trust.</summary>
internal static class S3ClientFactory
{
    private const string DefaultRegion = "us-east-1";

    /// <summary>The client plus what we need to explain failures.</summary>
    internal sealed class Result
    {
        public Result(AmazonS3Client client, string region, Uri? endpoint, Func<string> describeIdentity)
        {
            Client = client;
            Region = region;
            Endpoint = endpoint;
            DescribeIdentity = describeIdentity;
        }

        public AmazonS3Client Client { get; }

        public string Region { get; }

        public Uri? Endpoint { get; }

        public Func<string> DescribeIdentity { get; }
    }

    public static Result Create(StorageLocationOptions options, IEngineLog log)
    {
        var location = options.Location;
        var endpoint = ParseEndpoint(options.Endpoint, location);
        var profileName = string.IsNullOrEmpty(options.ProfileName) ? null : options.ProfileName;
        CredentialProfile? profile = null;
        var profiles = new CredentialProfileStoreChain();
        if (profileName is not null && !profiles.TryGetProfile(profileName, out profile))
        {
            throw new StorageException(StorageErrorKind.CredentialsUnavailable, location, $"The AWS profile '{profileName}' was not found in the shared credentials or config file (~/.aws/credentials, ~/.aws/config, or AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE).");
        }

        var region = FirstNonEmpty(
            options.Region,
            Environment.GetEnvironmentVariable("AWS_REGION"),
            Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"),
            profile?.Region?.SystemName,
            profileName is null ? DefaultProfileRegion(profiles) : null) ?? DefaultRegion;

        var config = new AmazonS3Config { MaxErrorRetry = options.MaxRetries ?? 3 };
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint.AbsoluteUri;
            config.AuthenticationRegion = region;
            // S3-compatible stores: path-style buckets, and no flexible checksums, which many of
            // them do not understand (bodies arrive with chunk signatures inside).
            config.ForcePathStyle = true;
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        var httpsInUse = endpoint is null || endpoint.Scheme == Uri.UriSchemeHttps;
        if (options.SkipCertificateCheck)
        {
            if (httpsInUse)
            {
                log.Warning($"Certificate checks are off for {endpoint?.Authority ?? "AWS S3"}: anyone on the network path can read or change what is transferred. Prefer -CaBundle with your CA certificate.");
            }

            config.HttpClientFactory = new TrustingHttpClientFactory((_, _) => true);
        }
        else if (!string.IsNullOrEmpty(options.CaBundlePath))
        {
            var trust = CertificateTrust.Load(options.CaBundlePath!, location);
            log.Debug($"Trusting {trust.Count} certificate(s) from the CA bundle '{options.CaBundlePath}'.");
            config.HttpClientFactory = new TrustingHttpClientFactory(trust.Validate);
        }

        AmazonS3Client client;
        Func<string> describe;
        if (!string.IsNullOrEmpty(options.AccessKeyId) || options.SecretAccessKey is not null)
        {
            if (string.IsNullOrEmpty(options.AccessKeyId) || options.SecretAccessKey is null)
            {
                throw new StorageException(StorageErrorKind.InvalidLocation, location, "A credential needs both an access key id (user name) and a secret access key (password).");
            }

            var accessKeyId = options.AccessKeyId!;
            client = new AmazonS3Client(new BasicAWSCredentials(accessKeyId, Reveal(options.SecretAccessKey)), config);
            describe = () => $"access key '{accessKeyId}' (from the given credential)";
            log.Debug($"S3 credentials: access key '{accessKeyId}' from the given credential.");
        }
        else if (profileName is not null)
        {
            if (!profiles.TryGetAWSCredentials(profileName, out var credentials))
            {
                throw new StorageException(StorageErrorKind.CredentialsUnavailable, location, $"The AWS profile '{profileName}' has no usable credentials.");
            }

            client = new AmazonS3Client(credentials, config);
            describe = () => $"profile '{profileName}'{AccessKeyOf(credentials)}";
            log.Debug($"S3 credentials: profile '{profileName}'.");
        }
        else
        {
            // Environment, default profile, container or instance role: resolved on first use.
            var chain = new DefaultChainCredentials(config);
            client = new AmazonS3Client(chain, config);
            describe = () => "the default AWS credential chain" + AccessKeyOf(chain);
            log.Debug("S3 credentials: the default AWS credential chain.");
        }

        return new Result(client, region, endpoint, describe);
    }

    private static Uri? ParseEndpoint(string? endpoint, string location)
    {
        if (string.IsNullOrEmpty(endpoint))
        {
            return null;
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            throw new StorageException(StorageErrorKind.InvalidLocation, location, $"The endpoint '{endpoint}' is not an http:// or https:// URL (for example https://minio.example.com:9000).");
        }

        return uri;
    }

    private static string? DefaultProfileRegion(CredentialProfileStoreChain profiles)
    {
        var name = Environment.GetEnvironmentVariable("AWS_PROFILE");
        return profiles.TryGetProfile(string.IsNullOrEmpty(name) ? "default" : name, out var profile) ? profile.Region?.SystemName : null;
    }

    private static string? FirstNonEmpty(params string?[] values)
    {
        foreach (var value in values)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value!.Trim();
            }
        }

        return null;
    }

    private static string AccessKeyOf(AWSCredentials credentials)
    {
        try
        {
            return $" (access key '{credentials.GetCredentials().AccessKey}')";
        }
        catch (Exception ex) when (ex is AmazonClientException or InvalidOperationException or System.IO.IOException)
        {
            return string.Empty;
        }
    }

    private static string AccessKeyOf(DefaultChainCredentials chain)
    {
        try
        {
            return AccessKeyOf(chain.Resolve());
        }
        catch (Exception ex) when (ex is AmazonClientException or InvalidOperationException or System.IO.IOException)
        {
            return " (no credentials found)";
        }
    }

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

    /// <summary>
    /// One HTTP client per location whose server certificate check is ours (a private CA, or none at all
    /// when asked). The SDK asks for a client per request; handing back the same one keeps connections pooled.
    /// </summary>
    internal sealed class TrustingHttpClientFactory : HttpClientFactory, IDisposable
    {
        private readonly Func<System.Security.Cryptography.X509Certificates.X509Certificate2?, System.Net.Security.SslPolicyErrors, bool> validate;
        private readonly object gate = new();
        private HttpClient? client;

        public TrustingHttpClientFactory(Func<System.Security.Cryptography.X509Certificates.X509Certificate2?, System.Net.Security.SslPolicyErrors, bool> validate) =>
            this.validate = validate;

        public override HttpClient CreateHttpClient(IClientConfig clientConfig)
        {
            lock (gate)
            {
                if (client is null)
                {
#pragma warning disable CA2000 // The HttpClient owns and disposes the handler.
                    var handler = new HttpClientHandler
                    {
                        ServerCertificateCustomValidationCallback = (_, certificate, _, errors) => validate(certificate, errors),
                    };
#pragma warning restore CA2000
                    client = new HttpClient(handler, disposeHandler: true);
                    if (clientConfig?.Timeout is { } timeout)
                    {
                        client.Timeout = timeout;
                    }
                }

                return client;
            }
        }

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

        public void Dispose()
        {
            lock (gate)
            {
                client?.Dispose();
                client = null;
            }
        }
    }

    /// <summary>
    /// The SDK's default credential chain, resolved on first use like the SDK would, but failing with a
    /// <see cref="NoCredentialsFoundException"/>: a type the store turns into <see cref="StorageErrorKind.CredentialsUnavailable"/>
    /// (the SDK's own failure is a generic client exception whose message lists every provider's error).
    /// </summary>
    private sealed class DefaultChainCredentials : AWSCredentials
    {
        private readonly IClientConfig config;
        private volatile AWSCredentials? resolved;

        public DefaultChainCredentials(IClientConfig config) => this.config = config;

        public override ImmutableCredentials GetCredentials() => Resolve().GetCredentials();

        // The SDK's signature has no token; the chain's own timeouts bound the wait.
        public override async System.Threading.Tasks.Task<ImmutableCredentials> GetCredentialsAsync()
        {
            if (resolved is null)
            {
                try
                {
                    resolved = await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(config).ConfigureAwait(false);
                }
                catch (AmazonClientException ex)
                {
                    throw new NoCredentialsFoundException(ex);
                }
            }

            return await resolved.GetCredentialsAsync().ConfigureAwait(false);
        }

        public AWSCredentials Resolve()
        {
            try
            {
                return resolved ??= DefaultAWSCredentialsIdentityResolver.GetCredentials(config);
            }
            catch (AmazonClientException ex)
            {
                throw new NoCredentialsFoundException(ex);
            }
        }
    }
}

/// <summary>The default AWS credential chain found no credentials (the SDK's explanation is the inner exception).</summary>
internal sealed class NoCredentialsFoundException : AmazonClientException
{
    public NoCredentialsFoundException(Exception innerException)
        : base("No AWS credentials were found by the default credential chain.", innerException)
    {
    }
}
