using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Storage;
using Restore.Engine.Storage.Gcs;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Storage;

[CollectionDefinition(GcsEmulatorFixture.Collection)]
public class GcsEmulatorCollection : ICollectionFixture<GcsEmulatorFixture>
{
}

/// <summary>
/// The gs:// store against the Cloud Storage emulator of firebase-tools (a real GCS JSON API server), and against
/// the same emulator behind <see cref="GcsFaultProxy"/> for the failures it cannot produce by itself.
/// </summary>
[Collection(GcsEmulatorFixture.Collection)]
public class GcsObjectStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly GcsEmulatorFixture gcs;

    public GcsObjectStoreTests(GcsEmulatorFixture gcs) => this.gcs = gcs;

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Theory]
    [InlineData("gs://velero-backups", "velero-backups", "")]
    [InlineData("gs://velero-backups/cluster-a/", "velero-backups", "cluster-a")]
    [InlineData("GS://my_bucket.example.com/a/b", "my_bucket.example.com", "a/b")]
    public void ParsesBucketAndPrefix(string location, string bucket, string prefix)
    {
        var address = StorageAddress.Parse(location);
        Assert.Equal(StorageLocationKind.Gcs, address.Kind);
        Assert.Equal(bucket, address.Bucket);
        Assert.Equal(prefix, address.Prefix);
    }

    [Theory]
    [InlineData("gs://", "no bucket name")]
    [InlineData("gs://Velero", "upper-case")]
    [InlineData("gs://ab", "3 to 63")]
    [InlineData("gs://-backups", "start and end")]
    [InlineData("gs://back*ups", "'*'")]
    public void RejectsBadBucketNames(string location, string expected)
    {
        var error = Assert.ThrowsAny<StorageException>(() => StorageAddress.Parse(location));
        Assert.Equal(StorageErrorKind.InvalidLocation, error.Kind);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void S3OnlyOptionsAreRefusedForGs()
    {
        var options = new StorageLocationOptions { Location = "gs://velero-backups", Region = "eu-west-1", ProfileName = "p" };
        var error = Assert.Throws<StorageException>(() => StorageLocation.Open(options, NullEngineLog.Instance));
        Assert.Equal(StorageErrorKind.InvalidLocation, error.Kind);
        Assert.Contains("-Region, -ProfileName", error.Message, StringComparison.Ordinal);

        var local = new StorageLocationOptions { Location = Path.GetTempPath(), GoogleCredentialFile = "key.json" };
        Assert.Equal(StorageErrorKind.InvalidLocation, Assert.Throws<StorageException>(() => StorageLocation.Open(local, NullEngineLog.Instance)).Kind);
    }

    [GcsEmulatorFact]
    public async Task ListsPrefixesAndKeysAcrossPages()
    {
        var server = gcs.Server;
        var bucket = server.NewBucket();
        foreach (var key in new[] { "velero/backups/b1/velero-backup.json", "velero/backups/b2/velero-backup.json", "velero/backups/b3/b3.tar.gz", "velero/restores/r1/x.json", "velero/top.txt", "other/z" })
        {
            await server.UploadAsync(bucket, key, Bytes(key));
        }

        using var location = StorageLocation.Open(server.Options(bucket, "velero"), NullEngineLog.Instance);
        var store = (GcsObjectStore)Inner(location);
        store.PageSize = 2;

        await location.VerifyAsync(None);
        Assert.Equal(new[] { "velero/backups/b1/", "velero/backups/b2/", "velero/backups/b3/" }, await store.ListCommonPrefixesAsync("velero/backups/", None));
        Assert.Equal(new[] { "velero/backups/", "velero/restores/" }, await store.ListCommonPrefixesAsync("velero/", None));
        Assert.Equal(
            new[] { "velero/backups/b1/velero-backup.json", "velero/backups/b2/velero-backup.json", "velero/backups/b3/b3.tar.gz", "velero/restores/r1/x.json", "velero/top.txt" },
            await store.ListKeysAsync("velero/", None));
        Assert.Empty(await store.ListKeysAsync("nothing/", None));
    }

    [GcsEmulatorFact]
    public async Task ReadsExistsAndMissingObjects()
    {
        var server = gcs.Server;
        var bucket = server.NewBucket();
        await server.UploadAsync(bucket, "backups/b1/velero-backup.json", Bytes("{\"kind\":\"Backup\"}"));
        using var location = StorageLocation.Open(server.Options(bucket), NullEngineLog.Instance);

        Assert.True(await location.Store.ExistsAsync("backups/b1/velero-backup.json", None));
        Assert.False(await location.Store.ExistsAsync("backups/b1/none.json", None));
        Assert.Equal("{\"kind\":\"Backup\"}", Encoding.UTF8.GetString(await location.Store.ReadAllBytesAsync("backups/b1/velero-backup.json", None)));
        var missing = await Assert.ThrowsAsync<ObjectNotFoundException>(() => location.Store.OpenReadAsync("backups/b1/none.json", None));
        Assert.Equal("backups/b1/none.json", missing.Key);
        Assert.Null(await location.Store.TryReadAsync("backups/b1/none.json", None));
    }

    [GcsEmulatorFact]
    public async Task StreamsALargeObject()
    {
        var server = gcs.Server;
        var bucket = server.NewBucket();
        var content = new byte[40 * 1024 * 1024];
        new Random(17).NextBytes(content);
        await server.UploadAsync(bucket, "backups/big/big.tar.gz", content);
        using var location = StorageLocation.Open(server.Options(bucket), NullEngineLog.Instance);

        using var stream = await location.Store.OpenReadAsync("backups/big/big.tar.gz", None);
        Assert.False(stream.CanSeek);
        Assert.Equal(content.Length, stream.Length);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer, 0, buffer.Length, None)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            total += n;
        }

        Assert.Equal(content.Length, total);
        Assert.Equal(SHA256.HashData(content), hash.GetHashAndReset());
    }

    [GcsEmulatorFact]
    public async Task WritesRecordsOnlyUnderRestores()
    {
        var server = gcs.Server;
        var bucket = server.NewBucket();
        using var location = StorageLocation.Open(server.Options(bucket, "cluster-a"), NullEngineLog.Instance);
        var store = location.Store;

        await store.PutAsync("cluster-a/restores/r1/restore-r1-results.gz", Bytes("one"), None);
        Assert.Equal("one", Encoding.UTF8.GetString((await server.DownloadAsync(bucket, "cluster-a/restores/r1/restore-r1-results.gz"))!));
        await store.PutAsync("cluster-a/restores/r1/restore-r1-results.gz", Bytes("two"), None);
        Assert.Equal("two", Encoding.UTF8.GetString((await server.DownloadAsync(bucket, "cluster-a/restores/r1/restore-r1-results.gz"))!));

        Assert.True(await store.TryCreateAsync("cluster-a/restores/r1/lock", Bytes("first"), None));
        Assert.False(await store.TryCreateAsync("cluster-a/restores/r1/lock", Bytes("second"), None));
        Assert.Equal("first", Encoding.UTF8.GetString((await server.DownloadAsync(bucket, "cluster-a/restores/r1/lock"))!));

        await store.DeleteAsync("cluster-a/restores/r1/lock", None);
        Assert.Null(await server.DownloadAsync(bucket, "cluster-a/restores/r1/lock"));
        await store.DeleteAsync("cluster-a/restores/r1/lock", None);

        var refused = await Assert.ThrowsAsync<StorageException>(() => store.PutAsync("cluster-a/backups/b1/velero-backup.json", Bytes("x"), None));
        Assert.Equal(StorageErrorKind.WriteRefused, refused.Kind);
        Assert.Null(await server.DownloadAsync(bucket, "cluster-a/backups/b1/velero-backup.json"));
    }

    [GcsEmulatorFact]
    public async Task ReadsABackupWrittenInVeleroLayout()
    {
        var server = gcs.Server;
        var bucket = server.NewBucket();
        using (var raw = StorageLocation.Open(server.Options(bucket), NullEngineLog.Instance))
        {
            await new VeleroBackupBuilder("nightly-1")
                .AddItem("configmaps", "app", "settings", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"settings\",\"namespace\":\"app\"}}")
                .WriteToAsync(Inner(raw), "velero");
        }

        using var location = StorageLocation.Open(server.Options(bucket, "velero"), NullEngineLog.Instance);
        await location.VerifyAsync(None);
        var backups = new BackupStore(location, null);
        Assert.Equal(new[] { "nightly-1" }, await backups.ListBackupNamesAsync(None));
        using var tarball = await backups.OpenTarballAsync("nightly-1", None);
        Assert.True(tarball.Length > 0);
    }

    [GcsEmulatorFact]
    public async Task RetriesServiceUnavailableThenSucceeds()
    {
        var server = gcs.Server;
        var bucket = server.NewBucket();
        await server.UploadAsync(bucket, "backups/b1/velero-backup.json", Bytes("{}"));
        using var proxy = new GcsFaultProxy(server.Endpoint);
        using var location = Open(server, bucket, proxy, retries: 2);

        proxy.FailWith(HttpStatusCode.ServiceUnavailable, "/o", times: 2);
        Assert.Equal(new[] { "backups/" }, await location.Store.ListCommonPrefixesAsync(string.Empty, None));
        Assert.Equal(3, proxy.Requests.Count(r => r.StartsWith("GET /storage/v1/b/" + bucket + "/o?", StringComparison.Ordinal)));

        proxy.FailWith(HttpStatusCode.ServiceUnavailable, "alt=media", times: 1);
        Assert.Equal("{}", Encoding.UTF8.GetString(await location.Store.ReadAllBytesAsync("backups/b1/velero-backup.json", None)));
    }

    [GcsEmulatorFact]
    public async Task GivesUpAfterTheRetriesWithTheStatus()
    {
        var server = gcs.Server;
        var bucket = server.NewBucket();
        using var proxy = new GcsFaultProxy(server.Endpoint);
        using var location = Open(server, bucket, proxy, retries: 1);

        proxy.FailWith(HttpStatusCode.ServiceUnavailable, "/o", times: 5);
        var error = await Assert.ThrowsAsync<StorageException>(() => location.Store.ListKeysAsync("backups/", None));
        Assert.Equal(StorageErrorKind.Other, error.Kind);
        Assert.Contains("503", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, proxy.Requests.Count);
    }

    [GcsEmulatorFact]
    public async Task ForbiddenAndNotFoundHaveTheirKinds()
    {
        var server = gcs.Server;
        var bucket = server.NewBucket();
        using var proxy = new GcsFaultProxy(server.Endpoint);
        using var location = Open(server, bucket, proxy, retries: 3);

        proxy.FailWith(HttpStatusCode.Forbidden, "/o");
        var denied = await Assert.ThrowsAsync<StorageException>(() => location.VerifyAsync(None));
        Assert.Equal(StorageErrorKind.AccessDenied, denied.Kind);
        Assert.Contains(bucket, denied.Message, StringComparison.Ordinal);
        Assert.Single(proxy.Requests);

        proxy.FailWith(HttpStatusCode.NotFound, "/o");
        var missing = await Assert.ThrowsAsync<StorageException>(() => location.Store.VerifyAccessAsync(None));
        Assert.Equal(StorageErrorKind.LocationNotFound, missing.Kind);
        Assert.Contains($"The bucket '{bucket}' does not exist", missing.Message, StringComparison.Ordinal);
    }

    [GcsEmulatorFact]
    public async Task AConnectionCutMidReadIsAClearError()
    {
        var server = gcs.Server;
        var bucket = server.NewBucket();
        var content = new byte[2 * 1024 * 1024];
        new Random(3).NextBytes(content);
        await server.UploadAsync(bucket, "backups/b1/b1.tar.gz", content);
        using var proxy = new GcsFaultProxy(server.Endpoint);
        using var location = Open(server, bucket, proxy, retries: 1);

        proxy.CutAfter("alt=media", 100_000);
        using var stream = await location.Store.OpenReadAsync("backups/b1/b1.tar.gz", None);
        var error = await Assert.ThrowsAsync<StorageException>(() => stream.CopyToAsync(Stream.Null));
        Assert.Equal(StorageErrorKind.Unreachable, error.Kind);
        Assert.Contains("broke while reading 'backups/b1/b1.tar.gz'", error.Message, StringComparison.Ordinal);
    }

    [GcsEmulatorFact]
    public async Task AConnectionCutBeforeTheAnswerIsRetried()
    {
        var server = gcs.Server;
        var bucket = server.NewBucket();
        await server.UploadAsync(bucket, "backups/b1/velero-backup.json", Bytes("{}"));
        using var proxy = new GcsFaultProxy(server.Endpoint);
        using var location = Open(server, bucket, proxy, retries: 2);

        proxy.CutAfter("/o?", 0);
        Assert.Equal(new[] { "backups/b1/velero-backup.json" }, await location.Store.ListKeysAsync("backups/", None));
        Assert.Equal(2, proxy.Requests.Count);
    }

    [GcsEmulatorFact]
    public async Task UnreachableEndpointIsAClearError()
    {
        using var location = StorageLocation.Open(new StorageLocationOptions { Location = "gs://velero-backups", Endpoint = "http://127.0.0.1:1", MaxRetries = 0 }, NullEngineLog.Instance);
        var error = await Assert.ThrowsAsync<StorageException>(() => location.VerifyAsync(None));
        Assert.Equal(StorageErrorKind.Unreachable, error.Kind);
        Assert.Contains("http://127.0.0.1:1", error.Message, StringComparison.Ordinal);
    }

    [GcsEmulatorFact]
    public async Task RefusedCredentialsAreAccessDeniedAndTheKeyStaysOut()
    {
        // A key Google no longer accepts (deleted, disabled): the storage API answers 401 to the token it signs. The token
        // endpoint (used when the client asks for an OAuth token instead of signing its own) refuses it as well.
        var server = gcs.Server;
        var bucket = server.NewBucket();
        using var tokenServer = new LoopbackHttpServer(async context =>
        {
            var body = Bytes("{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}");
            context.Response.StatusCode = 400;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        });
        using var proxy = new GcsFaultProxy(server.Endpoint);
        using var rsa = RSA.Create(2048);
        var privateKey = "-----BEGIN PRIVATE KEY-----\n" + Convert.ToBase64String(rsa.ExportPkcs8PrivateKey(), Base64FormattingOptions.InsertLineBreaks) + "\n-----END PRIVATE KEY-----\n";
        var keyFile = Path.Combine(Path.GetTempPath(), $"restore-gcs-key-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(keyFile, JsonSerializer.Serialize(new
        {
            type = "service_account",
            project_id = "demo-restore",
            private_key_id = "0123456789abcdef",
            private_key = privateKey,
            client_email = "velero@demo-restore.iam.gserviceaccount.com",
            client_id = "1",
            token_uri = tokenServer.Url + "/token",
        }));
        try
        {
            var log = new RecordingLog();
            var options = server.Options(bucket, endpoint: proxy.Url);
            options.GoogleCredentialFile = keyFile;
            using var location = StorageLocation.Open(options, log);
            proxy.FailWith(HttpStatusCode.Unauthorized, "/o", times: 5);
            var error = await Assert.ThrowsAsync<StorageException>(() => location.VerifyAsync(None));

            Assert.True(error.Kind == StorageErrorKind.AccessDenied, error.ToString());
            Assert.Contains("velero@demo-restore.iam.gserviceaccount.com", error.Message, StringComparison.Ordinal);
            Assert.Contains(keyFile, error.Message, StringComparison.Ordinal);
            Assert.All(proxy.Authorizations, scheme => Assert.Equal("Bearer", scheme));
            var secretPart = privateKey.Split('\n')[1];
            Assert.DoesNotContain(secretPart, error.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(log.Lines, line => line.Contains(secretPart, StringComparison.Ordinal));
            Assert.Contains(log.Lines, line => line.Contains("plain http", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [GcsEmulatorFact]
    public async Task AnHttpEndpointGetsNoCredentialsWithoutAKeyFile()
    {
        var server = gcs.Server;
        var bucket = server.NewBucket();
        await server.UploadAsync(bucket, "backups/b1/velero-backup.json", Bytes("{}"));
        using var proxy = new GcsFaultProxy(server.Endpoint);
        using var location = Open(server, bucket, proxy, retries: 0);

        Assert.Equal(new[] { "backups/" }, await location.Store.ListCommonPrefixesAsync(string.Empty, None));
        Assert.All(proxy.Authorizations, scheme => Assert.Equal(string.Empty, scheme));
    }

    [Fact]
    public void AMissingOrMalformedCredentialFileIsNamed()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"restore-no-such-key-{Guid.NewGuid():N}.json");
        var error = Assert.Throws<StorageException>(() => StorageLocation.Open(new StorageLocationOptions { Location = "gs://velero-backups", GoogleCredentialFile = missing }, NullEngineLog.Instance));
        Assert.Equal(StorageErrorKind.CredentialsUnavailable, error.Kind);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);

        var notJson = Path.GetTempFileName();
        File.WriteAllText(notJson, "private_key = SECRET-MATERIAL");
        try
        {
            var bad = Assert.Throws<StorageException>(() => StorageLocation.Open(new StorageLocationOptions { Location = "gs://velero-backups", GoogleCredentialFile = notJson }, NullEngineLog.Instance));
            Assert.Equal(StorageErrorKind.InvalidLocation, bad.Kind);
            Assert.DoesNotContain("SECRET-MATERIAL", bad.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(notJson);
        }
    }

    // The unguarded store under the location's write guard.
    private static IObjectStore Inner(StorageLocation location) =>
        (IObjectStore)location.Store.GetType().GetProperty("Inner")!.GetValue(location.Store)!;

    private static StorageLocation Open(GcsEmulatorServer server, string bucket, GcsFaultProxy proxy, int retries)
    {
        var options = server.Options(bucket, endpoint: proxy.Url);
        options.MaxRetries = retries;
        var location = StorageLocation.Open(options, NullEngineLog.Instance);
        ((GcsObjectStore)Inner(location)).RetryDelay = TimeSpan.FromMilliseconds(10);
        return location;
    }

    private sealed class RecordingLog : IEngineLog
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> lines = new();

        public string[] Lines => lines.ToArray();

        public void Write(EngineLogEntry entry) => lines.Enqueue(entry.Message);
    }
}
