using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Storage;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Storage;

/// <summary>One HTTPS s3rver whose certificate comes from a private CA, started on first use.</summary>
public sealed class TlsS3rverFixture : IDisposable
{
    private readonly Lazy<(TestCertificates Certificates, S3rverServer Server)> started = new(() =>
    {
        var certificates = TestCertificates.Create();
        return (certificates, S3rverServer.Start(certificates.ServerKeyPem, certificates.ServerCertificatePem));
    });

    public TestCertificates Certificates => started.Value.Certificates;

    public S3rverServer Server => started.Value.Server;

    public void Dispose()
    {
        if (started.IsValueCreated)
        {
            started.Value.Server.Dispose();
            started.Value.Certificates.Dispose();
        }
    }
}

[Collection(S3rverFixture.Collection)]
public sealed class S3TlsTests : IClassFixture<TlsS3rverFixture>
{
    private readonly TlsS3rverFixture tls;

    public S3TlsTests(TlsS3rverFixture tls) => this.tls = tls;

    private StorageLocationOptions Options(string bucket)
    {
        var options = tls.Server.Options(bucket);
        options.MaxRetries = 0;
        return options;
    }

    private async Task<string> Bucket()
    {
        // Setup trusts anything; only the code under test checks certificates.
        var name = "tls-" + Guid.NewGuid().ToString("N").Substring(0, 12);
        await CreateBucketTrustingAnyCertificate(name);
        return name;
    }

    private async Task CreateBucketTrustingAnyCertificate(string name)
    {
        using var handler = new System.Net.Http.HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new System.Net.Http.HttpClient(handler);
        using var response = await http.PutAsync($"{tls.Server.Endpoint}/{name}", new System.Net.Http.ByteArrayContent(Array.Empty<byte>()));
        response.EnsureSuccessStatusCode();
    }

    [S3rverFact]
    public async Task ACaBundleMakesThePrivateCertificateTrusted()
    {
        var options = Options(await Bucket());
        options.CaBundlePath = tls.Certificates.CaCertificatePem;
        using var location = StorageLocation.Open(options, NullEngineLog.Instance);

        await location.VerifyAsync(CancellationToken.None);
        await location.Store.PutAsync("restores/r1/x", new byte[] { 1, 2 }, CancellationToken.None);
        Assert.Equal(new byte[] { 1, 2 }, await location.Store.ReadAllBytesAsync("restores/r1/x", CancellationToken.None));
    }

    [S3rverFact]
    public async Task WithoutTheCaTheConnectionFailsWithAHint()
    {
        using var location = StorageLocation.Open(Options(await Bucket()), NullEngineLog.Instance);

        var error = await Assert.ThrowsAsync<StorageException>(() => location.VerifyAsync(CancellationToken.None));

        Assert.Equal(StorageErrorKind.Unreachable, error.Kind);
        Assert.Contains("-CaBundle", error.Message, StringComparison.Ordinal);
    }

    [S3rverFact]
    public async Task AnUnrelatedCaIsNotTrusted()
    {
        var options = Options(await Bucket());
        options.CaBundlePath = tls.Certificates.OtherCaCertificatePem;
        using var location = StorageLocation.Open(options, NullEngineLog.Instance);

        var error = await Assert.ThrowsAsync<StorageException>(() => location.VerifyAsync(CancellationToken.None));

        Assert.Equal(StorageErrorKind.Unreachable, error.Kind);
    }

    [S3rverFact]
    public async Task SkippingTheCheckWorksAndWarns()
    {
        var options = Options(await Bucket());
        options.SkipCertificateCheck = true;
        var log = new ListLog();
        using var location = StorageLocation.Open(options, log);

        await location.VerifyAsync(CancellationToken.None);

        var warning = Assert.Single(log.Entries, e => e.Level == EngineLogLevel.Warning);
        Assert.Contains("Certificate checks are off", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnreadableOrInvalidBundleIsABadArgument()
    {
        var missing = new StorageLocationOptions { Location = "s3://b", Endpoint = "https://127.0.0.1:1", CaBundlePath = "/no/such/ca.pem" };
        Assert.Equal(StorageErrorKind.InvalidLocation, Assert.Throws<StorageException>(() => StorageLocation.Open(missing, NullEngineLog.Instance)).Kind);

        var garbage = System.IO.Path.GetTempFileName();
        System.IO.File.WriteAllText(garbage, "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
        try
        {
            var invalid = new StorageLocationOptions { Location = "s3://b", Endpoint = "https://127.0.0.1:1", CaBundlePath = garbage };
            var error = Assert.Throws<StorageException>(() => StorageLocation.Open(invalid, NullEngineLog.Instance));
            Assert.Equal(StorageErrorKind.InvalidLocation, error.Kind);
            Assert.Contains(garbage, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            System.IO.File.Delete(garbage);
        }
    }

    private sealed class ListLog : IEngineLog
    {
        public List<EngineLogEntry> Entries { get; } = new();

        public void Write(EngineLogEntry entry)
        {
            lock (Entries)
            {
                Entries.Add(entry);
            }
        }
    }
}
