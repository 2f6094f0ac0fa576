using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Api;
using Restore.Engine.Common;
using Restore.Engine.Records;
using Restore.Engine.Storage;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Lifecycle;

public sealed class RestoreCatalogTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2025, 3, 2, 10, 30, 0, TimeSpan.Zero);
    private readonly string root = Path.Combine(Path.GetTempPath(), "restore-catalog-" + Guid.NewGuid().ToString("N"));
    private readonly StorageLocation location;
    private readonly RestoreRecordStore records;
    private readonly RestoreCatalog catalog;

    public RestoreCatalogTests()
    {
        Directory.CreateDirectory(Path.Combine(root, "backups"));
        location = StorageLocation.Open(new StorageLocationOptions { Location = root }, NullEngineLog.Instance);
        records = new RestoreRecordStore(location);
        catalog = new RestoreCatalog(location);
    }

    public void Dispose()
    {
        location.Dispose();
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task ListsRecordsAndVeleroFoldersInTheOrderAsked()
    {
        await records.TryClaimAsync(new RestoreRecord { Name = "ours", Phase = RestorePhase.Completed, CreationTimestamp = Now }, CancellationToken.None);
        var results = new RestoreResults();
        results.Errors.Add("shop", "error restoring");
        await records.WriteResultsAsync("velero-made", results, CancellationToken.None);

        var names = await catalog.ListNamesAsync(CancellationToken.None);
        var infos = await catalog.GetManyAsync(names.Reverse().ToList(), Now, null, CancellationToken.None);

        Assert.Equal(new[] { "ours", "velero-made" }, names);
        Assert.Equal(new[] { "velero-made", "ours" }, infos.Select(i => i.Name));
        Assert.False(infos[0].HasRecord);
        Assert.Equal(1, infos[0].Errors);
        Assert.True(infos[1].HasRecord);
        Assert.Equal(root, infos[1].StorageLocation);
    }

    [Fact]
    public async Task AMissingOrInvalidNameIsNull()
    {
        Assert.Null(await catalog.GetAsync("nothing-here", Now, CancellationToken.None));
        Assert.Null(await catalog.GetAsync("Not/A/Name", Now, CancellationToken.None));
    }

    [Fact]
    public async Task AnUnreadableRecordIsReportedAndTheOthersAreStillRead()
    {
        await records.TryClaimAsync(new RestoreRecord { Name = "good", CreationTimestamp = Now, LastUpdateTimestamp = Now }, CancellationToken.None);
        await location.Store.PutAsync(location.Layout.RestoreRecordKey("bad"), Encoding.UTF8.GetBytes("{not json"), CancellationToken.None);
        var problems = new List<InvalidRestoreRecordException>();

        var infos = await catalog.GetManyAsync(new[] { "bad", "good" }, Now, p => { lock (problems) { problems.Add(p); } }, CancellationToken.None);

        Assert.Equal("good", Assert.Single(infos).Name);
        Assert.True(infos[0].IsRunning);
        var problem = Assert.Single(problems);
        Assert.Equal("bad", problem.RestoreName);
        Assert.Equal(location.Layout.RestoreRecordKey("bad"), problem.Key);
        Assert.Contains("restore-bad-record.json", problem.Message);
    }

    [Fact]
    public async Task ItemsCarryTheRestoreName()
    {
        await records.WriteItemOutcomesAsync("r1", new[]
        {
            new RestoreItemOutcome { Target = "east", Resource = "configmaps", ApiVersion = "v1", Kind = "ConfigMap", Namespace = "shop", Name = "cfg", Action = ItemRestoreAction.Failed, Message = "boom" },
        }, CancellationToken.None);

        var item = Assert.Single(await catalog.GetItemsAsync("r1", CancellationToken.None));

        Assert.Equal(("east", "configmaps", ItemRestoreAction.Failed, "boom"), (item.Target, item.Resource, item.Action, item.Message));
    }

    [Theory]
    [InlineData("v1/Pod", "shop/web-0(created)", "pods", "shop", "web-0", ItemRestoreAction.Created)]
    [InlineData("apps/v1/Deployment", "shop/web(updated)", "deployments.apps", "shop", "web", ItemRestoreAction.Updated)]
    [InlineData("v1/Namespace", "shop(skipped)", "namespaces", "", "shop", ItemRestoreAction.Skipped)]
    [InlineData("example.com/v1/Widget", "shop/w1(failed)", "widgets.example.com", "shop", "w1", ItemRestoreAction.Failed)]
    [InlineData("example.com/v1/Policy", "p1(created)", "policies.example.com", "", "p1", ItemRestoreAction.Created)]
    [InlineData("example.com/v1/Mailbox", "m(created)", "mailboxes.example.com", "", "m", ItemRestoreAction.Created)]
    public async Task VeleroResourceListsNameTheResource(string key, string entry, string resource, string ns, string name, string action)
    {
        var list = new JsonObject { [key] = new JsonArray(entry) };
        await location.Store.PutAsync(location.Layout.RestoreResourceListKey("velero-made"), GzipJson.Encode(list), CancellationToken.None);

        var item = Assert.Single(await catalog.GetItemsAsync("velero-made", CancellationToken.None));

        Assert.Equal((resource, ns, name, action), (item.Resource, item.Namespace, item.Name, item.Action));
        Assert.Null(item.Message);
    }

    [Fact]
    public async Task TheLogIsReadAsWrittenAndAGarbledOneIsReported()
    {
        await records.WriteLogAsync("r1", GzipJson.EncodeText("a\nb\n"), CancellationToken.None);
        await location.Store.PutAsync(location.Layout.RestoreLogsKey("r2"), Encoding.UTF8.GetBytes("not gzip"), CancellationToken.None);

        Assert.Equal("a\nb\n", await catalog.ReadLogTextAsync("r1", CancellationToken.None));
        Assert.Null(await catalog.ReadLogTextAsync("r3", CancellationToken.None));
        var problem = await Assert.ThrowsAsync<InvalidRestoreRecordException>(() => catalog.ReadLogTextAsync("r2", CancellationToken.None));
        Assert.Equal(location.Layout.RestoreLogsKey("r2"), problem.Key);
    }

    [Fact]
    public async Task DeletingRemovesOnlyThatRestoreAndTheRecordLast()
    {
        foreach (var name in new[] { "a", "ab" })
        {
            await records.TryClaimAsync(new RestoreRecord { Name = name }, CancellationToken.None);
            await records.WriteLogAsync(name, GzipJson.EncodeText("x\n"), CancellationToken.None);
            await records.WriteResultsAsync(name, new RestoreResults(), CancellationToken.None);
        }

        var recording = new RecordingStore(location.Store);
        var deleted = await new RestoreRecordStore(recording, location.Layout).DeleteAsync("a", CancellationToken.None);

        Assert.Equal(4, deleted);
        Assert.Equal(location.Layout.RestoreRecordKey("a"), recording.Deleted[^1]);
        Assert.Equal(location.Layout.RestoreClaimKey("a"), recording.Deleted[^2]);
        Assert.Equal(new[] { "ab" }, await catalog.ListNamesAsync(CancellationToken.None));
        Assert.NotNull(await catalog.GetAsync("ab", Now, CancellationToken.None));
    }

    /// <summary>Passes everything through and remembers the order of deletes.</summary>
    private sealed class RecordingStore : IObjectStore
    {
        private readonly IObjectStore inner;

        public RecordingStore(IObjectStore inner) => this.inner = inner;

        public List<string> Deleted { get; } = new();

        public string Description => inner.Description;

        public Task VerifyAccessAsync(CancellationToken cancellationToken) => inner.VerifyAccessAsync(cancellationToken);

        public Task<IReadOnlyList<string>> ListCommonPrefixesAsync(string prefix, CancellationToken cancellationToken) => inner.ListCommonPrefixesAsync(prefix, cancellationToken);

        public Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken) => inner.ListKeysAsync(prefix, cancellationToken);

        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => inner.ExistsAsync(key, cancellationToken);

        public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) => inner.OpenReadAsync(key, cancellationToken);

        public Task PutAsync(string key, Stream content, CancellationToken cancellationToken) => inner.PutAsync(key, content, cancellationToken);

        public Task<bool> TryCreateAsync(string key, byte[] content, CancellationToken cancellationToken) => inner.TryCreateAsync(key, content, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken)
        {
            Deleted.Add(key);
            return inner.DeleteAsync(key, cancellationToken);
        }

        public void Dispose()
        {
        }
    }
}
