using System;
using System.Collections.Generic;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Restore.TestApiServer;

/// <summary>
/// The server's private PKI: a CA, a serving certificate for 127.0.0.1/localhost and a client
/// certificate, all generated fresh per server so several servers never trust each other.
/// ECDSA P-256 keeps generation in the low milliseconds.
/// </summary>
public sealed class Certificates : IDisposable
{
    private Certificates(X509Certificate2 ca, X509Certificate2 server, X509Certificate2 client)
    {
        Ca = ca;
        Server = server;
        Client = client;
    }

    /// <summary>The certificate authority (with its private key).</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>The serving certificate (with its private key).</summary>
    public X509Certificate2 Server { get; }

    /// <summary>The client certificate for <see cref="TestApiServerOptions.ClientCertificateUser"/> (with its private key).</summary>
    public X509Certificate2 Client { get; }

    /// <summary>The CA certificate in PEM.</summary>
    public string CaPem => Ca.ExportCertificatePem();

    /// <summary>The client certificate in PEM.</summary>
    public string ClientCertificatePem => Client.ExportCertificatePem();

    /// <summary>The client key in PKCS#8 PEM.</summary>
    public string ClientKeyPem
    {
        get
        {
            using var key = Client.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The client certificate has no private key.");
            return key.ExportPkcs8PrivateKeyPem();
        }
    }

    /// <summary>Generates a CA, a serving certificate and a client certificate for <paramref name="clientUser"/> in <paramref name="clientGroups"/>.</summary>
    public static Certificates Generate(string clientUser, IReadOnlyList<string> clientGroups)
    {
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=restore-test-apiserver-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var caEphemeral = caRequest.CreateSelfSigned(now, now.AddYears(5));
        var ca = Persist(caEphemeral);

        var serverSan = new SubjectAlternativeNameBuilder();
        serverSan.AddIpAddress(IPAddress.Loopback);
        serverSan.AddDnsName("localhost");
        serverSan.AddDnsName("kubernetes.default.svc");
        var server = Issue(ca, "CN=kube-apiserver", now, serverSan.Build(), new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication"));

        // Kubernetes maps the subject CN to the user name and each O to a group.
        var subject = new X500DistinguishedNameBuilder();
        foreach (var group in clientGroups)
        {
            subject.AddOrganizationName(group);
        }

        subject.AddCommonName(clientUser);
        var client = Issue(ca, subject.Build(), now, null, new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication"));
        return new Certificates(ca, server, client);
    }

    /// <summary>True when <paramref name="certificate"/> was issued by this CA and is currently valid for client authentication.</summary>
    public bool IsTrustedClient(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.2"));
        return chain.Build(certificate);
    }

    /// <summary>True when <paramref name="certificate"/> is exactly this server's CA (for client-side validation).</summary>
    public bool IsServerChain(X509Certificate2? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
        Client.Dispose();
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, X500DistinguishedName subject, DateTimeOffset notBefore, X509Extension? san, Oid usage)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { usage }, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        if (san is not null)
        {
            request.CertificateExtensions.Add(san);
        }

        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        using var publicOnly = request.Create(ca, notBefore, notBefore.AddYears(2), serial);
        using var withKey = publicOnly.CopyWithPrivateKey(key);
        return Persist(withKey);
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, DateTimeOffset notBefore, X509Extension? san, Oid usage)
        => Issue(ca, new X500DistinguishedName(subject), notBefore, san, usage);

    // SslStream on Windows cannot use ephemeral keys; a PKCS#12 round trip gives a usable key everywhere.
    private static X509Certificate2 Persist(X509Certificate2 certificate)
        => X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
}
