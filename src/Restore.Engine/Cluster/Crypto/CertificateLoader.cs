using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Restore.Engine.Cluster.Crypto;

/// <summary>
/// Loads CA bundles and builds client certificates with their private keys in a way that works on
/// .NET Framework 4.7.2+ (Windows PowerShell 5.1) and on .NET 8+.
/// </summary>
internal static class CertificateLoader
{
    private const string SubjectAltNameOid = "2.5.29.17";

    /// <summary>Reads every certificate from PEM (or a single DER certificate).</summary>
    public static IReadOnlyList<X509Certificate2> LoadCertificates(byte[] data, string source)
    {
        try
        {
            if (!Pem.LooksLikePem(data))
            {
                return new[] { new X509Certificate2(data) };
            }

            var certificates = Pem.ReadAll(Encoding.ASCII.GetString(data))
                .Where(b => b.Label == "CERTIFICATE" || b.Label == "TRUSTED CERTIFICATE")
                .Select(b => new X509Certificate2(b.Der))
                .ToList();
            if (certificates.Count == 0)
            {
                throw new FormatException("no CERTIFICATE block was found");
            }

            return certificates;
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            throw new FormatException($"The certificate data from {source} is not valid: {ex.Message}", ex);
        }
    }

    /// <summary>Builds an <see cref="X509Certificate2"/> that carries the private key, for TLS client authentication.</summary>
    public static X509Certificate2 CreateClientCertificate(byte[] certificatePem, string certificateSource, byte[] keyPem, string keySource)
    {
        var certificate = LoadCertificates(certificatePem, certificateSource)[0];
        var parsed = PrivateKeyReader.Read(keyPem, keySource);
        using var key = parsed.CreateKey();
        EnsureKeyMatches(certificate, key, certificateSource, keySource);
        var withKey = CopyWithPrivateKey(certificate, key);
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && !RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
        {
            return withKey;
        }

        // SChannel and SecureTransport cannot use the ephemeral key CopyWithPrivateKey attaches;
        // a PKCS#12 round trip gives the certificate a key the platform TLS stack accepts.
        using (withKey)
        {
            var pfx = withKey.Export(X509ContentType.Pkcs12);
            try
            {
                return new X509Certificate2(pfx, (string?)null, X509KeyStorageFlags.Exportable);
            }
            finally
            {
                Array.Clear(pfx, 0, pfx.Length);
            }
        }
    }

    /// <summary>The common name of a certificate's subject, or null.</summary>
    public static string? GetCommonName(X509Certificate2 certificate)
    {
        var name = certificate.GetNameInfo(X509NameType.SimpleName, false);
        return string.IsNullOrEmpty(name) ? null : name;
    }

    /// <summary>DNS names and IP addresses in the subjectAltName extension.</summary>
    public static (IReadOnlyList<string> DnsNames, IReadOnlyList<byte[]> IpAddresses) GetSubjectAltNames(X509Certificate2 certificate)
    {
        var dns = new List<string>();
        var ips = new List<byte[]>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != SubjectAltNameOid)
            {
                continue;
            }

            var names = new DerReader(extension.RawData).ReadSequence();
            while (names.HasData)
            {
                var content = names.ReadContent(out var tag);
                if (tag == 0x82)
                {
                    dns.Add(Encoding.ASCII.GetString(content));
                }
                else if (tag == 0x87)
                {
                    ips.Add(content);
                }
            }
        }

        return (dns, ips);
    }

    private static void EnsureKeyMatches(X509Certificate2 certificate, AsymmetricAlgorithm key, string certificateSource, string keySource)
    {
        bool matches;
        if (key is RSA rsa)
        {
            using var publicKey = certificate.GetRSAPublicKey();
            matches = publicKey is not null && publicKey.ExportParameters(false).Modulus!.SequenceEqual(rsa.ExportParameters(false).Modulus!);
        }
        else if (key is ECDsa ec)
        {
            using var publicKey = certificate.GetECDsaPublicKey();
            matches = publicKey is not null && publicKey.ExportParameters(false).Q.X!.SequenceEqual(ec.ExportParameters(false).Q.X!);
        }
        else
        {
            matches = false;
        }

        if (!matches)
        {
            throw new FormatException($"The client key from {keySource} does not belong to the client certificate from {certificateSource}.");
        }
    }

    private static X509Certificate2 CopyWithPrivateKey(X509Certificate2 certificate, AsymmetricAlgorithm key)
    {
        // CopyWithPrivateKey exists on .NET Framework 4.7.2+ and .NET Core 2.0+, but not in the
        // netstandard2.0 surface: find it at run time.
        var (extensions, keyType) = key is RSA ? (typeof(RSACertificateExtensions), typeof(RSA)) : (typeof(ECDsaCertificateExtensions), typeof(ECDsa));
        var method = extensions.GetMethod("CopyWithPrivateKey", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(X509Certificate2), keyType }, null);
        if (method is null)
        {
            throw new PlatformNotSupportedException("This .NET runtime cannot attach a private key to a certificate (CopyWithPrivateKey is missing); .NET Framework 4.7.2 or later is required for client certificate authentication.");
        }

        try
        {
            return (X509Certificate2)method.Invoke(null, new object[] { certificate, key })!;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw new CryptographicException("The client key could not be attached to the client certificate: " + ex.InnerException.Message, ex.InnerException);
        }
    }
}
