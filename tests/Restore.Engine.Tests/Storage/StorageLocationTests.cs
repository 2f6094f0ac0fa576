using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Storage;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Storage;

[Collection(S3rverFixture.Collection)]
public class StorageLocationTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly S3rverFixture s3;

    public StorageLocationTests(S3rverFixture s3) => this.s3 = s3;

    [Theory]
    [LocalStore]
    [S3Store]
    public async Task AnEmptyLocationAndAVeleroLayoutAreValid(string kind)
    {
        using var storage = await TestStorage.CreateAsync(kind, s3);
        using (var location = storage.Open())
        {
            await location.VerifyAsync(None);
        }

        foreach (var dir in ObjectStoreLayout.VeleroTopLevelDirectories)
        {
            await storage.RawStore.PutAsync($"{dir}/x/file", new byte[] { 1 }, None);
        }

        using var full = storage.Open();
        await full.VerifyAsync(None);
    }

    [Theory]
    [LocalStore]
    [S3Store]
    public async Task AForeignTopLevelFolderMeansItIsNotAVeleroLocation(string kind)
    {
        using var storage = await TestStorage.CreateAsync(kind, s3);
        await storage.RawStore.PutAsync("backups/b/velero-backup.json", new byte[] { 1 }, None);
        await storage.RawStore.PutAsync("photos/cat.jpg", new byte[] { 1 }, None);
        using var location = storage.Open();

        var error = await Assert.ThrowsAsync<StorageException>(() => location.VerifyAsync(None));

        Assert.Equal(StorageErrorKind.NotAVeleroLocation, error.Kind);
        Assert.Contains("photos", error.Message, StringComparison.Ordinal);
        Assert.Contains("backups/, restores/", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [LocalStore]
    [S3Store]
    public async Task PointingAtTheBackupsFolderItselfGetsAHint(string kind)
    {
        using var storage = await TestStorage.CreateAsync(kind, s3, kind == TestStorage.S3 ? "backups" : string.Empty);
        var root = kind == TestStorage.S3 ? "backups/" : string.Empty;
        await storage.RawStore.PutAsync(root + "nightly/velero-backup.json", new byte[] { 1 }, None);
        using var location = storage.Open();

        var error = await Assert.ThrowsAsync<StorageException>(() => location.VerifyAsync(None));

        Assert.Equal(StorageErrorKind.NotAVeleroLocation, error.Kind);
        Assert.Contains("use its parent", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [LocalStore]
    [S3Store]
    public async Task PointingAtOneBackupFolderGetsAHint(string kind)
    {
        using var storage = await TestStorage.CreateAsync(kind, s3, kind == TestStorage.S3 ? "backups/nightly" : string.Empty);
        var root = kind == TestStorage.S3 ? "backups/nightly/" : string.Empty;
        await storage.RawStore.PutAsync(root + "velero-backup.json", new byte[] { 1 }, None);
        using var location = storage.Open();

        var error = await Assert.ThrowsAsync<StorageException>(() => location.VerifyAsync(None));

        Assert.Equal(StorageErrorKind.NotAVeleroLocation, error.Kind);
        Assert.Contains("single backup's folder", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [LocalStore("restores/r1/restore-r1-record.json")]
    [LocalStore("restores/r1/restore-r1-claim.json")]
    [S3Store("restores/r1/restore-r1-record.json")]
    public async Task TheLocationWritesUnderRestoresOnly(string kind, string allowed)
    {
        using var storage = await TestStorage.CreateAsync(kind, s3, kind == TestStorage.S3 ? "team" : string.Empty);
        using var location = storage.Open();
        var key = location.Layout.Root + allowed;

        await location.Store.PutAsync(key, new byte[] { 1 }, None);
        Assert.True(await location.Store.TryCreateAsync(location.Layout.RestorePrefix("r2") + "x", new byte[] { 1 }, None));
        await location.Store.DeleteAsync(key, None);

        foreach (var refused in new[] { "backups/b/velero-backup.json", "foo/bar", "restores/r1", "restores/NOT_A_NAME/x", "x" })
        {
            var error = await Assert.ThrowsAsync<StorageException>(() => location.Store.PutAsync(location.Layout.Root + refused, new byte[] { 1 }, None));
            Assert.Equal(StorageErrorKind.WriteRefused, error.Kind);
            await Assert.ThrowsAsync<StorageException>(() => location.Store.DeleteAsync(location.Layout.Root + refused, None));
            await Assert.ThrowsAsync<StorageException>(() => location.Store.TryCreateAsync(location.Layout.Root + refused, new byte[] { 1 }, None));
        }

        Assert.Equal(new[] { location.Layout.Root + "restores/" }, await storage.RawStore.ListCommonPrefixesAsync(location.Layout.Root, None));
    }

    [Fact]
    public async Task AMissingFolderIsLocationNotFound()
    {
        var missing = Path.Combine(Path.GetTempPath(), "restore-missing-" + Guid.NewGuid().ToString("N"));
        using var location = StorageLocation.Open(new StorageLocationOptions { Location = missing }, NullEngineLog.Instance);

        var error = await Assert.ThrowsAsync<StorageException>(() => location.VerifyAsync(None));

        Assert.Equal(StorageErrorKind.LocationNotFound, error.Kind);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [S3rverFact]
    public async Task AMissingBucketIsLocationNotFound()
    {
        var options = s3.Server.Options("no-such-bucket");
        using var location = StorageLocation.Open(options, NullEngineLog.Instance);

        var error = await Assert.ThrowsAsync<StorageException>(() => location.VerifyAsync(None));

        Assert.Equal(StorageErrorKind.LocationNotFound, error.Kind);
        Assert.Contains("no-such-bucket", error.Message, StringComparison.Ordinal);
        Assert.Contains(s3.Server.Endpoint, error.Message, StringComparison.Ordinal);
    }

    [S3rverFact]
    public async Task AnUnknownAccessKeyIsAccessDeniedNamingTheIdentityAndBucket()
    {
        var bucket = await s3.Server.CreateBucketAsync();
        var options = s3.Server.Options(bucket);
        options.AccessKeyId = "AKIAWRONGKEY";
        options.WithSecretAccessKey("super-secret-value");
        using var location = StorageLocation.Open(options, NullEngineLog.Instance);

        var error = await Assert.ThrowsAsync<StorageException>(() => location.VerifyAsync(None));

        Assert.Equal(StorageErrorKind.AccessDenied, error.Kind);
        Assert.Contains("AKIAWRONGKEY", error.Message, StringComparison.Ordinal);
        Assert.Contains(bucket, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("super-secret-value", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableEndpointIsReportedWithTheEndpoint()
    {
        var port = FreePort();
        var options = new StorageLocationOptions { Location = "s3://bucket", Endpoint = $"http://127.0.0.1:{port}", AccessKeyId = "AKIA", MaxRetries = 0 }.WithSecretAccessKey("x");
        using var location = StorageLocation.Open(options, NullEngineLog.Instance);

        var error = await Assert.ThrowsAsync<StorageException>(() => location.VerifyAsync(None));

        Assert.Equal(StorageErrorKind.Unreachable, error.Kind);
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }

    [S3rverFact]
    public async Task AnUnknownProfileIsReportedBeforeAnyRequest()
    {
        var options = new StorageLocationOptions { Location = "s3://bucket", Endpoint = s3.Server.Endpoint, ProfileName = "restore-test-no-such-profile-" + Guid.NewGuid().ToString("N") };

        var error = Assert.Throws<StorageException>(() => StorageLocation.Open(options, NullEngineLog.Instance));

        Assert.Equal(StorageErrorKind.CredentialsUnavailable, error.Kind);
        Assert.Contains(options.ProfileName, error.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [S3rverFact]
    public async Task AProfileFromTheSharedCredentialsFileIsUsed()
    {
        var bucket = await s3.Server.CreateBucketAsync();
        var file = Path.Combine(Path.GetTempPath(), "restore-credentials-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(file, "[restore-test]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n\n[restore-wrong]\naws_access_key_id = AKIAPROFILEWRONG\naws_secret_access_key = nope\n");
        // The SDK reads AWS_SHARED_CREDENTIALS_FILE once per process; its static setting is the test-friendly equivalent.
        var previous = Amazon.AWSConfigs.AWSProfilesLocation;
        Amazon.AWSConfigs.AWSProfilesLocation = file;
        try
        {
            using (var location = StorageLocation.Open(new StorageLocationOptions { Location = "s3://" + bucket, Endpoint = s3.Server.Endpoint, ProfileName = "restore-test", MaxRetries = 0 }, NullEngineLog.Instance))
            {
                await location.VerifyAsync(None);
            }

            using var wrong = StorageLocation.Open(new StorageLocationOptions { Location = "s3://" + bucket, Endpoint = s3.Server.Endpoint, ProfileName = "restore-wrong", MaxRetries = 0 }, NullEngineLog.Instance);
            var error = await Assert.ThrowsAsync<StorageException>(() => wrong.VerifyAsync(None));
            Assert.Equal(StorageErrorKind.AccessDenied, error.Kind);
            Assert.Contains("profile 'restore-wrong'", error.Message, StringComparison.Ordinal);
            Assert.Contains("AKIAPROFILEWRONG", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Amazon.AWSConfigs.AWSProfilesLocation = previous;
            File.Delete(file);
        }
    }

    [S3rverFact]
    public async Task TheDefaultCredentialChainReadsTheEnvironment()
    {
        var bucket = await s3.Server.CreateBucketAsync();
        var saved = new Dictionary<string, string?>();
        foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE" })
        {
            saved[name] = Environment.GetEnvironmentVariable(name);
        }

        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "S3RVER");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "S3RVER");
        Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", null);
        Environment.SetEnvironmentVariable("AWS_PROFILE", null);
        try
        {
            using var location = StorageLocation.Open(new StorageLocationOptions { Location = "s3://" + bucket, Endpoint = s3.Server.Endpoint, MaxRetries = 0 }, NullEngineLog.Instance);
            await location.VerifyAsync(None);
        }
        finally
        {
            foreach (var pair in saved)
            {
                Environment.SetEnvironmentVariable(pair.Key, pair.Value);
            }
        }
    }

    [S3rverFact]
    public async Task NoCredentialsAnywhereIsOneMessageThatSaysWhatWasTriedAndWhatToDo()
    {
        var bucket = await s3.Server.CreateBucketAsync();
        var empty = Path.Combine(Path.GetTempPath(), "restore-no-credentials-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(empty, string.Empty);
        var names = new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONFIG_FILE", "AWS_EC2_METADATA_DISABLED", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI" };
        var saved = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        var previousProfiles = Amazon.AWSConfigs.AWSProfilesLocation;
        foreach (var name in names)
        {
            Environment.SetEnvironmentVariable(name, null);
        }

        // No profile files and no instance metadata: the chain has nothing to find.
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", empty);
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        Amazon.AWSConfigs.AWSProfilesLocation = empty;
        try
        {
            using var location = StorageLocation.Open(new StorageLocationOptions { Location = "s3://" + bucket, Endpoint = s3.Server.Endpoint, MaxRetries = 0 }, NullEngineLog.Instance);

            var error = await Assert.ThrowsAsync<StorageException>(() => location.VerifyAsync(None));

            Assert.Equal(StorageErrorKind.CredentialsUnavailable, error.Kind);
            Assert.Contains("s3://" + bucket, error.Message, StringComparison.Ordinal);
            foreach (var advice in new[] { "-Credential", "-ProfileName", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "'default' profile", "instance metadata" })
            {
                Assert.Contains(advice, error.Message, StringComparison.Ordinal);
            }

            // The SDK's list of every provider's failure stays out of the message (it is the inner exception).
            Assert.DoesNotContain("Exception 1 of", error.Message, StringComparison.Ordinal);
            Assert.NotNull(error.InnerException);
        }
        finally
        {
            Amazon.AWSConfigs.AWSProfilesLocation = previousProfiles;
            foreach (var pair in saved)
            {
                Environment.SetEnvironmentVariable(pair.Key, pair.Value);
            }

            File.Delete(empty);
        }
    }

    [S3rverFact]
    public async Task AConnectionThatBreaksMidReadIsReportedWithTheKey()
    {
        using var server = S3rverServer.Start();
        var bucket = await server.CreateBucketAsync();
        var options = server.Options(bucket);
        using (var raw = S3ObjectStore.Create(options, NullEngineLog.Instance))
        {
            await raw.PutAsync("backups/big/big.tar.gz", new byte[32 * 1024 * 1024], None);
        }

        using var location = StorageLocation.Open(options, NullEngineLog.Instance);
        using var stream = await location.Store.OpenReadAsync("backups/big/big.tar.gz", None);
        var buffer = new byte[64 * 1024];
        Assert.True(await stream.ReadAsync(buffer, 0, buffer.Length) > 0);
        server.Dispose();

        var error = await Assert.ThrowsAsync<StorageException>(async () =>
        {
            while (await stream.ReadAsync(buffer, 0, buffer.Length) > 0)
            {
            }

            // A body that ends early without an error would be a silent truncation; the archive reader catches
            // that too, but the store should not get here.
            throw new InvalidOperationException("the stream ended without an error");
        });

        Assert.Equal(StorageErrorKind.Unreachable, error.Kind);
        Assert.Contains("backups/big/big.tar.gz", error.Message, StringComparison.Ordinal);
    }

    internal static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
