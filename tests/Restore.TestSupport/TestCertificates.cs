using System;
using System.IO;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Restore.TestSupport;

/// <summary>A private CA and a server certificate for 127.0.0.1/localhost, as PEM files in a temporary folder.</summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(string folder) => Folder = folder;

    /// <summary>The folder holding the files.</summary>
    public string Folder { get; }

    /// <summary>The CA certificate (PEM), what users pass as -CaBundle.</summary>
    public string CaCertificatePem => Path.Combine(Folder, "ca.pem");

    /// <summary>A second, unrelated CA (PEM), which must not be trusted for the server.</summary>
    public string OtherCaCertificatePem => Path.Combine(Folder, "other-ca.pem");

    /// <summary>The server certificate signed by the CA (PEM).</summary>
    public string ServerCertificatePem => Path.Combine(Folder, "server.pem");

    /// <summary>The server's private key (PKCS#8 PEM).</summary>
    public string ServerKeyPem => Path.Combine(Folder, "server-key.pem");

    /// <summary>Creates the certificates.</summary>
    public static TestCertificates Create()
    {
        var folder = Path.Combine(Path.GetTempPath(), "restore-certs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var result = new TestCertificates(folder);
        using var ca = CreateCa("Restore Test CA");
        using var other = CreateCa("Some Other CA");
        File.WriteAllText(result.CaCertificatePem, ca.ExportCertificatePem());
        File.WriteAllText(result.OtherCaCertificatePem, other.ExportCertificatePem());

        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        var serial = new byte[8];
        RandomNumberGenerator.Fill(serial);
        using var server = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7), serial);
        File.WriteAllText(result.ServerCertificatePem, server.ExportCertificatePem());
        File.WriteAllText(result.ServerKeyPem, key.ExportPkcs8PrivateKeyPem());
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static X509Certificate2 CreateCa(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }
}
