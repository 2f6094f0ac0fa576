using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Storage;
using Xunit;

namespace Restore.Engine.Tests.Storage;

public sealed class LocalFolderObjectStoreTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string root = Path.Combine(Path.GetTempPath(), "restore-local-" + Guid.NewGuid().ToString("N"));
    private readonly LocalFolderObjectStore store;

    public LocalFolderObjectStoreTests()
    {
        Directory.CreateDirectory(root);
        store = new LocalFolderObjectStore(root);
    }

    public void Dispose()
    {
        store.Dispose();
        Directory.Delete(root, recursive: true);
    }

    [Theory]
    [InlineData("../outside.json")]
    [InlineData("restores/../../outside.json")]
    [InlineData("restores/r1/../../../outside.json")]
    [InlineData("/etc/passwd")]
    [InlineData("restores//r1/x")]
    [InlineData("restores/./r1/x")]
    [InlineData("restores\\..\\..\\x")]
    [InlineData("restores/r1/file:stream")]
    [InlineData("restores/r1/tab\there")]
    [InlineData("")]
    public async Task RefusesKeysThatCouldEscapeTheFolder(string key)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => store.PutAsync(key, new byte[] { 1 }, None));

        Assert.True(error is StorageException { Kind: StorageErrorKind.InvalidLocation } || error is ArgumentException, error.ToString());
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(root)!, "outside.json")));
    }

    [Fact]
    public async Task WritesLeaveNoTemporaryFilesAndListingsNeverShowThem()
    {
        await store.PutAsync("restores/r1/a.json", Encoding.UTF8.GetBytes("{}"), None);
        File.WriteAllText(Path.Combine(root, "restores", "r1", ".restore-tmp-leftover"), "partial");
        await store.TryCreateAsync("restores/r1/claim.json", new byte[] { 1 }, None);

        Assert.Equal(new[] { "restores/r1/a.json", "restores/r1/claim.json" }, await store.ListKeysAsync("restores/", None));
        Assert.Equal(3, Directory.GetFiles(Path.Combine(root, "restores", "r1")).Length);
    }

    [Fact]
    public async Task ConcurrentTryCreateHasExactlyOneWinner()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => store.TryCreateAsync("restores/r1/restore-r1-claim.json", Encoding.UTF8.GetBytes($"writer {i}"), None))));

        Assert.Equal(1, results.Count(r => r));
        var content = Encoding.UTF8.GetString(await store.ReadAllBytesAsync("restores/r1/restore-r1-claim.json", None));
        Assert.Equal($"writer {Array.IndexOf(results, true)}", content);
    }

    [Fact]
    public async Task ConcurrentReadersSeeOldOrNewContentNeverAPart()
    {
        var small = new string('a', 10);
        var large = new string('b', 500_000);
        await store.PutAsync("restores/r1/record.json", Encoding.UTF8.GetBytes(small), None);
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            var reads = 0;
            while (!stop.IsCancellationRequested || reads == 0)
            {
                var text = Encoding.UTF8.GetString(await store.ReadAllBytesAsync("restores/r1/record.json", None));
                Assert.True(text == small || text == large, $"read {text.Length} characters");
                reads++;
            }
        });

        for (var i = 0; i < 20; i++)
        {
            await store.PutAsync("restores/r1/record.json", Encoding.UTF8.GetBytes(i % 2 == 0 ? large : small), None);
        }

        stop.Cancel();
        await reader;
    }

    [Fact]
    public async Task DeletingTheLastFileRemovesEmptyFoldersButNeverTheRoot()
    {
        await store.PutAsync("restores/r1/a", new byte[] { 1 }, None);
        await store.PutAsync("restores/r2/a", new byte[] { 1 }, None);

        await store.DeleteAsync("restores/r1/a", None);
        Assert.False(Directory.Exists(Path.Combine(root, "restores", "r1")));
        Assert.Equal(new[] { "restores/r2/" }, await store.ListCommonPrefixesAsync("restores/", None));

        await store.DeleteAsync("restores/r2/a", None);
        Assert.False(Directory.Exists(Path.Combine(root, "restores")));
        Assert.True(Directory.Exists(root));
    }

    [Fact]
    public async Task AMissingRootIsReportedAndNotCreated()
    {
        var missing = Path.Combine(root, "does-not-exist");
        using var absent = new LocalFolderObjectStore(missing);

        var error = await Assert.ThrowsAsync<StorageException>(() => absent.VerifyAccessAsync(None));
        Assert.Equal(StorageErrorKind.LocationNotFound, error.Kind);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);

        var write = await Assert.ThrowsAsync<StorageException>(() => absent.PutAsync("restores/r1/a", new byte[] { 1 }, None));
        Assert.Equal(StorageErrorKind.LocationNotFound, write.Kind);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task AFileInsteadOfAFolderIsReported()
    {
        var file = Path.Combine(root, "backup.tar.gz");
        File.WriteAllText(file, "x");
        using var notAFolder = new LocalFolderObjectStore(file);

        var error = await Assert.ThrowsAsync<StorageException>(() => notAFolder.VerifyAccessAsync(None));

        Assert.Equal(StorageErrorKind.LocationNotFound, error.Kind);
        Assert.Contains("is a file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadingAFolderAsAnObjectIsNotFound()
    {
        Directory.CreateDirectory(Path.Combine(root, "backups", "b1"));

        await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.OpenReadAsync("backups/b1", None));
    }
}
