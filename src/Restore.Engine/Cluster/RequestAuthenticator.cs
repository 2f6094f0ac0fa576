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

    private readonly ClusterCredentials _credentials;
    private readonly IKubeClock _clock;
    private readonly SecretRedactor _redactor;
    private readonly ExecCredentialProvider? _exec;
    private readonly object _gate = new();
    private string? _fileToken;
    private DateTimeOffset _fileTokenRead;

    public RequestAuthenticator(ClusterConnectionSettings settings, KubernetesClientOptions options, SecretRedactor redactor)
    {
        _credentials = settings.Credentials;
        _clock = options.Clock;
        _redactor = redactor;
        redactor.Add(_credentials.Token);
        redactor.Add(_credentials.Password);
        if (_credentials.Exec is not null)
        {
            _exec = new ExecCredentialProvider(_credentials.Exec, settings, options.Clock, options.ExecTimeout, options.Log, redactor);
        }
    }

    /// <summary>True when a 401 may be cured by getting new credentials (exec plugin or token file).</summary>
    public bool CanRefresh => _exec is not null || (_credentials.AuthKind == ClusterAuthKind.TokenFile);

    public ExecCredentialProvider? Exec => _exec;

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
        if (_exec is not null)
        {
            var credential = await _exec.GetAsync(rejected?.ExecCredential, cancellationToken).ConfigureAwait(false);
            var certificateKey = credential.ClientCertificateData is null ? null : credential.ClientCertificateData + "\n" + credential.ClientKeyData;
            return new RequestCredentials(credential.Token is null ? null : "Bearer " + credential.Token, credential, certificateKey);
        }

        switch (_credentials.AuthKind)
        {
            case ClusterAuthKind.Token:
                return new RequestCredentials("Bearer " + _credentials.Token, null, null);
            case ClusterAuthKind.TokenFile:
                return new RequestCredentials("Bearer " + ReadTokenFile(rejected is not null), null, null);
            case ClusterAuthKind.Basic:
                var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(_credentials.Username + ":" + _credentials.Password));
                _redactor.Add(basic);
                return new RequestCredentials("Basic " + basic, null, null);
            default:
                return RequestCredentials.None;
        }
    }

    public void Dispose() => _exec?.Dispose();

    private string ReadTokenFile(bool force)
    {
        lock (_gate)
        {
            var now = _clock.UtcNow;
            if (!force && _fileToken is not null && now - _fileTokenRead < TokenFileRefresh)
            {
                return _fileToken;
            }

            string token;
            try
            {
                token = File.ReadAllText(_credentials.TokenFile!).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (_fileToken is not null)
                {
                    // Keep using the last good token; the file may be mid-rotation.
                    return _fileToken;
                }

                throw new CredentialException($"The token file '{_credentials.TokenFile}' cannot be read: {ex.Message}", ex);
            }

            if (token.Length == 0)
            {
                throw new CredentialException($"The token file '{_credentials.TokenFile}' is empty.");
            }

            _redactor.Add(token);
            _fileToken = token;
            _fileTokenRead = now;
            return token;
        }
    }
}
