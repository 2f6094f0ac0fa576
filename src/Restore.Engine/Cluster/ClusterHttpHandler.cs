using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Restore.Engine.Cluster.Crypto;

namespace Restore.Engine.Cluster;

/// <summary>
/// Checks the API server's certificate: against the kubeconfig CA when one is given (and only it,
/// as kubectl does), else the system store; against <c>tls-server-name</c> when set.
/// </summary>
internal sealed class ServerCertificateValidator
{
    private const SslPolicyErrors ChainErrors = SslPolicyErrors.RemoteCertificateChainErrors;
    private static readonly X509ChainStatusFlags TolerableWithCustomCa = X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.RevocationStatusUnknown | X509ChainStatusFlags.OfflineRevocation;

    private readonly IReadOnlyList<X509Certificate2> trusted;
    private readonly string? serverName;
    private readonly bool insecure;

    public ServerCertificateValidator(IReadOnlyList<X509Certificate2>? trustedCertificateAuthorities, string? tlsServerName, bool insecureSkipTlsVerify)
    {
        trusted = trustedCertificateAuthorities ?? Array.Empty<X509Certificate2>();
        serverName = tlsServerName;
        insecure = insecureSkipTlsVerify;
    }

    /// <summary>Why the last rejected certificate was rejected (no secrets: subject and issuer names only).</summary>
    public string? LastFailure { get; private set; }

    public bool Validate(HttpRequestMessage? request, X509Certificate2? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (insecure)
        {
            return true;
        }

        if (certificate is null)
        {
            return Fail("the server sent no certificate");
        }

        if (serverName is not null)
        {
            errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
            if (!MatchesName(certificate, serverName))
            {
                return Fail($"the server certificate ({certificate.Subject}) is not valid for tls-server-name '{this.serverName}'");
            }
        }
        else if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return Fail($"the server certificate ({certificate.Subject}) is not valid for host '{request?.RequestUri?.Host}'");
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return Fail("the server sent no certificate");
        }

        if (trusted.Count == 0)
        {
            return (errors & ChainErrors) == 0 || Fail($"the server certificate ({certificate.Subject}, issued by {certificate.Issuer}) is not trusted by this computer and the kubeconfig has no certificate-authority");
        }

        return ValidateAgainstCustomAuthorities(certificate, chain);
    }

    internal static bool MatchesName(X509Certificate2 certificate, string name)
    {
        var (dnsNames, ipAddresses) = CertificateLoader.GetSubjectAltNames(certificate);
        if (IPAddress.TryParse(name.Trim('[', ']'), out var ip))
        {
            var bytes = ip.GetAddressBytes();
            return ipAddresses.Any(candidate => candidate.SequenceEqual(bytes));
        }

        return dnsNames.Any(pattern => MatchesDnsPattern(pattern, name));
    }

    internal static bool MatchesDnsPattern(string pattern, string name)
    {
        pattern = pattern.TrimEnd('.');
        name = name.TrimEnd('.');
        if (string.Equals(pattern, name, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // A wildcard covers exactly one left-most label.
        if (pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            var dot = name.IndexOf('.');
            return dot > 0 && string.Equals(pattern.Substring(1), name.Substring(dot), StringComparison.OrdinalIgnoreCase);
        }

        return false;
    }

    private bool ValidateAgainstCustomAuthorities(X509Certificate2 certificate, X509Chain? presented)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
        foreach (var authority in trusted)
        {
            chain.ChainPolicy.ExtraStore.Add(authority);
        }

        if (presented is not null)
        {
            // Intermediates the server sent.
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        chain.Build(certificate);
        var problems = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status) & ~TolerableWithCustomCa;
        if (problems != X509ChainStatusFlags.NoError)
        {
            return Fail($"the server certificate ({certificate.Subject}) failed validation: {problems}");
        }

        var anchored = chain.ChainElements.Cast<X509ChainElement>().Any(element => trusted.Any(authority => authority.RawData.SequenceEqual(element.Certificate.RawData)));
        return anchored || Fail($"the server certificate ({certificate.Subject}, issued by {certificate.Issuer}) is not signed by the kubeconfig's certificate-authority");
    }

    private bool Fail(string reason)
    {
        LastFailure = reason;
        return false;
    }
}

/// <summary>Builds the one <see cref="HttpClientHandler"/> a connection uses.</summary>
internal static class ClusterHttpHandler
{
    private static readonly bool IsNetFramework = RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

    public static HttpClientHandler Create(ClusterConnectionSettings settings, KubernetesClientOptions options, X509Certificate2? clientCertificate, ServerCertificateValidator validator)
    {
        EnsureModernTlsOnNetFramework();
        var handler = new HttpClientHandler();
        try
        {
            // Redirects could carry the Authorization header elsewhere; the API server does not redirect.
            handler.AllowAutoRedirect = false;
            handler.UseCookies = false;
            handler.AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate;
            handler.MaxConnectionsPerServer = options.MaxConnectionsPerServer;
            handler.ServerCertificateCustomValidationCallback = validator.Validate;
            if (clientCertificate is not null)
            {
                handler.ClientCertificateOptions = ClientCertificateOption.Manual;
                handler.ClientCertificates.Add(clientCertificate);
            }

            if (settings.ProxyUrl is not null)
            {
                if (IsNetFramework && settings.ProxyUrl.Scheme.StartsWith("socks", StringComparison.OrdinalIgnoreCase))
                {
                    throw new KubeConfigException($"The proxy-url of {settings.DisplayName} is a SOCKS proxy, which Windows PowerShell 5.1 (.NET Framework) cannot use; use PowerShell 7 or an HTTP proxy.");
                }

                handler.Proxy = CreateProxy(settings.ProxyUrl);
                handler.UseProxy = true;
            }

            return handler;
        }
        catch
        {
            handler.Dispose();
            throw;
        }
    }

    internal static IWebProxy CreateProxy(Uri proxyUrl)
    {
        var proxy = new WebProxy(new UriBuilder(proxyUrl) { UserName = string.Empty, Password = string.Empty }.Uri);
        if (!string.IsNullOrEmpty(proxyUrl.UserInfo))
        {
            var parts = proxyUrl.UserInfo.Split(new[] { ':' }, 2);
            proxy.Credentials = new NetworkCredential(Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty);
        }

        return proxy;
    }

    private static void EnsureModernTlsOnNetFramework()
    {
        // Windows PowerShell 5.1 may still default to SSL3/TLS 1.0, which API servers refuse.
        // Add TLS 1.2 (never remove anything, and leave "system default" alone).
        if (!IsNetFramework)
        {
            return;
        }

#pragma warning disable CA5364, CA5386 // We only add TLS 1.2 to whatever the host allows.
        var current = ServicePointManager.SecurityProtocol;
        if (current != 0 && (current & SecurityProtocolType.Tls12) == 0)
        {
            ServicePointManager.SecurityProtocol = current | SecurityProtocolType.Tls12;
        }
#pragma warning restore CA5364, CA5386
    }

    /// <summary>True when the exception chain shows a TLS handshake failure (not worth retrying).</summary>
    public static bool IsTlsFailure(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is AuthenticationException)
            {
                return true;
            }

            if (current is WebException web && (web.Status == WebExceptionStatus.TrustFailure || web.Status == WebExceptionStatus.SecureChannelFailure))
            {
                return true;
            }
        }

        return false;
    }
}
