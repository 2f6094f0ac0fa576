using System;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Restore.Engine.Cluster.Crypto;
using Xunit;

namespace Restore.Engine.Tests.Cluster;

public class PemKeyTests
{
    public static TheoryData<TestKeyForm> AllForms() => new(Enum.GetValues<TestKeyForm>());

    [Theory]
    [MemberData(nameof(AllForms))]
    public void BuildsAClientCertificateWhosePrivateKeySigns(TestKeyForm form)
    {
        var (certificatePem, keyPem, key) = TestCertificates.SelfSigned(form);
        using (key)
        using (var certificate = CertificateLoader.CreateClientCertificate(certificatePem, "cert.pem", keyPem, "key.pem"))
        {
            Assert.True(certificate.HasPrivateKey);
            var data = Encoding.UTF8.GetBytes("sign me");
            if (TestCertificates.IsRsa(form))
            {
                using var privateKey = certificate.GetRSAPrivateKey()!;
                var signature = privateKey.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                Assert.True(((RSA)key).VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            }
            else
            {
                using var privateKey = certificate.GetECDsaPrivateKey()!;
                var signature = privateKey.SignData(data, HashAlgorithmName.SHA256);
                Assert.True(((ECDsa)key).VerifyData(data, signature, HashAlgorithmName.SHA256));
            }
        }
    }

    [Theory]
    [InlineData(TestKeyForm.RsaPkcs1, "Pkcs1")]
    [InlineData(TestKeyForm.RsaPkcs8, "Pkcs8")]
    [InlineData(TestKeyForm.EcP256Sec1, "Sec1")]
    [InlineData(TestKeyForm.EcP384Pkcs8, "Pkcs8")]
    [InlineData(TestKeyForm.EcP521Sec1, "Sec1")]
    [InlineData(TestKeyForm.EcP256Sec1WithParametersBlock, "Sec1")]
    public void ParsesTheSameParametersDotNetExports(TestKeyForm form, string expectedFormat)
    {
        var (_, keyPem, key) = TestCertificates.SelfSigned(form);
        using (key)
        {
            var parsed = PrivateKeyReader.Read(keyPem, "key.pem");

            Assert.Equal(expectedFormat, parsed.Format.ToString());
            if (key is RSA rsa)
            {
                AssertRsaEqual(rsa.ExportParameters(true), parsed.Rsa!.Value);
            }
            else
            {
                var expected = ((ECDsa)key).ExportParameters(true);
                var actual = parsed.Ec!.Value;
                Assert.Equal(expected.D, actual.D);
                Assert.Equal(expected.Q.X, actual.Q.X);
                Assert.Equal(expected.Q.Y, actual.Q.Y);
                Assert.Equal(expected.Curve.Oid.Value, actual.Curve.Oid.Value);
            }
        }
    }

    [Fact]
    public void PadsRsaComponentsThatHaveLeadingZeroBytes()
    {
        // DER integers drop leading zeros; CAPI on .NET Framework needs fixed sizes. Find a key where that matters.
        for (var i = 0; i < 3000; i++)
        {
            using var rsa = RSA.Create(512);
            var expected = rsa.ExportParameters(true);
            if (new[] { expected.D!, expected.P!, expected.Q!, expected.DP!, expected.DQ!, expected.InverseQ! }.All(c => c[0] != 0))
            {
                continue;
            }

            var parsed = PrivateKeyReader.ReadPkcs1(rsa.ExportRSAPrivateKey());
            AssertRsaEqual(expected, parsed);
            using var imported = RSA.Create();
            imported.ImportParameters(parsed);
            return;
        }

        Assert.Fail("No RSA key with a short component was generated in 3000 tries.");
    }

    [Fact]
    public void RejectsAKeyThatDoesNotMatchTheCertificate()
    {
        var (certificatePem, _, key1) = TestCertificates.SelfSigned(TestKeyForm.RsaPkcs1);
        var (_, otherKeyPem, key2) = TestCertificates.SelfSigned(TestKeyForm.RsaPkcs1, rsaKeyIndex: 4);
        key1.Dispose();
        key2.Dispose();

        var error = Assert.Throws<FormatException>(() => CertificateLoader.CreateClientCertificate(certificatePem, "cert.pem", otherKeyPem, "other.key"));

        Assert.Contains("does not belong to the client certificate", error.Message, StringComparison.Ordinal);
        Assert.Contains("other.key", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", "encrypted")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n", "encrypted")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "No private key was found")]
    [InlineData("not pem at all", "not PEM text")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMAMCAQA=\n-----END RSA PRIVATE KEY-----\n", "PKCS#1 RSA client key")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nMBQCAQAwBQYDK2VwBAgECAAAAAAAAAA=\n-----END PRIVATE KEY-----\n", "Ed25519")]
    public void ExplainsUnusableKeys(string pem, string expected)
    {
        var error = Assert.Throws<FormatException>(() => PrivateKeyReader.Read(Encoding.ASCII.GetBytes(pem), "client-key-data"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("client-key-data", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyErrorsDoNotEchoKeyMaterial()
    {
        using var rsa = KeyCache.Rsa(5);
        var der = rsa.ExportRSAPrivateKey();
        var truncated = PemEncoding.WriteString("RSA PRIVATE KEY", der[..(der.Length / 2)]);
        var body = Convert.ToBase64String(der[..(der.Length / 2)]);

        var error = Assert.Throws<FormatException>(() => PrivateKeyReader.Read(Encoding.ASCII.GetBytes(truncated), "client-key-data"));

        Assert.Contains("is not valid", error.Message, StringComparison.Ordinal);
        for (var i = 0; i + 16 <= body.Length; i += 16)
        {
            Assert.DoesNotContain(body.Substring(i, 16), error.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void LoadsEveryCertificateOfABundle()
    {
        using var a = new TestCertificates();
        using var b = new TestCertificates(caKeyIndex: 4);
        var bundle = Encoding.ASCII.GetString(a.CaPem) + "\n# comment\n" + Encoding.ASCII.GetString(b.CaPem);

        var certificates = CertificateLoader.LoadCertificates(Encoding.ASCII.GetBytes(bundle), "ca.crt");

        Assert.Equal(2, certificates.Count);
        Assert.Equal(a.Ca.Thumbprint, certificates[0].Thumbprint);
        Assert.Equal(b.Ca.Thumbprint, certificates[1].Thumbprint);
    }

    [Fact]
    public void ReadsSubjectAltNamesAndMatchesWildcards()
    {
        using var rsa = KeyCache.Rsa(5);
        var request = new CertificateRequest("CN=x", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("*.example.com");
        san.AddDnsName("kube.internal");
        san.AddIpAddress(System.Net.IPAddress.Parse("10.0.0.1"));
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        Assert.True(Restore.Engine.Cluster.ServerCertificateValidator.MatchesName(certificate, "api.example.com"));
        Assert.False(Restore.Engine.Cluster.ServerCertificateValidator.MatchesName(certificate, "a.b.example.com"));
        Assert.True(Restore.Engine.Cluster.ServerCertificateValidator.MatchesName(certificate, "KUBE.internal"));
        Assert.True(Restore.Engine.Cluster.ServerCertificateValidator.MatchesName(certificate, "10.0.0.1"));
        Assert.False(Restore.Engine.Cluster.ServerCertificateValidator.MatchesName(certificate, "10.0.0.2"));
        Assert.False(Restore.Engine.Cluster.ServerCertificateValidator.MatchesName(certificate, "other.internal"));
    }

    private static void AssertRsaEqual(RSAParameters expected, RSAParameters actual)
    {
        Assert.Equal(expected.Modulus, actual.Modulus);
        Assert.Equal(expected.Exponent, actual.Exponent);
        Assert.Equal(expected.D, actual.D);
        Assert.Equal(expected.P, actual.P);
        Assert.Equal(expected.Q, actual.Q);
        Assert.Equal(expected.DP, actual.DP);
        Assert.Equal(expected.DQ, actual.DQ);
        Assert.Equal(expected.InverseQ, actual.InverseQ);
    }
}
