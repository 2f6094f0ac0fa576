using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Storage;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Storage;

[CollectionDefinition(S3rverFixture.Collection)]
public class S3rverCollection : ICollectionFixture<S3rverFixture>
{
}

/// <summary>The same contract against a local folder, a real S3 server (s3rver) and a real Azure Blob server (Azurite).</summary>
[Collection(S3rverFixture.Collection)]
public class ObjectStoreContractTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly S3rverFixture s3;

    public ObjectStoreContractTests(S3rverFixture s3) => this.s3 = s3;

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Theory]
    [LocalStore]
    [S3Store]
    [AzureStore]
    public async Task PutReadExistsAndDelete(string kind)
    {
        using var storage = await TestStorage.CreateAsync(kind, s3);
        var store = storage.RawStore;

        Assert.False(await store.ExistsAsync("restores/r1/a.json", None));
        await store.PutAsync("restores/r1/a.json", Bytes("one"), None);
        Assert.True(await store.ExistsAsync("restores/r1/a.json", None));
        Assert.Equal("one", Encoding.UTF8.GetString(await store.ReadAllBytesAsync("restores/r1/a.json", None)));

        await store.PutAsync("restores/r1/a.json", Bytes("two, longer"), None);
        using (var stream = await store.OpenReadAsync("restores/r1/a.json", None))
        {
            Assert.Equal(11, stream.Length);
        }

        Assert.Equal("two, longer", Encoding.UTF8.GetString((await store.TryReadAsync("restores/r1/a.json", None))!));

        await store.DeleteAsync("restores/r1/a.json", None);
        Assert.False(await store.ExistsAsync("restores/r1/a.json", None));
        await store.DeleteAsync("restores/r1/a.json", None);
    }

    [Theory]
    [LocalStore]
    [S3Store]
    [AzureStore]
    public async Task AMissingObjectIsATypedNotFoundAndAMissingOptionalFileIsNull(string kind)
    {
        using var storage = await TestStorage.CreateAsync(kind, s3);

        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(() => storage.RawStore.OpenReadAsync("backups/x/velero-backup.json", None));

        Assert.Equal("backups/x/velero-backup.json", error.Key);
        Assert.Equal(StorageErrorKind.ObjectNotFound, error.Kind);
        Assert.Null(await storage.RawStore.TryReadAsync("backups/x/x-volumeinfo.json.gz", None));
    }

    [Theory]
    [LocalStore]
    [S3Store]
    [AzureStore]
    public async Task TryCreateSucceedsOnceAndNeverOverwrites(string kind)
    {
        using var storage = await TestStorage.CreateAsync(kind, s3);
        var store = storage.RawStore;

        Assert.True(await store.TryCreateAsync("restores/r1/restore-r1-claim.json", Bytes("first"), None));
        Assert.False(await store.TryCreateAsync("restores/r1/restore-r1-claim.json", Bytes("second"), None));

        Assert.Equal("first", Encoding.UTF8.GetString(await store.ReadAllBytesAsync("restores/r1/restore-r1-claim.json", None)));
    }

    [Theory]
    [LocalStore]
    [S3Store]
    [AzureStore]
    public async Task PutAcceptsAStreamThatCannotSeek(string kind)
    {
        using var storage = await TestStorage.CreateAsync(kind, s3);
        var content = Enumerable.Range(0, 200_000).Select(i => (byte)(i % 251)).ToArray();

        await storage.RawStore.PutAsync("restores/r1/big.bin", new NonSeekableStream(content), None);

        Assert.Equal(content, await storage.RawStore.ReadAllBytesAsync("restores/r1/big.bin", None));
    }

    [Theory]
    [LocalStore]
    [S3Store]
    [AzureStore]
    public async Task ListsCommonPrefixesAndKeysInOrder(string kind)
    {
        using var storage = await TestStorage.CreateAsync(kind, s3);
        var store = storage.RawStore;
        foreach (var key in new[] { "backups/b2/velero-backup.json", "backups/b1/velero-backup.json", "backups/b1/b1.tar.gz", "backups/ab/x", "restores/r1/a", "restores/r10/a", "top.txt" })
        {
            await store.PutAsync(key, Bytes(key), None);
        }

        Assert.Equal(new[] { "backups/", "restores/" }, await store.ListCommonPrefixesAsync(string.Empty, None));
        Assert.Equal(new[] { "backups/ab/", "backups/b1/", "backups/b2/" }, await store.ListCommonPrefixesAsync("backups/", None));
        Assert.Equal(new[] { "backups/b1/", "backups/b2/" }, await store.ListCommonPrefixesAsync("backups/b", None));
        Assert.Equal(new[] { "restores/r1/a" }, await store.ListKeysAsync("restores/r1/", None));
        Assert.Equal(new[] { "backups/b1/b1.tar.gz", "backups/b1/velero-backup.json" }, await store.ListKeysAsync("backups/b1/", None));
        Assert.Empty(await store.ListKeysAsync("nothing/", None));
        Assert.Empty(await store.ListCommonPrefixesAsync("nothing/", None));
    }

    [S3rverFact]
    public async Task S3ListingFollowsContinuationTokens()
    {
        using var storage = await TestStorage.CreateAsync(TestStorage.S3, s3);
        var store = (S3ObjectStore)storage.RawStore;
        store.PageSize = 2;
        for (var i = 0; i < 5; i++)
        {
            await store.PutAsync($"backups/b{i}/velero-backup.json", Bytes("{}"), None);
        }

        Assert.Equal(5, (await store.ListCommonPrefixesAsync("backups/", None)).Count);
        Assert.Equal(5, (await store.ListKeysAsync("backups/", None)).Count);
    }

    private sealed class NonSeekableStream : MemoryStream
    {
        public NonSeekableStream(byte[] content)
            : base(content)
        {
        }

        public override bool CanSeek => false;
    }
}
