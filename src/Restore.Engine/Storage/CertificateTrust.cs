using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Restore.Engine.Storage;

/// <summary>
/// Server certificate checks for S3 endpoints with a private CA: the certificate must chain to one of
/// the bundle's certificates and match the host name. netstandard2.0 has no custom trust store, so the
/// chain is built with the bundle as extra certificates and its anchor compared by content.
/// </summary>
internal sealed class CertificateTrust
{
    private readonly List<X509Certificate2> anchors;

    private CertificateTrust(List<X509Certificate2> anchors) => this.anchors = anchors;

    /// <summary>Number of certificates in the bundle.</summary>
    public int Count => anchors.Count;

    /// <summary>Loads a PEM bundle (one or more CERTIFICATE blocks) or a single DER certificate.</summary>
    public static CertificateTrust Load(string path, string location)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException(StorageErrorKind.InvalidLocation, location, $"Cannot read the CA bundle '{path}': {ex.Message}", innerException: ex);
        }

        return Parse(bytes, path, location);
    }

    /// <summary>Parses bundle bytes; see <see cref="Load"/>.</summary>
    public static CertificateTrust Parse(byte[] bytes, string path, string location)
    {
        const string Begin = "-----BEGIN CERTIFICATE-----";
        const string End = "-----END CERTIFICATE-----";
        var anchors = new List<X509Certificate2>();
        var text = Encoding.ASCII.GetString(bytes);
        try
        {
            if (text.IndexOf(Begin, StringComparison.Ordinal) < 0)
            {
                anchors.Add(new X509Certificate2(bytes));
            }
            else
            {
                var at = 0;
                while ((at = text.IndexOf(Begin, at, StringComparison.Ordinal)) >= 0)
                {
                    var start = at + Begin.Length;
                    var end = text.IndexOf(End, start, StringComparison.Ordinal);
                    if (end < 0)
                    {
                        throw new FormatException("a certificate block has no END line");
                    }

                    anchors.Add(new X509Certificate2(Convert.FromBase64String(text.Substring(start, end - start))));
                    at = end + End.Length;
                }
            }
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            throw new StorageException(StorageErrorKind.InvalidLocation, location, $"The CA bundle '{path}' is not a PEM or DER certificate file: {ex.Message}", innerException: ex);
        }

        return new CertificateTrust(anchors);
    }

    /// <summary>The TLS validation decision for one server certificate.</summary>
    public bool Validate(X509Certificate2? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // A wrong host name or no certificate at all is never excused by a private CA.
        if (certificate is null || errors != SslPolicyErrors.RemoteCertificateChainErrors)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
        foreach (var anchor in anchors)
        {
            chain.ChainPolicy.ExtraStore.Add(anchor);
        }

        if (!chain.Build(certificate))
        {
            foreach (var status in chain.ChainStatus)
            {
                if (status.Status is not (X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain or X509ChainStatusFlags.NoError))
                {
                    return false;
                }
            }
        }

        foreach (var element in chain.ChainElements)
        {
            foreach (var anchor in anchors)
            {
                if (element.Certificate.RawData.AsSpan().SequenceEqual(anchor.RawData))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
