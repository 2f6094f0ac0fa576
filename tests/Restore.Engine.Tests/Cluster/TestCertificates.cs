using System;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Restore.Engine.Tests.Cluster;

/// <summary>Key types the client must accept, and the PEM form each is written in.</summary>
public enum TestKeyForm
{
    RsaPkcs1,
    RsaPkcs8,
    EcP256Sec1,
    EcP256Pkcs8,
    EcP384Sec1,
    EcP384Pkcs8,
    EcP521Sec1,
    EcP521Pkcs8,
    EcP256Sec1WithParametersBlock,
}

/// <summary>A CA, a server certificate for 127.0.0.1 and client certificates, generated per test run.</summary>
public sealed class TestCertificates : IDisposable
{
    public TestCertificates(string serverDnsName = "localhost", bool serverIpSan = true, int caKeyIndex = 0)
    {
        CaKey = KeyCache.Rsa(caKeyIndex);
        var caRequest = new CertificateRequest("CN=restore-test-ca-" + caKeyIndex, CaKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddDays(365));

        using var serverKey = KeyCache.Rsa(1);
        var serverRequest = new CertificateRequest("CN=kube-apiserver", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(serverDnsName);
        if (serverIpSan)
        {
            san.AddIpAddress(IPAddress.Loopback);
        }

        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        using var serverPublic = serverRequest.Create(Ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), Serial());
        Server = serverPublic.CopyWithPrivateKey(serverKey);
    }

    public RSA CaKey { get; }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server { get; }

    public byte[] CaPem => Encoding.ASCII.GetBytes(PemEncoding.Write("CERTIFICATE", Ca.RawData));

    /// <summary>Issues a client certificate with the key in <paramref name="form"/>; returns the PEM certificate and key.</summary>
    public (byte[] CertificatePem, byte[] KeyPem) IssueClient(string commonName, TestKeyForm form, int rsaKeyIndex = 2)
    {
        using AsymmetricAlgorithm key = IsRsa(form) ? KeyCache.Rsa(rsaKeyIndex) : ECDsa.Create(CurveFor(form));
        var request = key is RSA rsa
            ? new CertificateRequest("CN=" + commonName + ",O=system:masters", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest("CN=" + commonName + ",O=system:masters", (ECDsa)key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.2") }, false));
        using var certificate = request.Create(Ca.SubjectName, X509SignatureGenerator.CreateForRSA(CaKey, RSASignaturePadding.Pkcs1), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), Serial());
        return (Encoding.ASCII.GetBytes(PemEncoding.Write("CERTIFICATE", certificate.RawData)), KeyPem(key, form));
    }

    public static (byte[] CertificatePem, byte[] KeyPem, AsymmetricAlgorithm Key) SelfSigned(TestKeyForm form, int rsaKeyIndex = 3)
    {
        AsymmetricAlgorithm key = IsRsa(form) ? KeyCache.Rsa(rsaKeyIndex) : ECDsa.Create(CurveFor(form));
        var request = key is RSA rsa
            ? new CertificateRequest("CN=self", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest("CN=self", (ECDsa)key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return (Encoding.ASCII.GetBytes(PemEncoding.Write("CERTIFICATE", certificate.RawData)), KeyPem(key, form), key);
    }

    public static byte[] KeyPem(AsymmetricAlgorithm key, TestKeyForm form)
    {
        string text = form switch
        {
            TestKeyForm.RsaPkcs1 => PemEncoding.WriteString("RSA PRIVATE KEY", ((RSA)key).ExportRSAPrivateKey()),
            TestKeyForm.RsaPkcs8 or TestKeyForm.EcP256Pkcs8 or TestKeyForm.EcP384Pkcs8 or TestKeyForm.EcP521Pkcs8 => PemEncoding.WriteString("PRIVATE KEY", key.ExportPkcs8PrivateKey()),
            TestKeyForm.EcP256Sec1WithParametersBlock =>
                PemEncoding.WriteString("EC PARAMETERS", new byte[] { 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07 }) + "\n" +
                PemEncoding.WriteString("EC PRIVATE KEY", ((ECDsa)key).ExportECPrivateKey()),
            _ => PemEncoding.WriteString("EC PRIVATE KEY", ((ECDsa)key).ExportECPrivateKey()),
        };
        return Encoding.ASCII.GetBytes(text + "\n");
    }

    public static bool IsRsa(TestKeyForm form) => form is TestKeyForm.RsaPkcs1 or TestKeyForm.RsaPkcs8;

    public static ECCurve CurveFor(TestKeyForm form) => form switch
    {
        TestKeyForm.EcP384Sec1 or TestKeyForm.EcP384Pkcs8 => ECCurve.NamedCurves.nistP384,
        TestKeyForm.EcP521Sec1 or TestKeyForm.EcP521Pkcs8 => ECCurve.NamedCurves.nistP521,
        _ => ECCurve.NamedCurves.nistP256,
    };

    /// <summary>True when <paramref name="certificate"/> was issued by this CA (server-side client-cert check).</summary>
    public bool Issued(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        return chain.Build(certificate);
    }

    public void Dispose()
    {
        Server.Dispose();
        Ca.Dispose();
        CaKey.Dispose();
    }

    private static byte[] Serial() => Guid.NewGuid().ToByteArray()[..8];
}

/// <summary>RSA key generation is slow on a busy machine: generate a few 2048-bit keys once and hand out copies.</summary>
internal static class KeyCache
{
    private static readonly Lazy<RSAParameters>[] Keys = Enumerable.Range(0, 6).Select(_ => new Lazy<RSAParameters>(() =>
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportParameters(true);
    })).ToArray();

    /// <summary>A new RSA object holding cached key number <paramref name="index"/> (the caller disposes it).</summary>
    public static RSA Rsa(int index)
    {
        var rsa = RSA.Create();
        rsa.ImportParameters(Keys[index].Value);
        return rsa;
    }
}
