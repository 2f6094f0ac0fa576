using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Records;
using Restore.Engine.Storage;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Records;

public sealed class RestoreRecordStoreTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "restore-records-" + Guid.NewGuid().ToString("N"));
    private readonly StorageLocation location;
    private readonly RestoreRecordStore records;

    public RestoreRecordStoreTests()
    {
        Directory.CreateDirectory(Path.Combine(root, "backups"));
        location = StorageLocation.Open(new StorageLocationOptions { Location = root }, NullEngineLog.Instance);
        records = new RestoreRecordStore(location);
    }

    public void Dispose()
    {
        location.Dispose();
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task ANameCanBeClaimedOnce()
    {
        Assert.True(await records.TryClaimAsync(new RestoreRecord { Name = "r1" }, CancellationToken.None));
        Assert.False(await records.TryClaimAsync(new RestoreRecord { Name = "r1" }, CancellationToken.None));
        Assert.Equal(new[] { "r1" }, await records.ListNamesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ConcurrentClaimsLetExactlyOneWin()
    {
        var wins = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => records.TryClaimAsync(new RestoreRecord { Name = "race" }, CancellationToken.None))));
        Assert.Equal(1, wins.Count(w => w));
    }

    [Fact]
    public async Task RecordLogResultsAndOutcomesRoundTrip()
    {
        var record = new RestoreRecord { Name = "r2", Phase = RestorePhase.Completed, Warnings = 1 };
        await records.TryClaimAsync(record, CancellationToken.None);
        var results = new RestoreResults();
        results.Warnings.Add("shop", "could not restore");
        await records.WriteResultsAsync("r2", results, CancellationToken.None);
        await records.WriteLogAsync("r2", GzipJson.EncodeText("line\n"), CancellationToken.None);
        await records.WriteItemOutcomesAsync("r2", new[] { new RestoreItemOutcome { Resource = "configmaps", Namespace = "shop", Name = "cfg", Action = ItemRestoreAction.Failed, Message = "could not restore" } }, CancellationToken.None);

        Assert.Equal(RestorePhase.Completed, (await records.GetAsync("r2", CancellationToken.None))!.Phase);
        Assert.Equal("line\n", await records.ReadLogTextAsync("r2", CancellationToken.None));
        Assert.Equal(1, (await records.ReadResultsAsync("r2", CancellationToken.None))!.Warnings.Count);
        var outcome = Assert.Single(await records.ReadItemOutcomesAsync("r2", CancellationToken.None));
        Assert.Equal((ItemRestoreAction.Failed, "could not restore"), (outcome.Action, outcome.Message));
    }

    [Fact]
    public async Task OutcomesFallBackToVelerosResourceList()
    {
        var list = new RestoredResourceList();
        list.Add("apps/v1/Deployment", "shop", "web", ItemRestoreAction.Created);
        list.Add("v1/Namespace", string.Empty, "shop", ItemRestoreAction.Created);
        await records.WriteResourceListAsync("velero-made", list, CancellationToken.None);

        var outcomes = await records.ReadItemOutcomesAsync("velero-made", CancellationToken.None);

        Assert.Contains(outcomes, o => o.ApiVersion == "apps/v1" && o.Kind == "Deployment" && o.Name == "web" && o.Namespace == "shop");
        Assert.Contains(outcomes, o => o.ApiVersion == "v1" && o.Kind == "Namespace" && o.Name == "shop");
        Assert.Null(await records.GetAsync("velero-made", CancellationToken.None));
    }

    [Fact]
    public async Task DeleteRemovesOnlyThatRestore()
    {
        await records.TryClaimAsync(new RestoreRecord { Name = "r1" }, CancellationToken.None);
        await records.TryClaimAsync(new RestoreRecord { Name = "r10" }, CancellationToken.None);
        await records.WriteLogAsync("r1", GzipJson.EncodeText("x"), CancellationToken.None);

        Assert.Equal(3, await records.DeleteAsync("r1", CancellationToken.None));
        Assert.Equal(new[] { "r10" }, (await records.ListAsync(CancellationToken.None)).Select(r => r.Name));
    }

    [Fact]
    public void OutcomesAreEncodedOneByOneExactlyAsTheWholeArrayWouldBe()
    {
        var outcomes = Enumerable.Range(0, 500).Select(i => new RestoreItemOutcome
        {
            Target = "prod",
            Resource = "configmaps",
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Namespace = i % 2 == 0 ? "shop" : "caf\u00e9",
            Name = $"cm-{i}",
            SourceNamespace = i % 3 == 0 ? "old" : null,
            Action = i % 5 == 0 ? ItemRestoreAction.Failed : ItemRestoreAction.Created,
            Message = i % 5 == 0 ? $"error restoring \"cm-{i}\": <admission> & webhook \U0001F600" : null,
        }).ToList();

        var oneByOne = GzipJson.EncodeArray(outcomes, o => o.ToJson());
        var whole = GzipJson.Encode(new System.Text.Json.Nodes.JsonArray(outcomes.Select(o => (System.Text.Json.Nodes.JsonNode?)o.ToJson()).ToArray()));

        Assert.Equal(GzipJson.DecodeText(whole), GzipJson.DecodeText(oneByOne));
        Assert.EndsWith("]\n", GzipJson.DecodeText(oneByOne), StringComparison.Ordinal);
    }
}

