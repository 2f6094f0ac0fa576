using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Execution;
using Restore.Engine.Records;
using Restore.Engine.Storage;
using Restore.Engine.Velero;
using Restore.TestApiServer;
using Xunit;

namespace Restore.Engine.Tests.Execution;

/// <summary>
/// What the record says while and after a restore runs (issue 15): item outcomes written as the run goes, in-flight
/// creates reconciled after a cancel, retries logged and counted, results by scope and per-namespace progress.
/// </summary>
public class RunRecordTests
{
    [Fact]
    public async Task ItemOutcomesCanBeReadWhileTheRestoreRuns()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 200));
        h.Server.Knobs.Latency = TimeSpan.FromMilliseconds(10);
        var request = h.Request("b1", "r-live");
        request.Parallel = 2;

        var run = Task.Run(() => h.Engine().RunAsync(request, null, null, CancellationToken.None));
        var seenWhileRunning = 0;
        var phaseThen = string.Empty;
        while (!run.IsCompleted)
        {
            var record = await TryGetAsync(h, "r-live");
            var items = await TryReadItemsAsync(h, "r-live");
            if (record is not null && !RestorePhase.IsTerminal(record.Phase) && items.Count > 0 && seenWhileRunning == 0)
            {
                // The first sighting: the final files are written just before the terminal record, so later reads may see them all.
                seenWhileRunning = items.Count;
                phaseThen = record.Phase;
                Assert.All(items, o => Assert.Equal(ItemRestoreAction.Created, o.Action));
            }

            await Task.Delay(50);
        }

        var result = await run;
        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.True(seenWhileRunning > 0, "Get-RestoreItem's source should hold the items done while the restore ran");
        Assert.True(seenWhileRunning < 201, $"{seenWhileRunning} items were read while running");
        Assert.Equal(RestorePhase.InProgress, phaseThen);
        Assert.Equal(201, (await h.Records().ReadItemOutcomesAsync("r-live", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task ACanceledRunRecordsEveryCreateTheServerCommitted()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 200));
        h.Server.Knobs.Latency = TimeSpan.FromMilliseconds(30);
        using var cts = new CancellationTokenSource();
        var done = 0;
        var request = h.Request("b1", "r-inflight");
        request.Parallel = 6;

        var result = await h.Engine().RunAsync(request, null, _ =>
        {
            if (Interlocked.Increment(ref done) == 30)
            {
                cts.Cancel();
            }
        }, cts.Token);
        await h.Server.WaitUntilIdleAsync(TimeSpan.FromSeconds(10));

        Assert.True(result.Canceled);
        var outcomes = await h.Records().ReadItemOutcomesAsync("r-inflight", CancellationToken.None);
        var onServer = h.Server.Store.Count("configmaps", "shop");
        var created = outcomes.Count(o => o.Kind == "ConfigMap" && o.Action == ItemRestoreAction.Created);
        Assert.True(onServer < 200, "the cancel should have stopped the restore early");
        // Every object the server has is in the record, and nothing the server does not have is recorded as created.
        Assert.Equal(onServer, created);
        Assert.DoesNotContain(outcomes, o => o.Action == ItemRestoreAction.Unknown);
        Assert.Equal(result.Record.ItemsRestored, outcomes.Count);
    }

    [Fact]
    public async Task ACanceledCreateTheServerCannotBeAskedAboutIsUnknown()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 200));
        h.Server.Knobs.Latency = TimeSpan.FromMilliseconds(30);
        using var cts = new CancellationTokenSource();
        var done = 0;
        var request = h.Request("b1", "r-unknown");
        request.Parallel = 6;

        var result = await h.Engine().RunAsync(request, null, _ =>
        {
            if (Interlocked.Increment(ref done) == 30)
            {
                // From now on the server refuses to say what it has.
                h.Server.Knobs.Forbid("configmaps", verb: "get");
                cts.Cancel();
            }
        }, cts.Token);

        Assert.True(result.Canceled);
        var outcomes = await h.Records().ReadItemOutcomesAsync("r-unknown", CancellationToken.None);
        var unknown = outcomes.Where(o => o.Action == ItemRestoreAction.Unknown).ToList();
        Assert.NotEmpty(unknown);
        Assert.All(unknown, o => Assert.StartsWith("unknown: the restore was canceled while configmaps/shop/", o.Message, StringComparison.Ordinal));
        Assert.All(unknown, o => Assert.Contains("could not be asked", o.Message, StringComparison.Ordinal));
        // Unknown items are not Velero's: they stay out of its resource list.
        var location = h.Location!;
        var list = GzipJson.Decode((await location.Store.TryReadAsync(location.Layout.RestoreResourceListKey("r-unknown"), CancellationToken.None))!)!.ToJsonString();
        Assert.DoesNotContain("unknown", list, StringComparison.Ordinal);
        Assert.Contains("(created)", list, StringComparison.Ordinal);
        var log = await h.Records().ReadLogTextAsync("r-unknown", CancellationToken.None);
        Assert.Contains("could not be asked whether it was", log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OneFailedNamespaceLookupIsRetriedLoggedAndCounted(bool reset)
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 5));
        var fault = reset
            ? h.Server.Knobs.ResetConnections(verb: "get", resource: "namespaces", maxCount: 1)
            : h.Server.Knobs.FailRequests(500, verb: "get", resource: "namespaces", maxCount: 1);

        var (result, outcomes) = await ExistingObjectTests.RunAsync(h, h.Request("b1", "r-retry"));

        Assert.True(fault.FiredCount >= 1, "the fault should have fired");
        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.All(outcomes, o => Assert.NotEqual(ItemRestoreAction.Failed, o.Action));
        Assert.Equal(5, h.Server.Store.Count("configmaps", "shop"));
        Assert.Equal(1, result.Record.Retries);
        Assert.Equal(1, (await h.Records().GetAsync("r-retry", CancellationToken.None))!.Retries);
        var log = await h.Records().ReadLogTextAsync("r-retry", CancellationToken.None);
        var line = Assert.Single(log!.Split('\n'), l => l.Contains("Retrying Kubernetes API call", StringComparison.Ordinal));
        Assert.Contains("level=debug", line, StringComparison.Ordinal);
        Assert.Contains("attempt=1", line, StringComparison.Ordinal);
        Assert.Contains(reset ? "reason=ConnectionFailed" : "reason=InternalError", line, StringComparison.Ordinal);
        Assert.Matches("delay=[0-9]+ms", line);
        Assert.Matches("resource=\"?namespaces", line);
    }

    [Fact]
    public async Task GetRestoreShowsMessagesByScopeAndProgressPerNamespace()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 3).AddItem("namespaces", string.Empty, "blog", K8s.Namespace("blog")).AddItem("configmaps", "blog", "c1", K8s.ConfigMap("blog", "c1")));
        h.Server.Knobs.Forbid("configmaps", verb: "create", @namespace: "shop");

        var (result, _) = await ExistingObjectTests.RunAsync(h, h.Request("b1", "r-scope"));
        var info = await h.Engine().GetRestoreAsync("r-scope", CancellationToken.None);

        Assert.Equal(RestorePhase.PartiallyFailed, result.Phase);
        Assert.NotNull(info);
        Assert.Equal(3, info!.ErrorMessages.Namespaces["shop"].Count);
        Assert.All(info.ErrorMessages.Namespaces["shop"], m => Assert.StartsWith("error restoring configmaps/shop/", m, StringComparison.Ordinal));
        Assert.False(info.ErrorMessages.Namespaces.ContainsKey("blog"));
        Assert.Empty(info.ErrorMessages.Velero);
        Assert.Equal(info.Errors, info.ErrorMessages.Count);
        Assert.Equal("shop 3", info.ErrorMessages.ToString());
        Assert.All(info.ErrorMessages.Lines(), l => Assert.StartsWith("Namespace shop: error restoring", l, StringComparison.Ordinal));
        var shop = Assert.Single(info.NamespaceProgress, p => p.Namespace == "shop");
        Assert.Equal(3, shop.ItemsDone);
        Assert.Equal(3, shop.TotalItems);
        var blog = Assert.Single(info.NamespaceProgress, p => p.Namespace == "blog");
        Assert.Equal("blog 1/1", blog.ToString());
        // The namespaces themselves are cluster-scoped items.
        Assert.Equal(2, Assert.Single(info.NamespaceProgress, p => p.Namespace.Length == 0).TotalItems);
    }

    private static async Task<RestoreRecord?> TryGetAsync(ExecutionHarness h, string name)
    {
        try
        {
            return await h.Records().GetAsync(name, CancellationToken.None);
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static async Task<System.Collections.Generic.IReadOnlyList<RestoreItemOutcome>> TryReadItemsAsync(ExecutionHarness h, string name)
    {
        try
        {
            return await h.Records().ReadItemOutcomesAsync(name, CancellationToken.None);
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or System.IO.InvalidDataException or System.IO.IOException)
        {
            return Array.Empty<RestoreItemOutcome>();
        }
    }
}
