using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Storage;
using Restore.Engine.Storage.Azure;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Storage;

/// <summary>
/// The Azure Blob store against Azurite: paging, a large streamed download, account key and SAS, and the failures an
/// admin meets (wrong key, missing container, throttling, broken connections through <see cref="FaultProxy"/>).
/// </summary>
public class AzureBlobStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [AzuriteFact]
    public async Task ListingFollowsContinuationTokens()
    {
        var azurite = AzuriteServer.Shared;
        var container = await azurite.CreateContainerAsync();
        using var store = AzureBlobObjectStore.Create(azurite.Options(container), NullEngineLog.Instance);
        store.PageSize = 2;
        for (var i = 0; i < 5; i++)
        {
            await store.PutAsync($"backups/b{i}/velero-backup.json", Bytes("{}"), None);
        }

        Assert.Equal(5, (await store.ListCommonPrefixesAsync("backups/", None)).Count);
        Assert.Equal(5, (await store.ListKeysAsync("backups/", None)).Count);
    }

    [AzuriteFact]
    public async Task StreamsALargeTarballWithItsLength()
    {
        var azurite = AzuriteServer.Shared;
        var container = await azurite.CreateContainerAsync();
        using var store = AzureBlobObjectStore.Create(azurite.Options(container), NullEngineLog.Instance);
        var content = new byte[48 * 1024 * 1024];
        new Random(17).NextBytes(content);
        await store.PutAsync("backups/big/big.tar.gz", new MemoryStream(content), None);

        using var stream = await store.OpenReadAsync("backups/big/big.tar.gz", None);
        using var sha = SHA256.Create();
        var buffer = new byte[65536];
        long total = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer, None)) > 0)
        {
            sha.TransformBlock(buffer, 0, n, null, 0);
            total += n;
        }

        sha.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
        Assert.Equal(content.Length, stream.Length);
        Assert.Equal(content.Length, total);
        Assert.Equal(SHA256.HashData(content), sha.Hash);
    }

    [AzuriteFact]
    public async Task AWrongAccountKeyIsAccessDeniedNamingTheContainerAndNeverTheKey()
    {
        var azurite = AzuriteServer.Shared;
        var container = await azurite.CreateContainerAsync();
        var wrongKey = Convert.ToBase64String(Encoding.ASCII.GetBytes("this is not the key of devstoreaccount1 at all!!"));
        var options = azurite.Options(container).WithSecretAccessKey(wrongKey);
        using var location = StorageLocation.Open(options, NullEngineLog.Instance);

        var error = await Assert.ThrowsAsync<StorageException>(() => location.VerifyAsync(None));

        Assert.Equal(StorageErrorKind.AccessDenied, error.Kind);
        Assert.Contains(container, error.Message, StringComparison.Ordinal);
        Assert.Contains("devstoreaccount1", error.Message, StringComparison.Ordinal);
        Assert.Contains("AuthorizationFailure", error.Message + error.InnerException?.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, options.ToString(), StringComparison.Ordinal);
    }

    [AzuriteFact]
    public async Task AMissingContainerIsLocationNotFound()
    {
        var azurite = AzuriteServer.Shared;
        using var location = StorageLocation.Open(azurite.Options("no-such-container"), NullEngineLog.Instance);

        var error = await Assert.ThrowsAsync<StorageException>(() => location.VerifyAsync(None));

        Assert.Equal(StorageErrorKind.LocationNotFound, error.Kind);
        Assert.Contains("'no-such-container' does not exist in the storage account 'devstoreaccount1'", error.Message, StringComparison.Ordinal);
    }

    [AzuriteFact]
    public async Task AReadOnlySasReadsButCannotWriteAndNeverShowsItsSignature()
    {
        var azurite = AzuriteServer.Shared;
        var container = await azurite.CreateContainerAsync();
        using (var writer = AzureBlobObjectStore.Create(azurite.Options(container), NullEngineLog.Instance))
        {
            await writer.PutAsync("backups/b1/velero-backup.json", Bytes("{}"), None);
        }

        var sas = azurite.ContainerSas(container, "rl");
        var signature = Uri.UnescapeDataString(sas.Split('&').Single(p => p.StartsWith("sig=", StringComparison.Ordinal)).Substring(4));
        var options = new StorageLocationOptions { Location = $"{azurite.ServiceUrl}/{container}", MaxRetries = 0, SasToken = Secure("?" + sas) };
        var log = new ListLog();
        using var store = AzureBlobObjectStore.Create(options, log);

        Assert.Equal(new[] { "backups/b1/velero-backup.json" }, await store.ListKeysAsync("backups/", None));
        Assert.Equal("{}", Encoding.UTF8.GetString(await store.ReadAllBytesAsync("backups/b1/velero-backup.json", None)));
        var error = await Assert.ThrowsAsync<StorageException>(() => store.PutAsync("restores/r1/r1-record.json", Bytes("{}"), None));

        Assert.Equal(StorageErrorKind.AccessDenied, error.Kind);
        Assert.Contains("SAS token", error.Message, StringComparison.Ordinal);
        foreach (var text in new[] { error.ToString(), options.ToString(), store.Description, log.Text })
        {
            Assert.DoesNotContain(signature, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Uri.EscapeDataString(signature), text, StringComparison.Ordinal);
        }
    }

    [AzuriteFact]
    public async Task ThrottlingIsRetriedAfterRetryAfter()
    {
        var azurite = AzuriteServer.Shared;
        var container = await azurite.CreateContainerAsync();
        using var proxy = new FaultProxy($"http://127.0.0.1:{azurite.Port}");
        // Every other request is throttled once: each call needs its retry.
        proxy.Decide = (n, _, _) => n % 2 == 1 ? ProxyFault.Throttle : ProxyFault.None;
        using var store = AzureBlobObjectStore.Create(azurite.Options(container, serviceUrl: $"{proxy.Url}/{AzuriteServer.Account}", maxRetries: 3), NullEngineLog.Instance);

        await store.PutAsync("restores/r1/r1-record.json", Bytes("record"), None);
        var read = await store.ReadAllBytesAsync("restores/r1/r1-record.json", None);

        Assert.Equal("record", Encoding.UTF8.GetString(read));
        Assert.Contains(proxy.Log, l => l.EndsWith("Throttle", StringComparison.Ordinal));
        Assert.Equal(4, proxy.Requests);
    }

    [AzuriteFact]
    public async Task ResetConnectionsAreRetriedAndABrokenDownloadResumes()
    {
        var azurite = AzuriteServer.Shared;
        var container = await azurite.CreateContainerAsync();
        var content = new byte[3 * 1024 * 1024];
        new Random(3).NextBytes(content);
        using (var writer = AzureBlobObjectStore.Create(azurite.Options(container), NullEngineLog.Instance))
        {
            await writer.PutAsync("backups/b1/b1.tar.gz", new MemoryStream(content), None);
        }

        using var proxy = new FaultProxy($"http://127.0.0.1:{azurite.Port}") { CutAfterBytes = 100_000 };
        var gets = 0;
        proxy.Decide = (n, method, _) => n == 1 ? ProxyFault.Reset : method == "GET" && Interlocked.Increment(ref gets) == 1 ? ProxyFault.CutBody : ProxyFault.None;
        using var store = AzureBlobObjectStore.Create(azurite.Options(container, serviceUrl: $"{proxy.Url}/{AzuriteServer.Account}", maxRetries: 3), NullEngineLog.Instance);

        var read = await store.ReadAllBytesAsync("backups/b1/b1.tar.gz", None);

        Assert.Equal(content, read);
        Assert.Contains(proxy.Log, l => l.EndsWith("Reset", StringComparison.Ordinal));
        Assert.Contains(proxy.Log, l => l.EndsWith("CutBody", StringComparison.Ordinal));
    }

    [AzuriteFact]
    public async Task ADownloadThatKeepsBreakingIsUnreachableNamingTheKeyAndTheBytesRead()
    {
        var azurite = AzuriteServer.Shared;
        var container = await azurite.CreateContainerAsync();
        var content = new byte[1024 * 1024];
        new Random(5).NextBytes(content);
        using (var writer = AzureBlobObjectStore.Create(azurite.Options(container), NullEngineLog.Instance))
        {
            await writer.PutAsync("backups/b1/b1.tar.gz", new MemoryStream(content), None);
        }

        using var proxy = new FaultProxy($"http://127.0.0.1:{azurite.Port}") { CutAfterBytes = 10_000 };
        proxy.Decide = (_, method, _) => method == "GET" ? ProxyFault.CutBody : ProxyFault.None;
        using var store = AzureBlobObjectStore.Create(azurite.Options(container, serviceUrl: $"{proxy.Url}/{AzuriteServer.Account}", maxRetries: 1), NullEngineLog.Instance);

        var error = await Assert.ThrowsAsync<StorageException>(() => store.ReadAllBytesAsync("backups/b1/b1.tar.gz", None));

        Assert.Equal(StorageErrorKind.Unreachable, error.Kind);
        Assert.Equal("backups/b1/b1.tar.gz", error.Key);
        Assert.Contains("backups/b1/b1.tar.gz", error.Message, StringComparison.Ordinal);
    }

    [AzuriteFact]
    public async Task AServerThatIsDownIsUnreachable()
    {
        using var proxy = new FaultProxy("http://127.0.0.1:9");
        proxy.Decide = (_, _, _) => ProxyFault.Reset;
        var options = AzuriteServer.Shared.Options("velero", serviceUrl: $"{proxy.Url}/{AzuriteServer.Account}", maxRetries: 1);
        using var location = StorageLocation.Open(options, NullEngineLog.Instance);

        var error = await Assert.ThrowsAsync<StorageException>(() => location.VerifyAsync(None));

        Assert.Equal(StorageErrorKind.Unreachable, error.Kind);
        Assert.Contains(proxy.Url, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChosenCredentialSourceThatFindsNothingIsCredentialsUnavailable()
    {
        // The Environment source needs AZURE_TENANT_ID and AZURE_CLIENT_ID with a secret or certificate; the test process has none.
        Assert.True(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AZURE_CLIENT_SECRET")) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AZURE_CLIENT_CERTIFICATE_PATH")), "the test process must not hold Azure service principal variables");
        var options = new StorageLocationOptions { Location = "https://127.0.0.1:9/devstoreaccount1/velero", AzureCredentialSource = "Environment", MaxRetries = 0 };
        using var location = StorageLocation.Open(options, NullEngineLog.Instance);

        var error = await Assert.ThrowsAsync<StorageException>(() => location.VerifyAsync(None));

        Assert.Equal(StorageErrorKind.CredentialsUnavailable, error.Kind);
        Assert.Contains("AZURE_CLIENT_SECRET", error.Message, StringComparison.Ordinal);
        Assert.Contains("-SasToken", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Http", "Signing in with Entra ID needs an https:// endpoint")]
    [InlineData("Region", "-Region apply only to s3:// locations")]
    [InlineData("Both", "Give only one of -Credential (account key), -SasToken and -AzureCredentialSource")]
    [InlineData("OtherAccount", "-Credential is for the account 'someoneelse'")]
    [InlineData("Source", "'Browser' is not an Azure credential source")]
    public void OptionsThatDoNotFitAnAzureLocationAreRefused(string what, string message)
    {
        var options = new StorageLocationOptions { Location = "azure://velerobackups/velero" };
        switch (what)
        {
            case "Http":
                options.Location = "http://127.0.0.1:10000/devstoreaccount1/velero";
                options.AzureCredentialSource = "ManagedIdentity";
                break;
            case "Region":
                options.Region = "westeurope";
                break;
            case "Both":
                options.AccessKeyId = "velerobackups";
                options.WithSecretAccessKey("a2V5");
                options.SasToken = Secure("sv=1&sig=x");
                break;
            case "OtherAccount":
                options.AccessKeyId = "someoneelse";
                options.WithSecretAccessKey("a2V5");
                break;
            default:
                options.AzureCredentialSource = "Browser";
                break;
        }

        var error = Assert.Throws<StorageException>(() => StorageLocation.Open(options, NullEngineLog.Instance));

        Assert.Equal(StorageErrorKind.InvalidLocation, error.Kind);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AzureOptionsOnAnotherKindOfLocationAreRefused()
    {
        var options = new StorageLocationOptions { Location = "s3://velero", AzureCredentialSource = "ManagedIdentity" };

        var error = Assert.Throws<StorageException>(() => StorageLocation.Open(options, NullEngineLog.Instance));

        Assert.Equal(StorageErrorKind.InvalidLocation, error.Kind);
        Assert.Contains("-AzureCredentialSource apply only to Azure Blob Storage locations", error.Message, StringComparison.Ordinal);
    }

    private static System.Security.SecureString Secure(string text)
    {
        var secure = new System.Security.SecureString();
        foreach (var c in text)
        {
            secure.AppendChar(c);
        }

        return secure;
    }

    private sealed class ListLog : IEngineLog
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> lines = new();

        public string Text => string.Join("\n", lines);

        public void Write(EngineLogEntry entry) => lines.Enqueue(entry.Level + " " + entry.Message + " " + string.Join(" ", entry.Fields.Select(f => f.Key + "=" + f.Value)));
    }
}
