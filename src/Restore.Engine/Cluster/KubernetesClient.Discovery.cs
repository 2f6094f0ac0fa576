using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster.Crypto;
using Restore.Engine.Common;

namespace Restore.Engine.Cluster;

/// <summary>The API server's version (<c>/version</c>).</summary>
internal sealed class KubernetesServerVersion
{
    /// <summary>Creates a version.</summary>
    public KubernetesServerVersion(string major, string minor, string gitVersion, string platform)
    {
        Major = major;
        Minor = minor;
        GitVersion = gitVersion;
        Platform = platform;
    }

    /// <summary>Major version, such as <c>1</c>.</summary>
    public string Major { get; }

    /// <summary>Minor version, such as <c>31</c> (some distributions add a <c>+</c>).</summary>
    public string Minor { get; }

    /// <summary>Full version, such as <c>v1.31.2</c> or <c>v1.30.4-eks-a737599</c>.</summary>
    public string GitVersion { get; }

    /// <summary>Platform, such as <c>linux/amd64</c>.</summary>
    public string Platform { get; }

    /// <inheritdoc />
    public override string ToString() => GitVersion;
}

/// <summary>Where a <see cref="ClusterIdentity"/> came from.</summary>
internal enum ClusterIdentitySource
{
    /// <summary>The server said so (SelfSubjectReview).</summary>
    SelfSubjectReview,

    /// <summary>The client certificate's common name.</summary>
    ClientCertificate,

    /// <summary>The <c>sub</c> claim of a JWT bearer token (service accounts, OIDC).</summary>
    Token,

    /// <summary>The basic-auth user name.</summary>
    BasicAuth,

    /// <summary>The kubeconfig user entry name (a guess).</summary>
    KubeConfigUser,

    /// <summary>Nothing identified the user.</summary>
    Unknown,
}

/// <summary>Who the client is, as far as can be told (used as the "created by" identity).</summary>
internal sealed class ClusterIdentity
{
    /// <summary>Creates an identity.</summary>
    public ClusterIdentity(string userName, IReadOnlyList<string> groups, ClusterIdentitySource source)
    {
        UserName = userName;
        Groups = groups;
        Source = source;
    }

    /// <summary>The user name, such as <c>kubernetes-admin</c> or <c>system:serviceaccount:velero:restore</c>.</summary>
    public string UserName { get; }

    /// <summary>Groups, when the server reported them.</summary>
    public IReadOnlyList<string> Groups { get; }

    /// <summary>How the name was found.</summary>
    public ClusterIdentitySource Source { get; }

    /// <inheritdoc />
    public override string ToString() => UserName;
}

/// <summary>Discovery, version and identity.</summary>
internal partial class KubernetesClient
{
    /// <summary>The log the client writes to (shared with discovery).</summary>
    internal IEngineLog Log => log;

    /// <summary>Reads the server version.</summary>
    public async Task<KubernetesServerVersion> GetServerVersionAsync(CancellationToken cancellationToken)
    {
        var request = new KubeRequest(HttpMethod.Get, "/version", "get", "server version");
        var body = RequireObject(await SendAsync(request, cancellationToken).ConfigureAwait(false), request);
        return new KubernetesServerVersion(
            (string?)body["major"] ?? string.Empty,
            (string?)body["minor"] ?? string.Empty,
            (string?)body["gitVersion"] ?? string.Empty,
            (string?)body["platform"] ?? string.Empty);
    }

    /// <summary>
    /// Discovers the groups, versions and resources the server serves. Group versions that fail (an
    /// unavailable aggregated API) are listed in <see cref="DiscoveryCatalog.FailedGroupVersions"/> and logged.
    /// </summary>
    public async Task<DiscoveryCatalog> DiscoverAsync(CancellationToken cancellationToken)
    {
        var (groups, failed) = await DiscoveryReader.ReadAsync(this, cancellationToken).ConfigureAwait(false);
        return new DiscoveryCatalog(this, groups, failed);
    }

    /// <summary>
    /// Finds out who the client is: a SelfSubjectReview (authentication.k8s.io/v1, then v1beta1), else
    /// the client certificate's CN, a JWT token's subject, the basic-auth user, or the kubeconfig user
    /// entry name. Only cancellation propagates; other failures fall back.
    /// </summary>
    public async Task<ClusterIdentity> WhoAmIAsync(CancellationToken cancellationToken)
    {
        foreach (var version in new[] { "v1", "v1beta1" })
        {
            var body = new JsonObject { ["apiVersion"] = "authentication.k8s.io/" + version, ["kind"] = "SelfSubjectReview" };
            var request = new KubeRequest(HttpMethod.Post, "/apis/authentication.k8s.io/" + version + "/selfsubjectreviews", "create", "selfsubjectreviews.authentication.k8s.io")
            {
                Body = body.ToJsonString(),
            };
            try
            {
                var review = await SendAsync(request, cancellationToken).ConfigureAwait(false) as JsonObject;
                var userInfo = (review?["status"] as JsonObject)?["userInfo"] as JsonObject;
                var name = (string?)userInfo?["username"];
                if (!string.IsNullOrEmpty(name))
                {
                    var groups = (userInfo!["groups"] as JsonArray)?.Select(g => (string?)g).Where(g => g is not null).Select(g => g!).ToList() ?? new List<string>();
                    return new ClusterIdentity(name!, groups, ClusterIdentitySource.SelfSubjectReview);
                }
            }
            catch (KubernetesNotFoundException)
            {
                // Older server: try the next version, then fall back.
            }
            catch (KubernetesApiException ex)
            {
                log.Debug("SelfSubjectReview failed; guessing the identity from the credentials", ("cluster", DisplayName), ("reason", ex.Reason));
                break;
            }
        }

        return await GuessIdentityAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The <c>sub</c> claim of a JWT, without verifying it; null when the token is not a JWT.</summary>
    internal static string? SubjectFromJwt(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            var json = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload))) as JsonObject;
            var subject = json?["sub"] is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;
            return string.IsNullOrEmpty(subject) ? null : subject;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private async Task<ClusterIdentity> GuessIdentityAsync(CancellationToken cancellationToken)
    {
        var certificate = clientCertificate;
        string? commonName = certificate is null ? null : CertificateLoader.GetCommonName(certificate);
        if (commonName is null && settings.Credentials.Exec is not null)
        {
            try
            {
                var credentials = await authenticator.GetAsync(null, cancellationToken).ConfigureAwait(false);
                if (credentials.ExecCredential?.ClientCertificateData is string pem)
                {
                    using var execCertificate = CertificateLoader.LoadCertificates(Encoding.ASCII.GetBytes(pem), "the exec plugin's clientCertificateData")[0];
                    commonName = CertificateLoader.GetCommonName(execCertificate);
                }
            }
            catch (Exception ex) when (ex is CredentialException or FormatException)
            {
                // Fall through to the other guesses.
            }
        }

        if (commonName is not null)
        {
            return new ClusterIdentity(commonName, Array.Empty<string>(), ClusterIdentitySource.ClientCertificate);
        }

        try
        {
            var credentials = await authenticator.GetAsync(null, cancellationToken).ConfigureAwait(false);
            const string bearer = "Bearer ";
            if (credentials.Authorization is not null && credentials.Authorization.StartsWith(bearer, StringComparison.Ordinal))
            {
                var subject = SubjectFromJwt(credentials.Authorization.Substring(bearer.Length));
                if (subject is not null)
                {
                    return new ClusterIdentity(subject, Array.Empty<string>(), ClusterIdentitySource.Token);
                }
            }
        }
        catch (CredentialException)
        {
            // Fall through.
        }

        if (!string.IsNullOrEmpty(settings.Credentials.Username))
        {
            return new ClusterIdentity(settings.Credentials.Username!, Array.Empty<string>(), ClusterIdentitySource.BasicAuth);
        }

        if (!string.IsNullOrEmpty(settings.UserEntryName))
        {
            return new ClusterIdentity(settings.UserEntryName!, Array.Empty<string>(), ClusterIdentitySource.KubeConfigUser);
        }

        return new ClusterIdentity("unknown", Array.Empty<string>(), ClusterIdentitySource.Unknown);
    }
}
