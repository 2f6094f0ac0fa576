using System;
using System.Collections.Generic;
using System.Text;

namespace Restore.Engine.Cluster;

/// <summary>How a connection authenticates, by the method that identifies the user.</summary>
internal enum ClusterAuthKind
{
    /// <summary>No credentials (anonymous, or a client certificate handled by <see cref="ClusterCredentials.HasClientCertificate"/> alone is reported as <see cref="ClientCertificate"/>).</summary>
    None,

    /// <summary>A bearer token given inline.</summary>
    Token,

    /// <summary>A bearer token read from a file, re-read as it rotates (service-account tokens).</summary>
    TokenFile,

    /// <summary>A TLS client certificate and key.</summary>
    ClientCertificate,

    /// <summary>An exec credential plugin such as <c>aws eks get-token</c>, <c>kubelogin</c> or <c>gke-gcloud-auth-plugin</c>.</summary>
    Exec,

    /// <summary>HTTP basic authentication (user name and password).</summary>
    Basic,
}

/// <summary>
/// Where and how to reach one cluster: the result of reading a kubeconfig context or the in-cluster
/// service account. <see cref="ToString"/> never shows credentials.
/// </summary>
internal sealed class ClusterConnectionSettings
{
    /// <summary>The API server URL, such as <c>https://10.0.0.1:6443</c>. May carry a path prefix.</summary>
    public Uri Server { get; init; } = new Uri("https://localhost");

    /// <summary>The kubeconfig context these settings came from; null for in-cluster or hand-built settings.</summary>
    public string? ContextName { get; init; }

    /// <summary>The kubeconfig cluster entry name.</summary>
    public string? ClusterName { get; init; }

    /// <summary>The kubeconfig user entry name (not necessarily the user name the cluster sees).</summary>
    public string? UserEntryName { get; init; }

    /// <summary>The context's default namespace (or the pod's namespace in-cluster); null when not set.</summary>
    public string? Namespace { get; init; }

    /// <summary>PEM bytes of the CA certificates to trust for the server; null to use the system trust store.</summary>
    public byte[]? CertificateAuthorityData { get; init; }

    /// <summary>The file <see cref="CertificateAuthorityData"/> was read from, for messages; null when inline.</summary>
    public string? CertificateAuthorityFile { get; init; }

    /// <summary>The name to check the server certificate against instead of the host in <see cref="Server"/>.</summary>
    public string? TlsServerName { get; init; }

    /// <summary>True to skip server certificate checks. Insecure: the client warns when it is used.</summary>
    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>The proxy to reach the server through; null to use the system/environment proxy settings.</summary>
    public Uri? ProxyUrl { get; init; }

    /// <summary>How to authenticate. Holds secrets; its <see cref="object.ToString"/> does not show them.</summary>
    public ClusterCredentials Credentials { get; init; } = new ClusterCredentials();

    /// <summary>True when the settings came from the pod's service account.</summary>
    public bool IsInCluster { get; init; }

    /// <summary>The kubeconfig files that were read, in merge order.</summary>
    public IReadOnlyList<string> SourceFiles { get; init; } = Array.Empty<string>();

    /// <summary>The name to show users: the context name, or the server URL.</summary>
    public string DisplayName => string.IsNullOrEmpty(ContextName) ? Server.ToString().TrimEnd('/') : ContextName!;

    /// <summary>The authentication method.</summary>
    public ClusterAuthKind AuthKind => Credentials.AuthKind;

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(DisplayName).Append(" (").Append(RedactUserInfo(Server)).Append(", auth: ").Append(Credentials);
        if (InsecureSkipTlsVerify)
        {
            text.Append(", TLS verification disabled");
        }

        if (ProxyUrl is not null)
        {
            text.Append(", proxy ").Append(RedactUserInfo(ProxyUrl));
        }

        return text.Append(')').ToString();
    }

    /// <summary>A URL without its user-info part (which may hold a password).</summary>
    internal static string RedactUserInfo(Uri uri)
    {
        if (!uri.IsAbsoluteUri || string.IsNullOrEmpty(uri.UserInfo))
        {
            return uri.ToString().TrimEnd('/');
        }

        var builder = new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty };
        return builder.Uri.ToString().TrimEnd('/');
    }
}

/// <summary>
/// Credentials for one connection. Contains secrets (token, key, password): never log its members.
/// <see cref="ToString"/> names only the method.
/// </summary>
internal sealed class ClusterCredentials
{
    /// <summary>Bearer token (secret).</summary>
    public string? Token { get; init; }

    /// <summary>File holding a bearer token; re-read periodically so rotated tokens are picked up.</summary>
    public string? TokenFile { get; init; }

    /// <summary>Basic-auth user name.</summary>
    public string? Username { get; init; }

    /// <summary>Basic-auth password (secret).</summary>
    public string? Password { get; init; }

    /// <summary>PEM client certificate (inline or read from <see cref="ClientCertificateFile"/>).</summary>
    public byte[]? ClientCertificateData { get; init; }

    /// <summary>Where the client certificate came from, for messages.</summary>
    public string? ClientCertificateFile { get; init; }

    /// <summary>PEM client key (secret): RSA or EC in PKCS#1, PKCS#8 or SEC1 form.</summary>
    public byte[]? ClientKeyData { get; init; }

    /// <summary>Where the client key came from, for messages.</summary>
    public string? ClientKeyFile { get; init; }

    /// <summary>The exec credential plugin, when one is configured.</summary>
    public ExecCredentialSettings? Exec { get; init; }

    /// <summary>User to impersonate (<c>as</c> in kubeconfig); null for none.</summary>
    public string? ImpersonateUser { get; init; }

    /// <summary>Groups to impersonate (<c>as-groups</c>).</summary>
    public IReadOnlyList<string> ImpersonateGroups { get; init; } = Array.Empty<string>();

    /// <summary>True when a client certificate and key are configured.</summary>
    public bool HasClientCertificate => ClientCertificateData is not null && ClientKeyData is not null;

    /// <summary>The method that identifies the user (an exec plugin wins over a token, a token over a certificate).</summary>
    public ClusterAuthKind AuthKind =>
        Exec is not null ? ClusterAuthKind.Exec
        : !string.IsNullOrEmpty(Token) ? ClusterAuthKind.Token
        : !string.IsNullOrEmpty(TokenFile) ? ClusterAuthKind.TokenFile
        : !string.IsNullOrEmpty(Username) ? ClusterAuthKind.Basic
        : HasClientCertificate ? ClusterAuthKind.ClientCertificate
        : ClusterAuthKind.None;

    /// <inheritdoc />
    public override string ToString() => AuthKind switch
    {
        ClusterAuthKind.Exec => "exec plugin " + Exec!.Command,
        ClusterAuthKind.TokenFile => "token file " + TokenFile,
        ClusterAuthKind.Basic => "basic (user " + Username + ")",
        _ => AuthKind.ToString(),
    } + (HasClientCertificate && AuthKind != ClusterAuthKind.ClientCertificate ? " + client certificate" : string.Empty);
}

/// <summary>
/// An exec credential plugin (client.authentication.k8s.io v1 or v1beta1), as in a kubeconfig user's
/// <c>exec</c> section. The plugin prints an ExecCredential whose token or client certificate is cached
/// until its <c>expirationTimestamp</c>.
/// </summary>
internal sealed class ExecCredentialSettings
{
    /// <summary>The command to run. A relative path containing a directory separator is resolved against the kubeconfig file's directory.</summary>
    public string Command { get; init; } = string.Empty;

    /// <summary>Arguments, passed as separate arguments.</summary>
    public IReadOnlyList<string> Args { get; init; } = Array.Empty<string>();

    /// <summary>Extra environment variables for the plugin (values may be sensitive; never logged).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Env { get; init; } = Array.Empty<KeyValuePair<string, string>>();

    /// <summary>The ExecCredential API version, such as <c>client.authentication.k8s.io/v1</c>.</summary>
    public string ApiVersion { get; init; } = "client.authentication.k8s.io/v1";

    /// <summary>Text to show when the command is not found.</summary>
    public string? InstallHint { get; init; }

    /// <summary>True to pass the cluster details to the plugin in <c>KUBERNETES_EXEC_INFO</c>.</summary>
    public bool ProvideClusterInfo { get; init; }

    /// <summary><c>Never</c>, <c>IfAvailable</c> or <c>Always</c>. Plugins always run non-interactively here.</summary>
    public string InteractiveMode { get; init; } = "IfAvailable";

    /// <summary>The directory of the kubeconfig file that defined the plugin; null when unknown.</summary>
    public string? BaseDirectory { get; init; }

    /// <inheritdoc />
    public override string ToString() => Command + " (" + ApiVersion + ")";
}
