using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Execution;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Execution;

/// <summary>Several clusters at once, injected faults, cancellation and rerun, and name claims.</summary>
public class FleetAndFaultTests
{
    [Fact]
    public async Task TwoClustersRestoreInParallelAndKeepTheirOwnOutcome()
    {
        await using var h = await ExecutionHarness.CreateAsync(servers: 2);
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 5).AddItem("deployments.apps", "shop", "web", K8s.Deployment("shop", "web")));
        h.Servers[1].Knobs.Forbid("configmaps", verb: "create");
        var request = h.Request("b1", "r-fleet", 0, 1);

        var (result, outcomes) = await ExistingObjectTests.RunAsync(h, request);

        Assert.Equal(RestorePhase.PartiallyFailed, result.Phase);
        var good = Assert.Single(result.Record.Targets, t => t.Name == h.Context(0));
        var bad = Assert.Single(result.Record.Targets, t => t.Name == h.Context(1));
        Assert.Equal(RestorePhase.Completed, good.Phase);
        Assert.Equal(0, good.Errors);
        Assert.Equal(RestorePhase.PartiallyFailed, bad.Phase);
        Assert.Equal(5, bad.Errors);
        Assert.Contains("forbidden", bad.FailureReason, StringComparison.Ordinal);
        Assert.Equal(7, good.ItemsRestored);
        Assert.Equal(7, bad.ItemsRestored);
        Assert.Equal(14, result.Record.TotalItems);
        Assert.Equal(5, h.Servers[0].Store.Count("configmaps", "shop"));
        Assert.Equal(0, h.Servers[1].Store.Count("configmaps", "shop"));
        Assert.NotNull(h.Servers[1].Store.Get("deployments.apps", "shop", "web"));

        // Messages say which cluster they come from; counts add up over the merged results.
        Assert.All(result.Results.Errors.Namespaces["shop"], m => Assert.StartsWith(h.Context(1) + ": error restoring configmaps/shop/", m, StringComparison.Ordinal));
        Assert.Equal(result.Record.Errors, result.Results.Errors.Count);
        Assert.Equal(7, outcomes.Count(o => o.Target == h.Context(0)));
        Assert.Equal(5, outcomes.Count(o => o.Target == h.Context(1) && o.Action == ItemRestoreAction.Failed));
        Assert.Contains(h.Context(0), result.Record.CreatedBy, StringComparison.Ordinal);
        var log = await h.Records().ReadLogTextAsync("r-fleet", CancellationToken.None);
        Assert.Contains("target=" + h.Context(1), log, StringComparison.Ordinal);
        Assert.Contains("target=" + h.Context(0), log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableClusterFailsOnlyItsTarget()
    {
        await using var h = await ExecutionHarness.CreateAsync(servers: 2);
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 2));
        await h.Servers[1].DisposeAsync();
        var request = h.Request("b1", "r-down", 0, 1);

        var (result, _) = await ExistingObjectTests.RunAsync(h, request);

        Assert.Equal(RestorePhase.PartiallyFailed, result.Phase);
        Assert.Equal(RestorePhase.Completed, result.Record.Targets.Single(t => t.Name == h.Context(0)).Phase);
        var down = result.Record.Targets.Single(t => t.Name == h.Context(1));
        Assert.Equal(RestorePhase.Failed, down.Phase);
        Assert.Contains("could not connect", down.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FaultsOnTenPercentOfRequestsLoseNothing()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 150).AddItem("deployments.apps", "shop", "web", K8s.Deployment("shop", "web")));
        var knobs = h.Server.Knobs;
        knobs.SetRandomSeed(42);
        knobs.FailRequests(429, rate: 0.025, retryAfterSeconds: 1);
        knobs.FailRequests(500, rate: 0.025);
        knobs.FailRequests(503, rate: 0.025);
        knobs.ResetConnections(rate: 0.025);
        var request = h.Request("b1", "r-faults");
        request.Parallel = 8;

        var (result, outcomes) = await ExistingObjectTests.RunAsync(h, request);

        Assert.True(knobs.Faults.Sum(f => f.FiredCount) >= 5, "faults should have fired");
        Assert.Equal(152, outcomes.Count);
        Assert.Equal(152, result.Record.ItemsRestored);
        Assert.Equal(result.Record.TotalItems, result.Record.ItemsRestored);
        Assert.All(outcomes, o => Assert.True(o.Action == ItemRestoreAction.Created, $"{o.Kind} {o.Name}: {o.Action} {o.Message}"));
        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal(150, h.Server.Store.Count("configmaps", "shop"));
    }

    [Fact]
    public async Task CancelingStopsPromptlyAndARerunCompletesTheRest()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 200));
        h.Server.Knobs.Latency = TimeSpan.FromMilliseconds(15);
        using var cts = new CancellationTokenSource();
        var done = 0;
        var first = h.Request("b1", "r-cancel");
        first.Parallel = 4;

        var result = await h.Engine().RunAsync(first, null, _ =>
        {
            if (Interlocked.Increment(ref done) == 40)
            {
                cts.Cancel();
            }
        }, cts.Token);

        Assert.Equal(RestorePhase.Failed, result.Phase);
        Assert.True(result.Canceled);
        Assert.True(result.Record.ItemsRestored >= 40 && result.Record.ItemsRestored < 201, $"{result.Record.ItemsRestored} items restored");
        Assert.Equal(Volatile.Read(ref done), result.Record.ItemsRestored);
        Assert.Equal($"canceled by the user after {result.Record.ItemsRestored} of 201 items", result.Record.FailureReason);
        var stored = await h.Records().GetAsync("r-cancel", CancellationToken.None);
        Assert.True(stored!.Canceled);
        Assert.Equal(RestorePhase.Failed, stored.Phase);
        Assert.Equal(result.Record.ItemsRestored, (await h.Records().ReadItemOutcomesAsync("r-cancel", CancellationToken.None)).Count);
        // A create in flight when the run was canceled may still commit on the server, as on a real cluster.
        await h.Server.WaitUntilIdleAsync(TimeSpan.FromSeconds(10));
        var created = h.Server.Store.Count("configmaps", "shop");
        Assert.True(created < 200, "the cancel should have stopped the restore early");

        h.Server.Knobs.Latency = TimeSpan.Zero;
        var (rerun, outcomes) = await ExistingObjectTests.RunAsync(h, h.Request("b1", "r-cancel-2"));

        Assert.Equal(RestorePhase.Completed, rerun.Phase);
        Assert.Equal(200, h.Server.Store.Count("configmaps", "shop"));
        var configMaps = outcomes.Where(o => o.Kind == "ConfigMap").ToList();
        Assert.Equal(200, configMaps.Count);
        Assert.Equal(created, configMaps.Count(o => o.Action == ItemRestoreAction.Skipped));
        Assert.Equal(200 - created, configMaps.Count(o => o.Action == ItemRestoreAction.Created));
    }

    [Fact]
    public async Task RunsWithTheSameNameRaceAndExactlyOneRuns()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 20));
        h.Server.Knobs.Latency = TimeSpan.FromMilliseconds(5);
        var engine = h.Engine();
        using var start = new ManualResetEventSlim();
        var runs = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await engine.RunAsync(h.Request("b1", "same-name"), null, null, CancellationToken.None);
        })).ToList();
        start.Set();

        var settled = await Task.WhenAll(runs.Select(async t =>
        {
            try
            {
                return (Result: await t, Error: (Exception?)null);
            }
            catch (Exception ex)
            {
                return (Result: (RestoreRunResult?)null, Error: ex);
            }
        }));

        Assert.Single(settled, s => s.Result is not null && s.Result.Phase == RestorePhase.Completed);
        var losers = settled.Where(s => s.Error is not null).ToList();
        Assert.Equal(3, losers.Count);
        Assert.All(losers, l =>
        {
            var inUse = Assert.IsType<RestoreNameInUseException>(l.Error);
            Assert.Equal("same-name", inUse.RestoreName);
            Assert.Contains("already exists", inUse.Message, StringComparison.Ordinal);
        });
        var stored = await h.Records().GetAsync("same-name", CancellationToken.None);
        Assert.Equal(RestorePhase.Completed, stored!.Phase);
    }
}
