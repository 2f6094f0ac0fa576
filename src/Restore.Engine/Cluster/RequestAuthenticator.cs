using System;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster.Crypto;

namespace Restore.Engine.Cluster;

/// <summary>The credentials for one request.</summary>
internal sealed class RequestCredentials
{
    public static readonly RequestCredentials None = new(null, null, null);

    public RequestCredentials(string? authorization, ExecCredential? execCredential, string? clientCertificateKey)
    {
        Authorization = authorization;
        ExecCredential = execCredential;
        ClientCertificateKey = clientCertificateKey;
    }

    /// <summary>The Authorization header value (secret); null for none.</summary>
    public string? Authorization { get; }

    /// <summary>The exec credential used, so a 401 can mark it as rejected.</summary>
    public ExecCredential? ExecCredential { get; }

    /// <summary>Identifies an exec-provided client certificate; null when the static handler applies.</summary>
    public string? ClientCertificateKey { get; }
}

/// <summary>Produces Authorization headers (and exec client certificates) for requests.</summary>
internal sealed class RequestAuthenticator : IDisposable
{
    // client-go re-reads token files every minute so rotated service-account tokens are used.
    private static readonly TimeSpan TokenFileRefresh = TimeSpan.FromMinutes(1);

    private readonly ClusterCredentials credentials;
    private readonly IKubeClock clock;
    private readonly SecretRedactor redactor;
    private readonly ExecCredentialProvider? exec;
    private readonly object gate = new();
    private string? fileToken;
    private DateTimeOffset fileTokenRead;

    public RequestAuthenticator(ClusterConnectionSettings settings, KubernetesClientOptions options, SecretRedactor redactor)
    {
        credentials = settings.Credentials;
        clock = options.Clock;
        this.redactor = redactor;
        redactor.Add(credentials.Token);
        redactor.Add(credentials.Password);
        if (credentials.Exec is not null)
        {
            exec = new ExecCredentialProvider(credentials.Exec, settings, options.Clock, options.ExecTimeout, options.Log, redactor);
        }
    }

    /// <summary>True when a 401 may be cured by getting new credentials (exec plugin or token file).</summary>
    public bool CanRefresh => exec is not null || (credentials.AuthKind == ClusterAuthKind.TokenFile);

    public ExecCredentialProvider? Exec => exec;

    /// <summary>Client certificates built from exec output, by credential (cached by the client).</summary>
    public static X509Certificate2 BuildExecClientCertificate(ExecCredential credential) =>
        CertificateLoader.CreateClientCertificate(
            Encoding.ASCII.GetBytes(credential.ClientCertificateData!),
            "the exec plugin's clientCertificateData",
            Encoding.ASCII.GetBytes(credential.ClientKeyData!),
            "the exec plugin's clientKeyData");

    /// <summary>Gets credentials; <paramref name="rejected"/> is what the server refused last time, forcing a refresh.</summary>
    public async Task<RequestCredentials> GetAsync(RequestCredentials? rejected, CancellationToken cancellationToken)
    {
        if (exec is not null)
        {
            var credential = await exec.GetAsync(rejected?.ExecCredential, cancellationToken).ConfigureAwait(false);
            var certificateKey = credential.ClientCertificateData is null ? null : credential.ClientCertificateData + "\n" + credential.ClientKeyData;
            return new RequestCredentials(credential.Token is null ? null : "Bearer " + credential.Token, credential, certificateKey);
        }

        switch (credentials.AuthKind)
        {
            case ClusterAuthKind.Token:
                return new RequestCredentials("Bearer " + credentials.Token, null, null);
            case ClusterAuthKind.TokenFile:
                return new RequestCredentials("Bearer " + ReadTokenFile(rejected is not null), null, null);
            case ClusterAuthKind.Basic:
                var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials.Username + ":" + credentials.Password));
                redactor.Add(basic);
                return new RequestCredentials("Basic " + basic, null, null);
            default:
                return RequestCredentials.None;
        }
    }

    public void Dispose() => exec?.Dispose();

    private string ReadTokenFile(bool force)
    {
        lock (gate)
        {
            var now = clock.UtcNow;
            if (!force && fileToken is not null && now - fileTokenRead < TokenFileRefresh)
            {
                return fileToken;
            }

            string token;
            try
            {
                token = File.ReadAllText(credentials.TokenFile!).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (fileToken is not null)
                {
                    // Keep using the last good token; the file may be mid-rotation.
                    return fileToken;
                }

                throw new CredentialException($"The token file '{this.credentials.TokenFile}' cannot be read: {ex.Message}", ex);
            }

            if (token.Length == 0)
            {
                throw new CredentialException($"The token file '{this.credentials.TokenFile}' is empty.");
            }

            redactor.Add(token);
            fileToken = token;
            fileTokenRead = now;
            return token;
        }
    }
}
